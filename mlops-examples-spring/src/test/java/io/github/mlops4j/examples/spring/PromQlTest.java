package io.github.mlops4j.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The PromQL reader the dashboard test relies on: names found, malformed queries refused. */
class PromQlTest {
  @Test
  void findsTheSelectedMetricsAndNothingElse() {
    assertThat(
            PromQl.parse(
                "histogram_quantile(0.99, sum by (le, mlops_model) (rate(mlops_prediction_seconds_bucket"
                    + "{mlops_model=~\"$model\", mlops_outcome!=\"ok\"}[$__rate_interval])))"
                    + " / on (mlops_model) group_left max(up offset 5m) > bool 0.5"))
        .containsExactly("mlops_prediction_seconds_bucket", "up");
    assertThat(PromQl.parse("sum(rate(a_total[5m])) and b{x=\"a,b}\"}"))
        .containsExactly("a_total", "b");
  }

  @Test
  void refusesMalformedQueries() {
    for (String bad :
        new String[] {
          "rate(a[5m]",
          "a{b=c}",
          "a{b=\"c\"",
          "frobnicate(a)",
          "sum by le (a)",
          "a[5 m]",
          "a)",
          "a # b",
          "a{b=\"c}"
        }) {
      assertThatThrownBy(() -> PromQl.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void readsTheMetricNamesOfAScrape() {
    String scrape =
        "# HELP x_total things\n# TYPE x_total counter\nx_total{a=\"1\"} 3.0\ny 1\n"
            + "z_bucket{le=\"+Inf\",b=\"{}\"} 2\n";
    assertThat(PromQl.metricNames(scrape)).containsExactly("x_total", "y", "z_bucket");
  }
}
