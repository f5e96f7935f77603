package io.github.mlops4j.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worked example of {@code docs/features.md}: the guide shows the tagged region {@code
 * worked-example} of this test (kept equal by {@code DocSnippetsTest} in mlops-examples), which is
 * run here and its results checked against the guide's table.
 */
class FeaturesGuideExampleTest {
  @TempDir Path workspace;

  @Test
  void workedExample() {
    Clock clock = Clock.fixed(Instant.parse("2026-01-05T00:00:00Z"), ZoneOffset.UTC);
    // tag::worked-example[]
    FeatureStore features = FeatureStore.builder().workspace(workspace).clock(clock).build();
    features.apply(
        FeatureView.builder("customer_stats")
            .entity("customer_id", ValueType.STRING)
            .feature("avg_spend_30d", ValueType.DOUBLE)
            .feature("orders_7d", ValueType.LONG)
            .ttl(Duration.ofDays(2))
            .build());

    Instant jan1 = Instant.parse("2026-01-01T00:00:00Z");
    Instant jan2 = jan1.plus(Duration.ofDays(1));
    Instant jan3 = jan1.plus(Duration.ofDays(2));
    Instant jan4 = jan1.plus(Duration.ofDays(3));
    Instant jan5 = jan1.plus(Duration.ofDays(4));
    Map<String, Object> alice = Map.of("customer_id", "alice");
    Map<String, Object> bob = Map.of("customer_id", "bob");
    features.write(
        "customer_stats",
        List.of( // keys, eventTime, createdTime, values
            FeatureRow.of(alice, jan1, jan1, Map.of("avg_spend_30d", 20.0, "orders_7d", 3L)),
            FeatureRow.of(alice, jan4, jan4, Map.of("avg_spend_30d", 25.0, "orders_7d", 5L)),
            FeatureRow.of(bob, jan2, jan2, Map.of("avg_spend_30d", 8.0, "orders_7d", 1L))));
    // On Jan 3 we learn that alice's Jan 1 figure was wrong: a correction of the same event.
    features.write(
        "customer_stats",
        List.of(FeatureRow.of(alice, jan1, jan3, Map.of("avg_spend_30d", 21.0, "orders_7d", 3L))));

    List<EntityRow> spine =
        List.of(
            EntityRow.of(Map.of("customer_id", "alice", "churned", false), jan2),
            EntityRow.of(Map.of("customer_id", "alice", "churned", false), jan4),
            EntityRow.of(Map.of("customer_id", "bob", "churned", true), jan5),
            EntityRow.of(Map.of("customer_id", "carol", "churned", true), jan5));
    List<String> refs = List.of("customer_stats:avg_spend_30d", "customer_stats:orders_7d");
    List<TrainingRow> training = features.historical(spine, refs);
    List<TrainingRow> asKnown =
        features.historical(spine, refs, JoinOptions.builder().asOfKnownTime(true).build());

    features.materialize(jan5); // not after the clock's now
    OnlineFeatures online = features.online(alice, refs);
    // end::worked-example[]
    try {
      String avg = "customer_stats:avg_spend_30d";
      assertThat(training).extracting(r -> r.get(avg)).containsExactly(21.0, 25.0, null, null);
      assertThat(training)
          .extracting(r -> r.value(avg).status())
          .containsExactly(
              FeatureStatus.PRESENT,
              FeatureStatus.PRESENT,
              FeatureStatus.EXPIRED,
              FeatureStatus.NOT_FOUND);
      assertThat(training)
          .extracting(r -> r.value(avg).eventTime())
          .containsExactly(jan1, jan4, jan2, null);
      assertThat(training.get(0).entity().get("churned")).isEqualTo(false);
      assertThat(asKnown).extracting(r -> r.get(avg)).containsExactly(20.0, 25.0, null, null);
      assertThat(online.value(avg)).isEqualTo(new FeatureValue(25.0, FeatureStatus.PRESENT, jan4));
      assertThat(online.get(0, "customer_stats:orders_7d")).isEqualTo(5L);
    } finally {
      features.close();
    }
  }
}
