package io.github.mlops4j.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.data.DatasetVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's tracking example, line for line (paths resolved under a temporary directory). */
class ReadmeExampleTest {
  @TempDir Path dir;

  @Test
  void readmeExample() throws Exception {
    Files.createDirectories(dir.resolve("data"));
    Files.writeString(dir.resolve("data/train.csv"), "tenure,churn\n3,yes\n14,no\n");
    Files.write(dir.resolve("model.bin"), new byte[] {1, 2, 3});

    Path workspace = dir.resolve("workspace");
    Path trainCsv = dir.resolve("data/train.csv");
    Path modelBin = dir.resolve("model.bin");
    // --- README start (Path.of("...") replaced by the paths above)
    try (Tracker tracker = Tracker.open(workspace)) {
      try (Run run = tracker.startRun("churn")) {
        run.logParams(Map.of("lr", "0.05", "epochs", "10"));
        run.logInput(DatasetVersion.of(trainCsv), "train");
        for (int epoch = 0; epoch < 10; epoch++) {
          run.logMetric("loss", 1.0 / (epoch + 1), epoch);
        }
        run.logArtifact(modelBin);
      }
      List<RunInfo> best = tracker.searchRuns("churn", "metrics.loss < 0.2 and params.lr = '0.05'");
      // --- README end
      assertThat(best)
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.metrics().get("loss").value()).isEqualTo(0.1);
                assertThat(r.inputs())
                    .singleElement()
                    .satisfies(i -> assertThat(i.dataset().rowCount()).isEqualTo(2));
                assertThat(r.artifacts())
                    .extracting(ArtifactInfo::path)
                    .containsExactly("model.bin");
              });
    }
  }
}
