package io.github.mlops4j.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.testing.ApiRules;
import io.github.mlops4j.testing.MutableClock;
import io.github.mlops4j.tracking.Run;
import io.github.mlops4j.tracking.Tracker;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The options every store-backed builder shares, {@code clock(Clock)} among them, live once. */
class StoreOptionsTest {
  @Test
  void theStoreBackedBuildersOfCoreDeclareNoCopyOfTheSharedSetters() {
    assertThat(ApiRules.storeOptionSettersLiveOnce(Store.class))
        .contains("Builder")
        .hasSizeGreaterThanOrEqualTo(2);
  }

  @Test
  void theSharedClockReturnsTheConcreteBuilderAndReachesTheService(@TempDir Path dir) {
    MutableClock clock = new MutableClock(Instant.parse("2024-01-02T03:04:05Z"));
    // clock(...) returns the concrete builder: the chain goes on with the builder's own setters
    try (Tracker tracker =
            Tracker.builder().clock(clock).captureEnvironment(false).workspace(dir).build();
        Run run = tracker.startRun("clocked")) {
      assertThat(tracker.findRun(run.id()).orElseThrow().startTime()).isEqualTo(clock.instant());
    }
    try (FeatureStore features =
        FeatureStore.builder().clock(clock).cacheMaximumSize(10).workspace(dir).build()) {
      assertThat(features.views()).isEmpty();
    }
  }

  @Test
  void aNullClockIsRefused() {
    assertThatThrownBy(() -> FeatureStore.builder().clock(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("clock");
  }
}
