package io.github.mlops4j.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.features.EntityKey;
import io.github.mlops4j.features.EntityRow;
import io.github.mlops4j.features.FeatureRow;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.features.FeatureView;
import io.github.mlops4j.features.OnlineRecord;
import io.github.mlops4j.features.ValueType;
import io.github.mlops4j.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The server stops while a store uses it, then comes back on the same port (empty). */
class RedisOutageTest {
  @RegisterExtension static final RedisServer REDIS = new RedisServer();
  private static final long SAFETY_NET_NANOS = TimeUnit.SECONDS.toNanos(60);

  private static EntityKey key(String s) {
    return EntityKey.fromBytes(s.getBytes(StandardCharsets.UTF_8));
  }

  private static OnlineRecord record(String k, String payload) {
    Instant e = Instant.parse("2030-01-01T00:00:00Z");
    return new OnlineRecord(key(k), e, e, 0, payload.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aStoppedServer_givesClearErrors_andTheStoreRecoversWhenItIsBack() throws Exception {
    try (RedisOnlineStore store =
        RedisOnlineStore.builder().uri(REDIS.uri()).namespace("outage").build()) {
      store.write("v", List.of(record("a", "before")));
      assertThat(store.read("v", List.of(key("a")))).hasSize(1);

      REDIS.stop();
      String server = "127.0.0.1:" + REDIS.port();
      assertThatThrownBy(() -> store.read("v", List.of(key("a"))))
          .isInstanceOfSatisfying(
              RedisOnlineStoreException.class,
              e -> {
                assertThat(e.server()).isEqualTo(server);
                assertThat(e.operation()).isEqualTo("read");
                assertThat(e.view()).isEqualTo("v");
                assertThat(e.keys()).isEqualTo(1);
                assertThat(e.getMessage())
                    .contains("Redis online store at " + server)
                    .contains("read of 1 entity in view 'v'")
                    .contains("reconnects by itself");
              });
      assertThatThrownBy(() -> store.read("v", List.of(key("a"), key("b"))))
          .isInstanceOf(RedisOnlineStoreException.class)
          .hasMessageContaining("read of 2 entities");
      assertThatThrownBy(() -> store.write("v", List.of(record("a", "during"))))
          .isInstanceOfSatisfying(
              RedisOnlineStoreException.class, e -> assertThat(e.operation()).isEqualTo("write"));

      REDIS.start(); // same port, empty: the scripts must be loaded again
      long deadline = System.nanoTime() + SAFETY_NET_NANOS;
      while (true) {
        try {
          store.write("v", List.of(record("a", "after"), record("b", "after")));
          break;
        } catch (RedisOnlineStoreException e) {
          if (System.nanoTime() > deadline) {
            throw e;
          }
          Thread.sleep(20); // waiting for the reconnect, not timing anything under test
        }
      }
      assertThat(store.read("v", List.of(key("a"), key("b")))).hasSize(2);
      assertThat(
              new String(
                  store.read("v", List.of(key("a"))).get(key("a")).values(),
                  StandardCharsets.UTF_8))
          .isEqualTo("after");
    }
  }

  @Test
  void aFeatureStore_duringAnOutage_failsClearly_andMaterializesAgainWhenTheServerIsBack(
      @TempDir Path temp) throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2100-01-01T00:00:00Z"));
    try (RedisOnlineStore store =
            RedisOnlineStore.builder().uri(REDIS.uri()).namespace("outage-fs").build();
        FeatureStore features =
            FeatureStore.builder()
                .workspace(temp.resolve("ws"))
                .clock(clock)
                .cacheMaximumSize(0)
                .cacheMaxStaleness(Duration.ZERO)
                .onlineStore(store)
                .build()) {
      features.apply(
          FeatureView.builder("s")
              .entity("id", ValueType.STRING)
              .feature("n", ValueType.LONG)
              .build());
      features.write(
          "s",
          List.of(
              FeatureRow.of(Map.of("id", "a"), clock.instant().minusSeconds(10), Map.of("n", 1L))));
      features.materialize(clock.instant());

      REDIS.stop();
      clock.advance(Duration.ofMinutes(1));
      features.write(
          "s",
          List.of(
              FeatureRow.of(Map.of("id", "a"), clock.instant().minusSeconds(10), Map.of("n", 2L))));
      assertThatThrownBy(() -> features.online(Map.of("id", "a"), List.of("s:n")))
          .isInstanceOf(RedisOnlineStoreException.class)
          .hasMessageContaining("read of 1 entity in view 's'");
      Instant to = clock.instant();
      assertThatThrownBy(() -> features.materialize(to))
          .isInstanceOf(RedisOnlineStoreException.class)
          .hasMessageContaining("write of 1 entity in view 's'");
      // a late row (at or before the watermark) goes online before its write commits: with the
      // server down the write fails and stores nothing, so it is not lost to the online store
      Instant before = clock.instant().minus(Duration.ofMinutes(2));
      List<FeatureRow> late = List.of(FeatureRow.of(Map.of("id", "b"), before, Map.of("n", 7L)));
      assertThatThrownBy(() -> features.write("s", late))
          .isInstanceOf(RedisOnlineStoreException.class)
          .hasMessageContaining("write of 1 entity in view 's'");
      EntityRow b = EntityRow.of(Map.of("id", "b"), clock.instant());
      assertThat(features.historical(List.of(b), List.of("s:n")).get(0).get("s:n")).isNull();

      REDIS.start(); // empty; the failed materialization did not advance the watermark
      long deadline = System.nanoTime() + SAFETY_NET_NANOS;
      while (true) {
        try {
          features.materialize(to);
          break;
        } catch (RedisOnlineStoreException e) {
          if (System.nanoTime() > deadline) {
            throw e;
          }
          Thread.sleep(20); // waiting for the reconnect, not timing anything under test
        }
      }
      assertThat(features.online(Map.of("id", "a"), List.of("s:n")).get(0, "s:n")).isEqualTo(2L);
      assertThat(features.write("s", late).lateEntities()).isEqualTo(1);
      assertThat(features.online(Map.of("id", "b"), List.of("s:n")).get(0, "s:n")).isEqualTo(7L);
      assertThat(features.historical(List.of(b), List.of("s:n")).get(0).get("s:n")).isEqualTo(7L);
    }
  }

  @Test
  void noServerAtBuild_isAClearError() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    assertThatThrownBy(
            () ->
                RedisOnlineStore.builder().uri("redis://127.0.0.1:" + port).namespace("n").build())
        .isInstanceOfSatisfying(
            RedisOnlineStoreException.class,
            e -> {
              assertThat(e.operation()).isEqualTo("connect");
              assertThat(e.getMessage())
                  .startsWith("Cannot connect to the Redis online store at 127.0.0.1:" + port);
            });
  }
}
