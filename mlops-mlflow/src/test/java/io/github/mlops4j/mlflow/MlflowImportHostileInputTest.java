package io.github.mlops4j.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.tracking.Tracker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store is untrusted files: each crafted run is refused with a problem naming the file, nothing
 * of it is written, and the good run beside it is imported.
 */
class MlflowImportHostileInputTest {
  static final String GOOD = "00000000000000000000000000000001";
  static final String BAD = "00000000000000000000000000000002";

  @TempDir Path dir;
  Path store;
  MlflowStores mlflow;
  Tracker tracker;
  ModelRegistry registry;

  @BeforeEach
  void open() {
    store = dir.resolve("mlruns");
    mlflow = new MlflowStores(store);
    tracker = Tracker.open(dir.resolve("ws"));
    registry = ModelRegistry.open(dir.resolve("ws"));
    mlflow.experiment("1", "exp", "active", Map.of());
    Path good = mlflow.run("1", GOOD, "good", 3, 1_000L, 2_000L, false);
    MlflowStores.param(good, "lr", "0.1");
  }

  @AfterEach
  void close() {
    registry.close();
    tracker.close();
  }

  /** Writes a bad run with {@code spoil}, imports, and checks the outcome. */
  void refused(Consumer<Path> spoil, String file, String reason) {
    Path bad = mlflow.run("1", BAD, "bad", 3, 1_000L, 2_000L, false);
    MlflowStores.param(bad, "lr", "0.2");
    MlflowStores.metric(bad, "loss", "1000 0.5 0\n");
    MlflowStores.artifact(bad, "model.bin", "bytes");
    spoil.accept(bad);
    MlflowImportReport report =
        MlflowImport.builder().source(store).tracker(tracker).registry(registry).build().run();
    assertThat(report.importedRunIds()).containsExactly(GOOD);
    assertThat(tracker.findRun(BAD)).isEmpty();
    assertThat(tracker.searchRuns("exp", "params.lr = '0.2'")).isEmpty();
    assertThat(report.problems())
        .filteredOn(p -> p.file().equals(file))
        .singleElement()
        .satisfies(p -> assertThat(p.reason()).contains(BAD, reason));
  }

  @Test
  void aSymlinkOutOfTheStoreIsNotFollowed() throws Exception {
    Path secret = Files.writeString(dir.resolve("secret.txt"), "password");
    refused(
        bad -> link(bad.resolve("artifacts").resolve("leak.txt"), secret),
        "1/" + BAD + "/artifacts/leak.txt",
        "symbolic link");
  }

  @Test
  void aSymlinkedMetaFileIsNotFollowed() throws Exception {
    Path other = Files.writeString(dir.resolve("meta.yaml"), "run_id: x\n");
    refused(
        bad -> {
          delete(bad.resolve("meta.yaml"));
          link(bad.resolve("meta.yaml"), other);
        },
        "1/" + BAD + "/meta.yaml",
        "not a regular file");
  }

