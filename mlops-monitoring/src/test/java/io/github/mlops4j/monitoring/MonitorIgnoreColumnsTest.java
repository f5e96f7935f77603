package io.github.mlops4j.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.testing.MutableClock;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Columns declared as not features (entity keys, request ids) are skipped by observe(Map). */
class MonitorIgnoreColumnsTest {
  private static Map<String, Object> keyed(SplittableRandom r, int i) {
    Map<String, Object> row = MonitorTest.row(r, 0);
    row.put("applicant_id", "A-" + i);
    row.put("request_id", (long) i);
    return row;
  }

  @Test
  void declaredNonFeatureColumnsAreSkipped() {
    try (Monitor m =
        Monitor.builder()
            .model("loans")
            .reference(MonitorTest.reference())
            .ignoreColumns("applicant_id", "request_id")
            .window(WindowSpec.rows(100))
            .clock(new MutableClock(MonitorTest.T0))
            .build()) {
      SplittableRandom r = new SplittableRandom(3);
      for (int i = 0; i < 100; i++) {
        m.observe(keyed(r, i));
      }
      assertThat(m.stats().rowsRejected()).isZero();
      assertThat(m.stats().rowsObserved()).isEqualTo(100);
      WindowSummary w = m.lastWindow().orElseThrow();
      assertThat(w.profile().schema().columns()).containsExactly("x", "y", "c");
      assertThat(w.profile().column("x").missing()).isZero();
      assertThat(m.ignoredColumns()).containsExactlyInAnyOrder("applicant_id", "request_id");
    }
  }

  @Test
  void undeclaredUnknownColumnsAreStillRefused() {
    try (Monitor m =
        Monitor.builder()
            .model("loans")
            .reference(MonitorTest.reference())
            .ignoreColumns("applicant_id")
            .clock(new MutableClock(MonitorTest.T0))
            .build()) {
      Map<String, Object> row =
          new HashMap<>(Map.of("x", 1.0, "applicant_id", "A-1", "zip", "12345"));
      assertThatThrownBy(() -> m.observe(row))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'zip'")
          .hasMessageContaining("ignoreColumns");
      assertThat(m.stats().rowsRejected()).isEqualTo(1);
      assertThat(m.stats().rowsObserved()).isZero();
    }
  }

  @Test
  void aFeatureCannotBeIgnored() {
    Monitor.Builder b =
        Monitor.builder().model("loans").reference(MonitorTest.reference()).ignoreColumns("x");
    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'x'");
    assertThatThrownBy(() -> Monitor.builder().ignoreColumns(" "))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
