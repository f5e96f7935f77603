package io.github.mlops4j.features;

import static io.github.mlops4j.features.FeatureStoreContract.AVG;
import static io.github.mlops4j.features.FeatureStoreContract.customerStats;
import static io.github.mlops4j.features.FeatureStoreContract.stats;
import static io.github.mlops4j.features.FeatureStoreContract.t;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bulk lookup that read a row before {@link FeatureStore#erase} committed must not store it in
 * the cache after erase cleared it, however many unrelated writes overlap its reads.
 */
class OnlineCacheBulkLoadRaceTest {
  @TempDir Path temp;

  @Test
  void aBulkLoadOverlappingEraseDoesNotCacheTheErasedEntity() {
    MutableClock clock = new MutableClock(t(10_000));
    InMemoryOnlineStore mem = new InMemoryOnlineStore();
    AtomicInteger armed = new AtomicInteger(-1);
    FeatureStore[] fs = new FeatureStore[1];
    OnlineStore hooked =
        new OnlineStore() {
          @Override
          public Map<EntityKey, OnlineRecord> read(String view, Collection<EntityKey> keys) {
            Map<EntityKey, OnlineRecord> r = mem.read(view, keys);
            int n = armed.get();
            if (n >= 0) {
              armed.incrementAndGet();
              if (n < 2) {
                // a write to an unrelated entity overlaps each of the first two reads
                clock.advance(Duration.ofSeconds(1));
                long now = 10_001 + n;
                fs[0].write("customer_stats", List.of(stats("zz" + n, now, now, 5.0, 1L)));
                fs[0].materialize(clock.instant());
              } else if (n == 2) {
                armed.set(-1);
                // erase commits while the third read is in flight
                fs[0].erase(fs[0].planErasure(Map.of("customer_id", "c1")), "dpo", "gdpr");
              }
            }
            return r;
          }

          @Override
          public void write(String view, Collection<OnlineRecord> records) {
            mem.write(view, records);
          }

          @Override
          public void delete(String view, Collection<EntityKey> keys) {
            mem.delete(view, keys);
          }

          @Override
          public void close() {}
        };
    try (FeatureStore f =
        FeatureStore.builder()
            .workspace(temp.resolve("ws"))
            .onlineStore(hooked)
            .clock(clock)
            .cacheMaxStaleness(Duration.ofSeconds(60))
            .build()) {
      fs[0] = f;
      f.apply(customerStats(Duration.ZERO));
      f.write(
          "customer_stats",
          List.of(stats("c1", 9_000, 9_000, 1.0, 1L), stats("c2", 9_000, 9_000, 2.0, 1L)));
      f.materialize(clock.instant());
      armed.set(0);
      f.online(List.of(Map.of("customer_id", "c1"), Map.of("customer_id", "c2")), List.of(AVG));
      // erase committed during the third (last) read of the bulk load and has returned
      assertThat(armed.get()).as("erase ran inside the bulk load").isEqualTo(-1);
      assertThat(f.planErasure(Map.of("customer_id", "c1")).views())
          .allSatisfy(v -> assertThat(v.onlineRow()).isNull());
      Object afterErase = f.online(Map.of("customer_id", "c1"), List.of(AVG)).get(0, AVG);
      assertThat(afterErase).as("erased entity served from the cache").isNull();
    }
  }
}
