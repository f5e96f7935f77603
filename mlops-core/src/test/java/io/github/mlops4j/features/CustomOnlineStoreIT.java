package io.github.mlops4j.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The whole feature store contract with a third-party {@link OnlineStore} (SQLite offline), as a
 * Redis store would be plugged in; plus what the cache in front of such a store does.
 */
class CustomOnlineStoreIT extends FeatureStoreContract {
  private final InMemoryOnlineStore online = new InMemoryOnlineStore();

  @Override
  FeatureStore.Builder freshStore(Path dir) {
    return sameStore(dir);
  }

  @Override
  FeatureStore.Builder sameStore(Path dir) {
    return FeatureStore.builder().workspace(dir.resolve("ws")).onlineStore(online);
  }

  @Test
  void cache_servesRepeatedReads_untilEventTimePlusTtl() {
    features.apply(customerStats(Duration.ofSeconds(100)));
    features.write("customer_stats", List.of(stats("c1", 9_950, 9_950, 1.0, 1L)));
    features.materialize(t(10_000));
    int before = online.reads.get();
    for (int i = 0; i < 5; i++) {
      assertThat(features.online(Map.of("customer_id", "c1"), List.of(AVG)).get(0, AVG))
          .isEqualTo(1.0);
    }
    assertThat(online.reads.get() - before).isEqualTo(1);
    clock.set(t(10_050).plusNanos(1)); // past eventTime + ttl: the entry expired from the cache
    assertThat(features.online(Map.of("customer_id", "c1"), List.of(AVG)).value(AVG).status())
        .isEqualTo(FeatureStatus.EXPIRED);
    assertThat(online.reads.get() - before).isEqualTo(2);
    // The expired row is cached too (until the staleness bound), not re-read on every lookup.
    features.online(Map.of("customer_id", "c1"), List.of(AVG));
    assertThat(online.reads.get() - before).isEqualTo(2);
    clock.advance(Duration.ofMinutes(2));
    features.online(Map.of("customer_id", "c1"), List.of(AVG));
    assertThat(online.reads.get() - before).isEqualTo(3);
  }

  @Test
  void cache_batchReadsLoadMissingKeysInOneCall() {
    features.apply(customerStats(Duration.ZERO));
    features.write(
        "customer_stats", List.of(stats("c1", 1, 1, 1.0, 1L), stats("c2", 1, 1, 2.0, 2L)));
    features.materialize(t(10_000));
    int before = online.reads.get();
    OnlineFeatures r =
        features.online(
            List.of(
                Map.of("customer_id", "c1"),
                Map.of("customer_id", "c2"),
                Map.of("customer_id", "c3"),
                Map.of("customer_id", "c1")),
            List.of(AVG));
    assertThat(r.get(0, AVG)).isEqualTo(1.0);
    assertThat(r.get(3, AVG)).isEqualTo(1.0);
    assertThat(r.value(2, AVG).status()).isEqualTo(FeatureStatus.NOT_FOUND);
    assertThat(online.reads.get() - before).isEqualTo(1);
  }
}
