package io.github.mlops4j.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.features.FeatureRow;
import io.github.mlops4j.features.FeatureStatus;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.features.FeatureView;
import io.github.mlops4j.features.NanPolicy;
import io.github.mlops4j.features.OnlineFeatures;
import io.github.mlops4j.features.ValueType;
import io.github.mlops4j.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A feature store reading online features from Redis answers exactly what one reading the embedded
 * store answers: same values (every type, bit for bit), same statuses, same event times, at every
 * read time of a shared fake clock. The clock is in 2100 so that Redis (real time) expires nothing
 * here.
 */
class RedisFeatureStoreTest {
  @RegisterExtension static final RedisServer REDIS = new RedisServer();
  private static final Instant T0 = Instant.parse("2100-01-01T00:00:00Z");
  private static final List<String> FEATURES =
      List.of("s:str", "s:num", "s:real", "s:flag", "s:when");

  private static final java.util.concurrent.atomic.AtomicInteger NAMESPACES =
      new java.util.concurrent.atomic.AtomicInteger();

  @TempDir Path temp;
  private final MutableClock clock = new MutableClock(T0.plusSeconds(10_000));
  private RedisOnlineStore redis;
  private FeatureStore embedded;
  private FeatureStore viaRedis;

  @BeforeEach
  void open() {
    redis =
        RedisOnlineStore.builder()
            .uri(REDIS.uri())
            .namespace("fs" + NAMESPACES.incrementAndGet())
            .build();
    embedded =
        FeatureStore.builder()
            .workspace(temp.resolve("a"))
            .clock(clock)
            .cacheMaximumSize(0)
            .build();
    viaRedis =
        FeatureStore.builder()
            .workspace(temp.resolve("b"))
            .clock(clock)
            .cacheMaximumSize(0)
            .cacheMaxStaleness(Duration.ZERO)
            .onlineStore(redis)
            .build();
  }

  @AfterEach
  void close() {
    embedded.close();
    viaRedis.close();
    redis.close();
  }

  private static Instant t(long seconds) {
    return T0.plusSeconds(seconds);
  }

  private void both(java.util.function.Consumer<FeatureStore> action) {
    action.accept(embedded);
    action.accept(viaRedis);
  }

  private static Map<String, Object> values(
      Object str, Object num, Object real, Object flag, Object when) {
    Map<String, Object> m = new HashMap<>();
    m.put("str", str);
    m.put("num", num);
    m.put("real", real);
    m.put("flag", flag);
    m.put("when", when);
    return m;
  }

  private void assertSameAnswers(List<String> entities) {
    List<Map<String, ?>> rows = new ArrayList<>();
    for (String e : entities) {
      rows.add(Map.of("id", e));
    }
    OnlineFeatures a = embedded.online(rows, FEATURES);
    OnlineFeatures b = viaRedis.online(rows, FEATURES);
    for (int i = 0; i < rows.size(); i++) {
      assertThat(b.row(i))
          .as("entity %s at %s", entities.get(i), clock.instant())
          .isEqualTo(a.row(i));
    }
  }

  @Test
  void valuesStatusesAndEventTimes_equalTheEmbeddedStore_asTheClockMoves() {
    both(
        f ->
            f.apply(
                FeatureView.builder("s")
                    .entity("id", ValueType.STRING)
                    .feature("str", ValueType.STRING)
                    .feature("num", ValueType.LONG)
                    .feature("real", ValueType.DOUBLE)
                    .feature("flag", ValueType.BOOLEAN)
                    .feature("when", ValueType.TIMESTAMP)
                    .ttl(Duration.ofSeconds(1_000))
                    .nanPolicy(NanPolicy.KEEP)
                    .build()));
    List<FeatureRow> rows =
        List.of(
            FeatureRow.of(
                Map.of("id", "nan"),
                t(9_500),
                values("ключ 🔑 \u0000:\r\n", Long.MAX_VALUE, Double.NaN, true, t(1).plusNanos(7))),
            FeatureRow.of(
                Map.of("id", "zero"),
                t(9_600),
                values("", (1L << 53) + 1, -0.0, false, Instant.EPOCH)),
            FeatureRow.of(
                Map.of("id", "inf"),
                t(9_700),
                values("x".repeat(100_000), Long.MIN_VALUE, Double.POSITIVE_INFINITY, true, t(0))),
            FeatureRow.of(
                Map.of("id", "-inf"),
                t(9_800),
                values("a", -1L, Double.NEGATIVE_INFINITY, false, t(2))),
            FeatureRow.of(Map.of("id", "nulls"), t(9_900), values(null, null, null, null, null)),
            FeatureRow.of(Map.of("id", "old"), t(8_000), values("old", 1L, 1.5, true, t(3))),
            FeatureRow.of(
                Map.of("id", ":"), t(9_990), values(":", 2L, Double.MIN_VALUE, true, t(4))));
    both(f -> f.write("s", rows));
    both(f -> f.materialize(t(10_000)));
    List<String> entities = List.of("nan", "zero", "inf", "-inf", "nulls", "old", ":", "absent");
    assertSameAnswers(entities);
    assertThat(viaRedis.online(Map.of("id", "old"), FEATURES).value("s:num").status())
        .isEqualTo(FeatureStatus.EXPIRED);
    assertThat(viaRedis.online(Map.of("id", "nan"), FEATURES).get(0, "s:real"))
        .isEqualTo(Double.NaN);
    assertThat(viaRedis.online(Map.of("id", "zero"), FEATURES).get(0, "s:real")).isEqualTo(-0.0);

    // Later: some rows expire; a newer row replaces one, a late older row does not.
    clock.set(t(10_650));
    both(
        f ->
            f.write(
                "s",
                List.of(
                    FeatureRow.of(
                        Map.of("id", "nan"), t(10_600), values("new", 5L, 2.0, false, t(5))),
                    FeatureRow.of(
                        Map.of("id", "zero"), t(9_000), values("late", 6L, 3.0, true, t(6))))));
    both(f -> f.materialize(t(10_650)));
    assertSameAnswers(entities);
    clock.set(t(11_200));
    assertSameAnswers(entities);
    clock.set(t(20_000));
    assertSameAnswers(entities);
  }

  @Test
  void materialization_passesTheViewTtl_soRedisExpiresTheRecords() {
    both(
        f ->
            f.apply(
                FeatureView.builder("s")
                    .entity("id", ValueType.STRING)
                    .feature("num", ValueType.LONG)
                    .ttl(Duration.ofSeconds(1_000))
                    .build()));
    both(
        f ->
            f.apply(
                FeatureView.builder("k")
                    .entity("id", ValueType.STRING)
                    .feature("num", ValueType.LONG)
                    .build()));
    both(f -> f.write("s", List.of(FeatureRow.of(Map.of("id", "a"), t(9_000), Map.of("num", 1L)))));
    both(f -> f.write("k", List.of(FeatureRow.of(Map.of("id", "a"), t(9_000), Map.of("num", 1L)))));
    both(f -> f.materialize(t(10_000)));
    io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(REDIS.uri());
    try (var c = client.connect()) {
      List<String> keys = c.sync().keys(redis.namespace() + ":*");
      assertThat(keys).hasSize(2);
      for (String k : keys) {
        long pttl = c.sync().pttl(k);
        if (k.startsWith(redis.namespace() + ":s:")) {
          // eventTime + ttl + 1 day, in 2100: decades from the real now.
          assertThat(pttl).isGreaterThan(Duration.ofDays(365L * 70).toMillis());
        } else {
          assertThat(pttl).isEqualTo(-1); // a view without TTL: kept
        }
      }
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }
}
