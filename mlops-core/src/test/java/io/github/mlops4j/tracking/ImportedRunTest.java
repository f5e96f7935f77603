package io.github.mlops4j.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.artifacts.StoredArtifact;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run recorded elsewhere is written whole, with its own id, times and metric timestamps. */
class ImportedRunTest {
  @TempDir Path dir;

  static final String ID = "0123456789abcdef0123456789abcdef";

  @Test
  void aRunIsWrittenWithItsOwnTimesAndFoundBySearch() throws Exception {
    try (Tracker tracker = Tracker.open(dir)) {
      StoredArtifact blob =
          tracker
              .store()
              .artifacts()
              .put(new ByteArrayInputStream("w".getBytes(StandardCharsets.UTF_8)));
      ImportedRun run =
          ImportedRun.builder(ID, "old")
              .runName("first")
              .user("bob")
              .status(RunStatus.FAILED)
              .startTime(Instant.ofEpochMilli(1_000))
              .endTime(Instant.ofEpochMilli(5_000))
              .param("lr", "0.1")
              .tag("team", "risk")
              .metric(new MetricPoint("loss", 0.9, 0, Instant.ofEpochMilli(2_000)))
              .metric(new MetricPoint("loss", 0.4, 1, Instant.ofEpochMilli(3_000)))
              .metric(new MetricPoint("loss", 0.7, 1, Instant.ofEpochMilli(2_500)))
              .artifact(new ArtifactInfo("model/w.bin", blob.digest(), blob.sizeBytes()))
              .build();

      assertThat(tracker.importRun(run)).isTrue();

      RunInfo info = tracker.findRun(ID).orElseThrow();
      assertThat(info.status()).isEqualTo(RunStatus.FAILED);
      assertThat(info.startTime()).isEqualTo(Instant.ofEpochMilli(1_000));
      assertThat(info.endTime()).contains(Instant.ofEpochMilli(5_000));
      assertThat(info.userId()).isEqualTo("bob");
      assertThat(info.runName()).isEqualTo("first");
      // Latest: largest step, then latest timestamp (then the larger value), as the metric writer
      // picks it.
      assertThat(info.metrics().get("loss").value()).isEqualTo(0.4);
      assertThat(tracker.metricHistory(ID, "loss"))
          .extracting(MetricPoint::timestamp)
          .containsExactly(
              Instant.ofEpochMilli(2_000),
              Instant.ofEpochMilli(3_000),
              Instant.ofEpochMilli(2_500));
      assertThat(tracker.searchRuns("old", "metrics.loss = 0.4 and params.lr = '0.1'"))
          .extracting(RunInfo::runId)
          .containsExactly(ID);
      try (var in = tracker.openArtifact(ID, "model/w.bin")) {
        assertThat(in.readAllBytes()).isEqualTo("w".getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  @Test
  void importingTheSameIdAgainWritesNothing() {
    try (Tracker tracker = Tracker.open(dir)) {
      ImportedRun.Builder b =
          ImportedRun.builder(ID, "old").startTime(Instant.ofEpochMilli(1)).param("lr", "0.1");
      assertThat(tracker.importRun(b.build())).isTrue();
      assertThat(tracker.importRun(b.param("extra", "x").build())).isFalse();
      assertThat(tracker.findRun(ID).orElseThrow().params()).containsOnlyKeys("lr");
    }
  }

  @Test
  void aDeletedRunIsImportedDeletedAndARunningOneCanBeResumed() {
    try (Tracker tracker = Tracker.open(dir)) {
      tracker.importRun(
          ImportedRun.builder("gone", "old")
              .startTime(Instant.ofEpochMilli(1))
              .deletedTime(Instant.ofEpochMilli(9))
              .build());
      tracker.importRun(
          ImportedRun.builder("live", "old")
              .status(RunStatus.RUNNING)
              .startTime(Instant.ofEpochMilli(1))
              .build());
      assertThat(tracker.findRun("gone").orElseThrow().deleted()).isTrue();
      assertThat(tracker.searchRuns("old", "")).extracting(RunInfo::runId).containsExactly("live");
      assertThat(tracker.findRun("live").orElseThrow().endTime()).isEmpty();
      try (Run resumed = tracker.resumeRun("live")) {
        resumed.logMetric("m", 1.0);
      }
      assertThat(tracker.findRun("live").orElseThrow().status()).isEqualTo(RunStatus.FINISHED);
    }
  }

  @Test
  void badInputIsRefusedAndNothingIsWritten() {
    try (Tracker tracker = Tracker.open(dir)) {
      assertThatThrownBy(() -> ImportedRun.builder("../x", "old"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Bad run id");
      assertThatThrownBy(() -> ImportedRun.builder(ID, "old").build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("startTime is required");
      List<ImportedRun> bad =
          List.of(
              ImportedRun.builder(ID, "old")
                  .startTime(Instant.EPOCH)
                  .artifact(new ArtifactInfo("../etc/passwd", "a".repeat(64), 1))
                  .build(),
              ImportedRun.builder(ID, "old")
                  .startTime(Instant.EPOCH)
                  .artifact(new ArtifactInfo("x.bin", "b".repeat(64), 1))
                  .build(),
              ImportedRun.builder(ID, "old")
                  .startTime(Instant.EPOCH)
                  .param("k", "v".repeat(7_000))
                  .build(),
              ImportedRun.builder(ID, "old").startTime(Instant.EPOCH).parent("nobody").build());
      for (ImportedRun run : bad) {
        assertThatThrownBy(() -> tracker.importRun(run)).isInstanceOf(RuntimeException.class);
      }
      assertThat(tracker.findRun(ID)).isEmpty();
    }
  }
}
