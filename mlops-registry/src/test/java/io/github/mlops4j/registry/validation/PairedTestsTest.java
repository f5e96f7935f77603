package io.github.mlops4j.registry.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;

class PairedTestsTest {
  @Test
  void mcnemar_matchesScipy() {
    // scipy 1.17.1: scipy.stats.binomtest(b, b + c, 0.5).pvalue below 25 discordant pairs,
    // scipy.stats.chi2.sf(max(0, |b - c| - 1)**2 / (b + c), 1) from 25.
    PairedTests.McNemar exact = PairedTests.mcnemar(3, 12);
    assertThat(exact.exact()).isTrue();
    assertThat(exact.pValue()).isCloseTo(0.03515625, within(1e-12));
    assertThat(PairedTests.mcnemar(10, 4).pValue()).isCloseTo(0.1795654296875, within(1e-12));
    PairedTests.McNemar chi = PairedTests.mcnemar(40, 20);
    assertThat(chi.exact()).isFalse();
    assertThat(chi.pValue()).isCloseTo(0.014171388254012323, within(1e-12));
    assertThat(PairedTests.mcnemar(30, 30).pValue()).isEqualTo(1.0); // chi2.sf(0, 1)
    assertThat(PairedTests.mcnemar(0, 0).pValue()).isEqualTo(1.0);
    assertThat(PairedTests.mcnemar(1, 0).pValue()).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void accuracyDifference_isThePairedWaldInterval() {
    // 1,000 rows, b = 41 only the candidate gets right, c = 20 only the champion. Reference,
    // scipy 1.17.1: d = (b - c) / n; se = sqrt(b + c - (b - c)**2 / n) / n;
    // d -+ scipy.stats.norm.ppf(0.975) * se
    int n = 1000;
    int[] truth = new int[n];
    int[] candidate = new int[n];
    int[] champion = new int[n];
    for (int i = 0; i < 41; i++) {
      champion[i] = 1;
    }
    for (int i = 41; i < 61; i++) {
      candidate[i] = 1;
    }
    java.util.List<String> labels = java.util.List.of("no", "yes");
    PairedTests.Interval ci =
        PairedTests.accuracyDifference(
            Scores.labels(labels, truth, candidate, null),
            Scores.labels(labels, truth, champion, null),
            -1,
            0.05);
    assertThat(ci.lower()).isCloseTo(0.0057476262594173405, within(1e-12));
    assertThat(ci.upper()).isCloseTo(0.03625237374058266, within(1e-12));
  }

  @Test
  void quantile_matchesNumpyLinear() {
    // numpy 2.4.6: np.quantile([0.3, -0.1, 0.2, 0.5, 0.0, 0.1, 0.4], [0.025, 0.975])
    double[] v = {-0.1, 0.0, 0.1, 0.2, 0.3, 0.4, 0.5};
    assertThat(PairedTests.quantile(v, 0.025)).isCloseTo(-0.085, within(1e-12));
    assertThat(PairedTests.quantile(v, 0.975)).isCloseTo(0.485, within(1e-12));
  }

  @Test
  void bootstrap_isSeededAndIndependentOfParallelism() {
    Scores a = MetricsTest.fixed();
    Scores b =
        Scores.labels(
            MetricsTest.LABELS,
            MetricsTest.TRUTH,
            new int[] {0, 0, 0, 0, 1, 1, 1, 0, 2, 2, 0, 1},
            MetricsTest.PROB);
    Metrics.Id id = Metrics.parse(a, "macro_f1");
    Executor pool = ForkJoinPool.commonPool();
    PairedTests.Interval one = PairedTests.bootstrap(a, b, id, 1, 500, 7, 0.05, pool, 1);
    PairedTests.Interval four = PairedTests.bootstrap(a, b, id, 1, 500, 7, 0.05, pool, 4);
    PairedTests.Interval other = PairedTests.bootstrap(a, b, id, 1, 500, 8, 0.05, pool, 4);
    assertThat(four).isEqualTo(one);
    assertThat(other).isNotEqualTo(one);
    assertThat(one.lower()).isLessThanOrEqualTo(one.upper());
    assertThat(one.used()).isEqualTo(500);
  }

  @Test
  void bootstrap_ofIdenticalPredictions_isZero() {
    Scores a = MetricsTest.fixed();
    PairedTests.Interval ci =
        PairedTests.bootstrap(
            a, a, Metrics.parse(a, "auc:b"), 1, 200, 3, 0.05, ForkJoinPool.commonPool(), 2);
    assertThat(ci.lower()).isZero();
    assertThat(ci.upper()).isZero();
  }
}
