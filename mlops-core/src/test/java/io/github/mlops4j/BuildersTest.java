package io.github.mlops4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.features.FeatureView;
import io.github.mlops4j.features.JoinOptions;
import io.github.mlops4j.features.OnDemandView;
import io.github.mlops4j.features.ValueType;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.testing.ApiRules;
import io.github.mlops4j.testing.MutableClock;
import io.github.mlops4j.tracking.Run;
import io.github.mlops4j.tracking.RunQuery;
import io.github.mlops4j.tracking.Tracker;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The builders of core: a missing required setting is an {@link IllegalStateException} with one
 * message shape, and a builder built twice, or changed after build(), gives independent objects.
 */
class BuildersTest {
  @Test
  void aMissingRequiredSettingIsAnIllegalStateExceptionSayingWhatToCall() throws Exception {
    assertThat(
            ApiRules.missingSettingsThrowIllegalState(
                Store.class, FeatureView.builder("v"), OnDemandView.builder("o")))
        .contains(
            "Store.Builder",
            "FeatureStore.Builder",
            "Tracker.Builder",
            "FeatureView.Builder",
            "OnDemandView.Builder");
    assertThatThrownBy(() -> Tracker.builder().build())
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage(
            "Tracker.Builder: a store is required;"
                + " call workspace(path), dataSource(dataSource) or store(store)");
  }

  @Test
  void featureViewsBuiltTwiceAreIndependent() {
    FeatureView.Builder b =
        FeatureView.builder("v").entity("k", ValueType.STRING).feature("a", ValueType.LONG);
    FeatureView first = b.build();
    b.feature("b", ValueType.DOUBLE).request("r", ValueType.LONG).ttl(Duration.ofHours(1));
    FeatureView second = b.build();
    assertThat(first.features()).hasSize(1);
    assertThat(first.requestFields()).isEmpty();
    assertThat(first.ttl()).isEqualTo(Duration.ZERO);
    assertThat(second.features()).hasSize(2);
    assertThat(b.build().features()).isEqualTo(second.features());
  }

  @Test
  void onDemandViewsBuiltTwiceAreIndependent() {
    OnDemandView.Builder b =
        OnDemandView.builder("o").input("v:a").feature("x", ValueType.LONG, in -> 1L);
    OnDemandView first = b.build();
    b.input("v:b").feature("y", ValueType.LONG, in -> 2L);
    assertThat(first.inputs()).containsExactly("v:a");
    assertThat(first.features()).hasSize(1);
    assertThat(b.build().features()).hasSize(2);
  }

  @Test
  void joinOptionsAndQueriesBuiltTwiceAreIndependent() {
    JoinOptions.Builder j = JoinOptions.builder().ttl("v", Duration.ofMinutes(1));
    JoinOptions first = j.build();
    j.ttl("w", Duration.ofMinutes(2)).asOfKnownTime(true);
    assertThat(first.ttl("w")).isEmpty();
    assertThat(first.asOfKnownTime()).isFalse();
    assertThat(j.build().ttl("w")).contains(Duration.ofMinutes(2));

    RunQuery.Builder q = RunQuery.builder().experiments("a").orderBy("metrics.auc DESC");
    RunQuery query = q.build();
    q.experiments("b").orderBy("start_time").maxResults(7);
    assertThat(query.experiments()).containsExactly("a");
    assertThat(query.orderBy()).hasSize(1);
    assertThat(query.maxResults()).isNotEqualTo(7);
  }

  @Test
  void storeBackedBuildersBuiltTwiceAreIndependent(@TempDir Path dir) {
    MutableClock early = new MutableClock(Instant.parse("2024-01-01T00:00:00Z"));
    MutableClock late = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
    Tracker.Builder b = Tracker.builder().workspace(dir).clock(early).captureEnvironment(false);
    try (Tracker first = b.build()) {
      b.clock(late);
      try (Tracker second = b.build();
          Run a = first.startRun("e");
          Run c = second.startRun("e")) {
        assertThat(first.findRun(a.id()).orElseThrow().startTime()).isEqualTo(early.instant());
        assertThat(second.findRun(c.id()).orElseThrow().startTime()).isEqualTo(late.instant());
      }
    }
  }
}
