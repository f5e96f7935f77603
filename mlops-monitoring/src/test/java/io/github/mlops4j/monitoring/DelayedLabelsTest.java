package io.github.mlops4j.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.mlops4j.testing.MutableClock;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Predictions recorded by id, labels arriving later, performance per window. */
class DelayedLabelsTest {

  private static Monitor.Builder monitor(PredictionTask task, MutableClock clock) {
    return Monitor.builder()
        .model("m")
        .reference(MonitorTest.reference())
        .window(WindowSpec.rows(1_000_000))
        .clock(clock)
        .predictions(task);
  }

  @Test
  void aucByHand() {
    // sklearn's documented example: y = [0, 0, 1, 1], scores = [0.1, 0.4, 0.35, 0.8] -> 0.75.
    // Pairs (pos, neg): (0.35, 0.1) ok, (0.35, 0.4) wrong, (0.8, 0.1) ok, (0.8, 0.4) ok: 3/4.
    assertThat(
            PerformanceAccumulator.auc(
                new double[] {0.1, 0.4, 0.35, 0.8}, new boolean[] {false, false, true, true}))
        .hasValue(0.75);
    // a tie between classes counts one half: pos {0.9, 0.5}, neg {0.5, 0.1}
    // pairs: 0.9>0.5 1, 0.9>0.1 1, 0.5=0.5 0.5, 0.5>0.1 1 -> 3.5 / 4
    assertThat(
            PerformanceAccumulator.auc(
                new double[] {0.9, 0.5, 0.5, 0.1}, new boolean[] {true, true, false, false}))
        .hasValue(0.875);
    assertThat(PerformanceAccumulator.auc(new double[] {0.3, 0.3}, new boolean[] {true, false}))
        .hasValue(0.5);
    assertThat(PerformanceAccumulator.auc(new double[] {0.2, 0.7}, new boolean[] {true, true}))
        .isEmpty();
  }

