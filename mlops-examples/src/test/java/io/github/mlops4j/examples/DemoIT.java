package io.github.mlops4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the whole demo in its small configuration and checks the outcomes it prints. */
class DemoIT {
  @TempDir Path dir;

  @Test
  void theWholeLoop_driftOnTheShiftedFeaturesOnly_promotionServes_rollbackRestores()
      throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Demo.Outcome outcome =
        Demo.run(
            Demo.Options.small(dir.resolve("ws")),
            new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String printed = bytes.toString(StandardCharsets.UTF_8);

    // drift is found on exactly the shifted features, and not in the unshifted traffic
    assertThat(outcome.driftedFeatures())
        .containsExactlyInAnyOrderElementsOf(Demo.SCANNER_SHIFT.keySet());
    assertThat(outcome.quietWindowDrifted()).isEmpty();
    assertThat(Files.readString(outcome.driftReport())).contains("mean_texture", "mean_smoothness");

    // the retrained version was promoted and served, then the rollback restored the first one
    assertThat(outcome.championVersion()).isEqualTo(1);
    assertThat(outcome.challengerVersion()).isEqualTo(2);
    assertThat(outcome.servedAfterPromotion()).isEqualTo(outcome.challengerVersion());
    assertThat(outcome.servedAfterRollback()).isEqualTo(outcome.championVersion());
    assertThat(outcome.championAfterRollback()).isEqualTo(outcome.championVersion());

    assertThat(printed)
        .contains(
            "[1/6]",
            "[2/6]",
            "[3/6]",
            "[4/6]",
            "[5/6]",
            "[6/6]",
            "Validation gate PASSED",
            "PROMOTED",
            "rollback: champion -> v1",
            "mlops_drift_score{feature=\"mean_texture\"",
            "rows scored, 2 rejected");
  }

  @Test
  void runningTwiceInTheSameWorkspaceStartsAfresh() {
    Path ws = dir.resolve("again");
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    Demo.Outcome first = Demo.run(Demo.Options.small(ws), quiet);
    Demo.Outcome second = Demo.run(Demo.Options.small(ws), quiet);

    assertThat(second.championVersion()).isEqualTo(first.championVersion()).isEqualTo(1);
    assertThat(second.challengerVersion()).isEqualTo(2);
    assertThat(second.driftedFeatures()).isEqualTo(first.driftedFeatures());
  }
}
