package io.github.mlops4j.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.monitoring.drift.DriftDetector;
import io.github.mlops4j.monitoring.drift.DriftReport;
import io.github.mlops4j.monitoring.drift.Frame;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.tracking.ArtifactInfo;
import io.github.mlops4j.tracking.RunInfo;
import io.github.mlops4j.tracking.Tracker;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DriftRecorder}: each window becomes one run holding its scores and reports. */
class DriftRecorderTest {
  @TempDir Path dir;

  @Test
  void aWindowBecomesARunWithScoresParamsAndBothReports() throws Exception {
    Random rnd = new Random(3);
    double[] ref = new double[300];
    double[] cur = new double[300];
    for (int i = 0; i < ref.length; i++) {
      ref[i] = rnd.nextGaussian();
      cur[i] = rnd.nextGaussian() + 2; // shifted: drifted
    }
    String hostileColumn = "spend/../<b>\u0000";
    DriftReport report =
        DriftDetector.builder(Frame.builder().numeric(hostileColumn, ref).build())
            .build()
            .compare(Frame.builder().numeric(hostileColumn, cur).build());
    Instant start = Instant.parse("2026-01-02T00:00:00Z");
    try (Store store = Store.open(dir);
        Tracker tracker = Tracker.builder().store(store).captureEnvironment(false).build()) {
      DriftRecorder.of(tracker, "churn")
          .onWindow(new WindowInfo(4, start, start.plusSeconds(3600), 300), report);
      tracker.flush(Duration.ofSeconds(30));

      List<RunInfo> runs = tracker.searchRuns(DriftRecorder.EXPERIMENT, "");
      assertThat(runs).hasSize(1);
      RunInfo run = runs.get(0);
      assertThat(run.tags())
          .containsEntry(DriftRecorder.MODEL_TAG, "churn")
          .containsEntry(DriftRecorder.WINDOW_TAG, "4");
      assertThat(run.params())
          .containsEntry("window_start", start.toString())
          .containsEntry("rows", "300")
          .containsEntry("reference_rows", "300");
      assertThat(run.metrics().get("drift.share").value()).isEqualTo(report.driftedShare());
      assertThat(run.metrics().get("drift.share").step()).isEqualTo(4);
      assertThat(run.metrics().get("drift.dataset").value()).isEqualTo(1.0);
      // a column name is kept as a metric key with every unsafe character replaced
      assertThat(run.metrics().get("score/spend_..__b__").value())
          .isEqualTo(report.columns().get(0).score());
      assertThat(run.artifacts())
          .extracting(ArtifactInfo::path)
          .contains(DriftRecorder.HTML_ARTIFACT, DriftRecorder.JSON_ARTIFACT);
      try (InputStream in = tracker.openArtifact(run.runId(), DriftRecorder.JSON_ARTIFACT)) {
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
            .isEqualTo(report.toJson());
      }
    }
  }

  @Test
  void theModelNameIsChecked() {
    try (Store store = Store.open(dir);
        Tracker tracker = Tracker.builder().store(store).captureEnvironment(false).build()) {
      assertThatThrownBy(() -> DriftRecorder.of(tracker, " "))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("model");
      assertThatThrownBy(() -> DriftRecorder.of(tracker, "m".repeat(201)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("200");
    }
  }
}