  @Test
  void aSymlinkedRunFolderIsSkippedAndTheOtherRunsAreImported() throws Exception {
    new MlflowStores(dir.resolve("elsewhere")).run("x", BAD, "bad", 3, 1L, 2L, false);
    link(store.resolve("1").resolve(BAD), dir.resolve("elsewhere").resolve("x").resolve(BAD));
    MlflowImportReport report = MlflowImport.builder().source(store).tracker(tracker).build().run();
    assertThat(report.importedRunIds()).containsExactly(GOOD);
    assertThat(tracker.findRun(BAD)).isEmpty();
    assertThat(report.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.file()).isEqualTo("1/" + BAD);
              assertThat(p.reason()).contains("symbolic link");
            });
  }

  @Test
  void yamlAliasBombsAreRefused() {
    // The "billion laughs" shape: each level refers to the previous one ten times.
    StringBuilder bomb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (char c = 'b'; c <= 'j'; c++) {
      char p = (char) (c - 1);
      bomb.append(c).append(": &").append(c).append(" [");
      for (int i = 0; i < 10; i++) {
        bomb.append(i == 0 ? "" : ",").append('*').append(p);
      }
      bomb.append("]\n");
    }
    refused(
        bad -> MlflowStores.write(bad.resolve("meta.yaml"), bomb + "run_id: " + BAD + "\n"),
        "1/" + BAD + "/meta.yaml",
        "anchors or aliases");
  }

  @Test
  void customYamlTagsAreRefused() {
    refused(
        bad ->
            MlflowStores.write(
                bad.resolve("meta.yaml"),
                "run_id: !!python/object/apply:os.system [\"rm -rf /\"]\nstart_time: 1\n"),
        "1/" + BAD + "/meta.yaml",
        "explicit YAML tag");
  }

  @Test
  void deepNestingIsRefused() {
    refused(
        bad ->
            MlflowStores.write(
                bad.resolve("meta.yaml"),
                "run_id: " + BAD + "\nx: " + "[".repeat(5_000) + "]".repeat(5_000) + "\n"),
        "1/" + BAD + "/meta.yaml",
        "nested deeper");
  }

  @Test
  void malformedYamlIsRefused() {
    refused(
        bad -> MlflowStores.write(bad.resolve("meta.yaml"), "run_id: [unclosed\n  : :\n"),
        "1/" + BAD + "/meta.yaml",
        "not YAML as MLflow writes it");
  }

  @Test
  void duplicateKeysAreRefused() {
    refused(
        bad ->
            MlflowStores.write(
                bad.resolve("meta.yaml"), "run_id: " + BAD + "\nstatus: 3\nstatus: 4\n"),
        "1/" + BAD + "/meta.yaml",
        "Duplicate field 'status'");
  }

  @Test
  void aHugeParamFileIsRefused() {
    refused(
        bad -> MlflowStores.param(bad, "big", "x".repeat(70_000)),
        "1/" + BAD + "/params/big",
        "over the limit");
  }

  @Test
  void aParamOverTheTrackersLimitIsRefused() {
    // MLflow's own limit for param values is 6000 characters (TrackingLimits.mlflowDefaults).
    refused(bad -> MlflowStores.param(bad, "long", "y".repeat(7_000)), "1/" + BAD, "Param");
  }

  @Test
  void aHugeMetricLineIsRefused() {
    refused(
        bad -> MlflowStores.metric(bad, "loss", "1000 " + "9".repeat(100_000) + " 0\n"),
        "1/" + BAD + "/metrics/loss",
        "longer than");
  }

  @Test
  void aMetricValueThatPythonWouldNotWriteIsRefused() {
    refused(
        bad -> MlflowStores.metric(bad, "loss", "1000 0x1p3 0\n"),
        "1/" + BAD + "/metrics/loss",
        "is not a number");
  }

  @Test
  void aTagKeyWithABackslashIsRefused() {
    refused(bad -> MlflowStores.tag(bad, "a\\..\\b", "v"), "1/" + BAD, "Tag key");
  }

  @Test
  void aRunFolderThatIsNotItsIdIsRefused() {
    refused(
        bad ->
            MlflowStores.write(
                bad.resolve("meta.yaml"), "run_id: " + GOOD + "\nstart_time: 1\nstatus: 3\n"),
        "1/" + BAD + "/meta.yaml",
        "folder's name");
  }

  @Test
  void tooManyMetricPointsAreRefused() {
    Path bad = mlflow.run("1", BAD, "bad", 3, 1_000L, 2_000L, false);
    MlflowStores.metric(bad, "loss", "1 0.1 0\n2 0.2 1\n3 0.3 2\n");
    MlflowImportReport report =
        MlflowImport.builder()
            .source(store)
            .tracker(tracker)
            .maxMetricPointsPerRun(2)
            .build()
            .run();
    assertThat(report.importedRunIds()).containsExactly(GOOD);
    assertThat(report.problems())
        .singleElement()
        .satisfies(p -> assertThat(p.reason()).contains("more than 2 metric points"));
  }

  @Test
  void aVersionSourceThatLeavesItsRunIsRefused() throws Exception {
    MlflowStores.artifact(store.resolve("1").resolve(GOOD), "model/MLmodel", "flavors: {}");
    Path model = mlflow.model("m", "");
    MlflowStores.version(model, 1, "runs:/" + GOOD + "/../../../../etc", GOOD, "None");
    MlflowStores.version(model, 2, "file:///etc", GOOD, "None");
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.writeString(outside.resolve("MLmodel"), "x");
    link(store.resolve("1").resolve(GOOD).resolve("artifacts").resolve("escape"), outside);
    MlflowStores.version(model, 3, "runs:/" + GOOD + "/escape", GOOD, "None");
    MlflowStores.version(model, 4, "runs:/" + GOOD + "/model", GOOD, "None");
    MlflowImportReport report =
        MlflowImport.builder().source(store).tracker(tracker).registry(registry).build().run();

    assertThat(report.versionsImported()).isEqualTo(1);
    assertThat(registry.versions("m"))
        .singleElement()
        .satisfies(v -> assertThat(v.tags()).containsEntry(MlflowImport.VERSION_TAG, "4"));
    assertThat(report.problems())
        .extracting(MlflowImportReport.Problem::file)
        .contains(
            "models/m/version-1/meta.yaml",
            "models/m/version-2/meta.yaml",
            "models/m/version-3/meta.yaml");
    // The link inside the run's artifacts also keeps that run out: it is reported, not followed.
    assertThat(report.problems()).anySatisfy(p -> assertThat(p.reason()).contains("symbolic link"));
  }

  private static void link(Path link, Path target) {
    try {
      Files.createDirectories(link.getParent());
      Files.createSymbolicLink(link, target);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void delete(Path p) {
    try {
      Files.delete(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
