package io.github.mlops4j.features;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.Subscription;
import io.github.mlops4j.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Materialization listeners hear each view a materialization moved, after it committed. */
class MaterializationListenerTest {
  @TempDir Path dir;

  private record Heard(Materialization materialization, Instant time) {}

  @Test
  void eachMovedView_isAnnounced_unmovedViewsAndFailingListenersChangeNothing() {
    Instant t0 = Instant.parse("2025-01-01T00:00:00Z");
    MutableClock clock = new MutableClock(t0.plus(Duration.ofDays(1)));
    List<Heard> heard = new CopyOnWriteArrayList<>();
    try (FeatureStore store =
        FeatureStore.builder().workspace(dir.resolve("ws")).clock(clock).build()) {
      store.apply(
          FeatureView.builder("a")
              .entity("id", ValueType.STRING)
              .feature("x", ValueType.DOUBLE)
              .ttl(Duration.ofDays(7))
              .build());
      store.apply(
          FeatureView.builder("b")
              .entity("id", ValueType.STRING)
              .feature("y", ValueType.DOUBLE)
              .ttl(Duration.ofDays(7))
              .build());
      store.addListener(
          (m, t) -> {
            throw new IllegalStateException("listener bug");
          });
      Subscription s = store.addListener((m, t) -> heard.add(new Heard(m, t)));
      store.write("a", List.of(FeatureRow.of(Map.of("id", "e1"), t0, Map.of("x", 1.0))));

      store.materialize(t0.plusSeconds(10));
      assertThat(heard).hasSize(2);
      assertThat(heard.get(0).materialization().view()).isEqualTo("a");
      assertThat(heard.get(0).materialization().entitiesWritten()).isEqualTo(1);
      assertThat(heard.get(0).time()).isEqualTo(clock.instant());
      // the failing listener did not stop the materialization
      assertThat(store.online(Map.of("id", "e1"), List.of("a:x")).get(0, "a:x")).isEqualTo(1.0);

      store.materialize(t0.plusSeconds(10)); // both views already there: nothing moved
      assertThat(heard).hasSize(2);

      s.close();
      store.materialize(t0.plusSeconds(20));
      assertThat(heard).hasSize(2);
    }
  }
}
