package io.github.mlops4j.registry.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.data.DatasetVersion;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class GateResultTest {
  static GateResult sample() {
    DatasetVersion data =
        new DatasetVersion("holdout.csv", "ab".repeat(32), 1000, 1, 1000L, "/data/holdout.csv");
    return new GateResult(
        "churn",
        7,
        6,
        data,
        0.05,
        42,
        1000,
        List.of(
            new RuleResult(
                "accuracy",
                null,
                Rule.atLeast(0.85),
                0.9,
                null,
                null,
                "none",
                null,
                null,
                null,
                true,
                "within bound"),
            new RuleResult(
                "macro_f1",
                null,
                Rule.notWorseThanChampionBy(0.01),
                0.8,
                0.82,
                -0.02,
                "bootstrap",
                null,
                -0.035,
                -0.005,
                true,
                "interval of the difference reaches -0.0050," + " not below -0.01"),
            new RuleResult(
                "recall:yes",
                "region=north",
                Rule.atLeast(0.7),
                0.65,
                null,
                null,
                "none",
                null,
                null,
                null,
                false,
                "observed 0.6500 is below 0.7"),
            new RuleResult(
                "accuracy",
                "region=south",
                Rule.betterThanChampionBy(0),
                0.91,
                0.9,
                0.01,
                "mcnemar-chi2",
                0.25,
                null,
                null,
                false,
                "improvement 0.0100 is not significant")),
        false);
  }

  @Test
  void json_matchesGoldenFile() throws Exception {
    String golden;
    try (InputStream in = getClass().getResourceAsStream("gate-result-v1.json")) {
      golden = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(sample().toJson().strip()).isEqualTo(golden.strip());
  }

  @Test
  void text_isAnAlignedTable() {
    String text = sample().toText();
    assertThat(text)
        .startsWith(
            "Validation gate FAILED: churn v7 vs champion v6 on holdout.csv"
                + " (1000 rows, sha256 abababababab)\n");
    List<String> lines = text.lines().toList();
    assertThat(lines).hasSize(6);
    int col = lines.get(1).indexOf("SLICE");
    assertThat(lines.get(4).indexOf("region=north")).isEqualTo(col);
    assertThat(lines.get(2)).contains("accuracy >= 0.85").endsWith("pass");
    assertThat(lines.get(3)).contains("[-0.0350, -0.0050]");
    assertThat(lines.get(5)).contains("p=0.2500").endsWith("FAIL");
  }

  @Test
  void summary_namesFailedRules() {
    assertThat(sample().summary())
        .isEqualTo(
            "Validation gate failed: churn v7 vs champion v6 on"
                + " holdout.csv (1000 rows, sha256 abababababab); failed: recall:yes >= 0.7 on"
                + " region=north (observed 0.6500), accuracy better-than-champion-by 0.0 on region=south"
                + " (observed 0.9100)");
  }
}
