package io.github.mlops4j.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.features.FeatureRow;
import io.github.mlops4j.features.FeatureStatus;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.features.FeatureView;
import io.github.mlops4j.features.OnlineFeatures;
import io.github.mlops4j.features.ValueType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The configuration shown in docs/features.md, run against a real server. */
class RedisGuideExampleTest {
  @RegisterExtension static final RedisServer REDIS = new RedisServer();
  @TempDir Path temp;

  @Test
  void theDocumentedConfigurationWorks() {
    String redisUri = REDIS.uri();
    Path workspace = temp.resolve("ws");
    OnlineFeatures row;
    // tag::redis-online-store[]
    try (RedisOnlineStore online =
            RedisOnlineStore.builder()
                .uri(redisUri) // "redis://host:6379", or a Lettuce RedisURI (TLS, password)
                .namespace("prod-features") // one per workspace sharing the server
                .timeout(Duration.ofSeconds(2)) // per read or write (default 2 s)
                .batchSize(500) // records or keys per script call (default 500)
                .keepExpiredFor(Duration.ofDays(1)) // Redis keeps expired rows this long
                .build();
        FeatureStore features =
            FeatureStore.builder().workspace(workspace).onlineStore(online).build()) {
      features.apply(
          FeatureView.builder("customer_stats")
              .entity("customer_id", ValueType.STRING)
              .feature("avg_spend_30d", ValueType.DOUBLE)
              .ttl(Duration.ofDays(2)) // also the Redis expiry: eventTime + 2 days + 1 day
              .build());
      Instant now = Instant.now();
      features.write(
          "customer_stats",
          List.of(
              FeatureRow.of(
                  Map.of("customer_id", "c1"),
                  now.minusSeconds(60),
                  Map.of("avg_spend_30d", 42.5))));
      features.materialize(now); // pipelined script calls, newest row per entity wins
      row = features.online(Map.of("customer_id", "c1"), List.of("customer_stats:avg_spend_30d"));
    } // closes the feature store, then the Redis store and its connection
    // end::redis-online-store[]
    assertThat(row.get(0, "customer_stats:avg_spend_30d")).isEqualTo(42.5);
    assertThat(row.value("customer_stats:avg_spend_30d").status()).isEqualTo(FeatureStatus.PRESENT);
  }
}