  @Test
  void aucFromRanksEqualsThePairCount() {
    SplittableRandom r = new SplittableRandom(9);
    for (int t = 0; t < 50; t++) {
      int n = 2 + r.nextInt(60);
      double[] s = new double[n];
      boolean[] y = new boolean[n];
      for (int i = 0; i < n; i++) {
        s[i] = r.nextInt(8) / 8.0; // many ties
        y[i] = r.nextBoolean();
      }
      double good = 0;
      long pairs = 0;
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          if (y[i] && !y[j]) {
            pairs++;
            good += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
          }
        }
      }
      if (pairs == 0) {
        assertThat(PerformanceAccumulator.auc(s, y)).isEmpty();
      } else {
        assertThat(PerformanceAccumulator.auc(s, y).getAsDouble())
            .isCloseTo(good / pairs, within(1e-12));
      }
    }
  }

  @Test
  void binaryPerformanceCountsInTheWindowTheLabelsArriveIn() {
    MutableClock clock = new MutableClock(MonitorTest.T0);
    try (Monitor m = monitor(PredictionTask.BINARY_CLASSIFICATION, clock).build()) {
      double[] scores = {0.1, 0.4, 0.35, 0.8, 0.6};
      for (int i = 0; i < scores.length; i++) {
        m.recordPrediction("req-" + i, scores[i]);
      }
      assertThat(m.stats().predictionsPending()).isEqualTo(5);
      m.observe(new double[] {0, 1}, new String[] {"a"});
      assertThat(m.flush().orElseThrow().performance().orElseThrow().labelled()).isZero();

      assertThat(m.recordLabel("req-0", 0)).isTrue();
      assertThat(m.recordLabel("req-1", false)).isTrue();
      assertThat(m.recordLabel("req-2", 1)).isTrue();
      assertThat(m.recordLabel("req-3", true)).isTrue();
      assertThat(m.recordLabel("req-3", 1)).isFalse(); // already labelled
      assertThat(m.recordLabel("nobody", 1)).isFalse();
      Performance p = m.flush().orElseThrow().performance().orElseThrow();
      assertThat(p.task()).isEqualTo(PredictionTask.BINARY_CLASSIFICATION);
      assertThat(p.labelled()).isEqualTo(4);
      assertThat(p.auc()).hasValue(0.75);
      // threshold 0.5: 0.1 -> 0 ok, 0.4 -> 0 ok, 0.35 -> 0 wrong, 0.8 -> 1 ok
      assertThat(p.accuracy()).hasValue(0.75);
      assertThat(p.rmse()).isEmpty();
      assertThat(p.aucPairs()).isEqualTo(4);
      MonitorStats s = m.stats();
      assertThat(s.labelsMatched()).isEqualTo(4);
      assertThat(s.labelsUnmatched()).isEqualTo(2);
      assertThat(s.predictionsPending()).isEqualTo(1);
    }
  }

  @Test
  void regressionAndMulticlass() {
    MutableClock clock = new MutableClock(MonitorTest.T0);
    try (Monitor m = monitor(PredictionTask.REGRESSION, clock).build()) {
      m.recordPrediction("a", 3.0);
      m.recordPrediction("b", 5.0);
      m.recordLabel("a", 1.0); // error 2
      m.recordLabel("b", 6.0); // error -1
      Performance p = m.flush().orElseThrow().performance().orElseThrow();
      assertThat(p.rmse().getAsDouble()).isCloseTo(Math.sqrt(2.5), within(1e-12));
      assertThat(p.mae()).hasValue(1.5);
      assertThat(p.accuracy()).isEmpty();
    }
    try (Monitor m = monitor(PredictionTask.MULTICLASS_CLASSIFICATION, clock).build()) {
      m.recordPrediction("a", "cat");
      m.recordPrediction("b", "dog");
      m.recordPrediction("c", "cat");
      m.recordLabel("a", "cat");
      m.recordLabel("b", "cat");
      m.recordLabel("c", "cat");
      assertThat(m.flush().orElseThrow().performance().orElseThrow().accuracy()).hasValue(2 / 3.0);
    }
  }

  @Test
  void pendingPredictionsAreBoundedOldestFirst() {
    MutableClock clock = new MutableClock(MonitorTest.T0);
    try (Monitor m = monitor(PredictionTask.REGRESSION, clock).maxPendingPredictions(32).build()) {
      for (int i = 0; i < 1_000; i++) {
        m.recordPrediction("id-" + i, i);
      }
      MonitorStats s = m.stats();
      assertThat(s.predictionsPending()).isLessThanOrEqualTo(32).isPositive();
      assertThat(s.predictionsEvicted()).isEqualTo(1_000 - s.predictionsPending());
      assertThat(m.recordLabel("id-0", 0)).isFalse(); // long evicted
      assertThat(m.recordLabel("id-999", 999)).isTrue(); // the newest is kept
    }
  }

  @Test
  void predictionsExpireAfterTheirTimeToLive() {
    MutableClock clock = new MutableClock(MonitorTest.T0);
    try (Monitor m =
        monitor(PredictionTask.BINARY_CLASSIFICATION, clock)
            .predictionTimeToLive(Duration.ofMinutes(10))
            .build()) {
      m.recordPrediction("old", 0.9);
      clock.advance(Duration.ofMinutes(9));
      m.recordPrediction("young", 0.2);
      clock.advance(Duration.ofMinutes(2));
      assertThat(m.recordLabel("old", 1)).isFalse();
      assertThat(m.recordLabel("young", 0)).isTrue();
      assertThat(m.stats().predictionsEvicted()).isEqualTo(1);
      assertThat(m.stats().labelsUnmatched()).isEqualTo(1);
    }
  }

  @Test
  void largeWindowsSampleTheAucPairs() {
    MutableClock clock = new MutableClock(MonitorTest.T0);
    try (Monitor m =
        monitor(PredictionTask.BINARY_CLASSIFICATION, clock).maxAucPairs(500).build()) {
      SplittableRandom r = new SplittableRandom(3);
      for (int i = 0; i < 5_000; i++) {
        boolean y = r.nextBoolean();
        m.recordPrediction("r" + i, (y ? 0.6 : 0.4) + 0.3 * (r.nextDouble() - 0.5));
        m.recordLabel("r" + i, y);
      }
      Performance p = m.flush().orElseThrow().performance().orElseThrow();
      assertThat(p.labelled()).isEqualTo(5_000);
      assertThat(p.aucPairs()).isEqualTo(500);
      // scores overlap on [0.45, 0.55]: true AUC = 1 - (1/3)^2 / 2 ≈ 0.944
      assertThat(p.auc().getAsDouble()).isCloseTo(1 - 1 / 18.0, within(0.03));
    }
  }

  @Test
  void wrongUseIsRefusedClearly() {
    MutableClock clock = new MutableClock(MonitorTest.T0);
    try (Monitor plain =
        Monitor.builder().model("m").reference(MonitorTest.reference()).clock(clock).build()) {
      assertThatThrownBy(() -> plain.recordPrediction("a", 0.5))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("predictions(task)");
    }
    try (Monitor m = monitor(PredictionTask.BINARY_CLASSIFICATION, clock).build()) {
      assertThatThrownBy(() -> m.recordLabel("a", 2)).hasMessageContaining("0 or 1");
      assertThatThrownBy(() -> m.recordLabel("a", "yes")).hasMessageContaining("double label");
      assertThatThrownBy(() -> m.recordPrediction("a", "cat")).hasMessageContaining("double");
      assertThatThrownBy(() -> m.recordPrediction("a", Double.NaN)).hasMessageContaining("finite");
    }
  }
}
