package io.github.mlops4j.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.registry.AuditAction;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelStatus;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.tracking.MetricPoint;
import io.github.mlops4j.tracking.RunInfo;
import io.github.mlops4j.tracking.RunQuery;
import io.github.mlops4j.tracking.RunStatus;
import io.github.mlops4j.tracking.Tracker;
import io.github.mlops4j.tracking.ViewType;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Imports generated MLflow file stores and finds what they held with searchRuns. */
class MlflowImportTest {
  static final String R1 = "0123456789abcdef0123456789abcdef";
  static final String R2 = "fedcba9876543210fedcba9876543210";
  static final String R3 = "aaaabbbbccccddddeeeeffff00001111";
  static final String CHILD = "11112222333344445555666677778888";

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
  }

  @AfterEach
  void close() {
    registry.close();
    tracker.close();
  }

  /** A store with one experiment, three runs (one deleted, one nested) and a registered model. */
  void writeStore() {
    mlflow.experiment("0", "Default", "active", Map.of());
    mlflow.experiment("7", "churn", "active", Map.of("team", "risk"));
    Path r1 = mlflow.run("7", R1, "good-fox", 3, 1_700_000_000_000L, 1_700_000_060_000L, false);
    MlflowStores.param(r1, "lr", "0.1");
    MlflowStores.param(r1, "optimizer/name", "adam");
    MlflowStores.tag(r1, "owner", "alice");
    MlflowStores.metric(
        r1, "loss", "1700000001000 0.9 0\n1700000002000 0.5 1\n1700000003000 0.25 2\n");
    MlflowStores.metric(r1, "train/acc", "1700000001500 nan 0\n1700000002500 inf 1\n");
    MlflowStores.metric(r1, "old", "1700000001000 1e-05\n");
    MlflowStores.artifact(r1, "model/MLmodel", "flavors: {}\n");
    MlflowStores.artifact(r1, "model/model.pkl", "pickled");
    MlflowStores.artifact(r1, "report.txt", "fine");
    Path r2 = mlflow.run("7", R2, "bad-owl", 4, 1_700_000_100_000L, 1_700_000_200_000L, false);
    MlflowStores.param(r2, "lr", "0.5");
    MlflowStores.metric(r2, "loss", "1700000101000 2.5 0\n");
    Path r3 = mlflow.run("7", R3, "old-cat", 3, 1_690_000_000_000L, 1_690_000_100_000L, true);
    MlflowStores.param(r3, "lr", "0.1");
    Path child = mlflow.run("7", CHILD, "child", 5, 1_700_000_010_000L, null, false);
    MlflowStores.tag(child, "mlflow.parentRunId", R1);
    // A deleted experiment: FileStore.delete_experiment moves its folder into .trash.
    Path trashed = store.resolve(".trash").resolve("9");
    MlflowStores.write(trashed.resolve("meta.yaml"), "name: gone\n");

    Path model = mlflow.model("churn-model", "predicts churn");
    MlflowStores.write(model.resolve("tags").resolve("domain"), "risk");
    MlflowStores.version(model, 1, "runs:/" + R1 + "/model", R1, "Archived");
    MlflowStores.version(
        model,
        2,
        "file://" + store.resolve("7").resolve(R1).resolve("artifacts/model"),
        R1,
        "None");
    MlflowStores.write(model.resolve("version-2").resolve("tags").resolve("validated"), "yes");
    MlflowStores.version(model, 3, "s3://bucket/models/churn", R2, "Production");
    MlflowStores.version(model, 4, "runs:/" + R2 + "/model", R2, "Deleted_Internal");
    MlflowStores.alias(model, "champion", 2);
    MlflowStores.alias(model, "old", 1);
  }

  MlflowImportReport importStore() {
    return MlflowImport.builder().source(store).tracker(tracker).registry(registry).build().run();
  }

  @Test
  void importedRunsAreFoundBySearchWithTheirValues() throws Exception {
    writeStore();
    MlflowImportReport report = importStore();

    assertThat(report.runsImported()).isEqualTo(4);
    assertThat(report.importedRunIds()).containsExactlyInAnyOrder(R1, R2, R3, CHILD);
    assertThat(report.metricPoints()).isEqualTo(7);
    assertThat(tracker.searchRuns("churn", "params.lr = '0.1'"))
        .extracting(RunInfo::runId)
        .containsExactly(R1); // R3 is deleted: searches skip it
    assertThat(tracker.searchRuns("churn", "metrics.loss < 0.5"))
        .extracting(RunInfo::runId)
        .containsExactly(R1);
    assertThat(tracker.searchRuns("churn", "tags.\"mlflow.import.runId\" = '" + R2 + "'"))
        .extracting(RunInfo::runName)
        .containsExactly("bad-owl");
    assertThat(tracker.searchRuns("churn", "params.\"optimizer/name\" = 'adam'")).hasSize(1);
    assertThat(
            tracker.searchRuns("churn", "tags.owner = 'alice' and attributes.status = 'FINISHED'"))
        .hasSize(1);
    assertThat(tracker.searchRuns("churn", "attributes.status = 'FAILED'"))
        .extracting(RunInfo::runId)
        .containsExactly(R2);
    List<RunInfo> deleted =
        tracker
            .searchRuns(
                RunQuery.builder()
                    .experiments("churn")
                    .filter("params.lr = '0.1'")
                    .viewType(ViewType.DELETED_ONLY)
                    .build())
            .runs();
    assertThat(deleted).extracting(RunInfo::runId).containsExactly(R3);

    RunInfo r1 = tracker.findRun(R1).orElseThrow();
    assertThat(r1.status()).isEqualTo(RunStatus.FINISHED);
    assertThat(r1.startTime()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
    assertThat(r1.endTime()).contains(Instant.ofEpochMilli(1_700_000_060_000L));
    assertThat(r1.userId()).isEqualTo("alice");
    assertThat(r1.tags())
        .containsEntry("mlflow.runName", "good-fox")
        .containsEntry(MlflowImport.RUN_ID_TAG, R1)
        .containsEntry(MlflowImport.EXPERIMENT_ID_TAG, "7");
    assertThat(tracker.metricHistory(R1, "loss"))
        .containsExactly(
            new MetricPoint("loss", 0.9, 0, Instant.ofEpochMilli(1_700_000_001_000L)),
            new MetricPoint("loss", 0.5, 1, Instant.ofEpochMilli(1_700_000_002_000L)),
            new MetricPoint("loss", 0.25, 2, Instant.ofEpochMilli(1_700_000_003_000L)));
    assertThat(tracker.metricHistory(R1, "train/acc"))
        .extracting(MetricPoint::value)
        .containsExactly(Double.NaN, Double.POSITIVE_INFINITY);
    assertThat(tracker.metricHistory(R1, "old"))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.value()).isEqualTo(1e-05);
              assertThat(p.step()).isZero(); // two-field line: step 0, as MLflow reads it
            });
    try (InputStream in = tracker.openArtifact(R1, "model/model.pkl")) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("pickled");
    }
    RunInfo child = tracker.findRun(CHILD).orElseThrow();
    assertThat(child.parentRunId()).contains(R1);
    assertThat(child.status()).isEqualTo(RunStatus.KILLED);
    assertThat(tracker.childRuns(R1)).containsExactly(CHILD);

    assertThat(report.problems())
        .extracting(MlflowImportReport.Problem::file)
        .contains(
            ".trash/9",
            "7/tags",
            "models/churn-model/version-3/meta.yaml",
            "models/churn-model/version-4",
            "models/churn-model/aliases/old");
  }

  @Test
  void guideExample() {
    writeStore();
    List<String> log = new ArrayList<>();
    // tag::import[]
    MlflowImportReport report =
        MlflowImport.builder()
            .source(store) // the directory MLflow wrote, often mlruns/
            .tracker(tracker)
            .registry(registry) // optional: registered models, versions and aliases
            .build()
            .run();
    for (MlflowImportReport.Problem p : report.problems()) {
      log.add(p.file() + ": " + p.reason()); // what could not be mapped, and why
    }
    List<RunInfo> fast = tracker.searchRuns("churn", "params.lr = '0.1' and metrics.loss < 0.5");
    // end::import[]
    assertThat(fast).extracting(RunInfo::runId).containsExactly(R1);
    assertThat(log).hasSize(report.problems().size()).isNotEmpty();
  }

  /**
   * The importer and the REST handler write a version's stage, source, formats and zip the same
   * way: an imported Production version is MLflow's latest Production version, and the same files
   * registered through the API are the same artifact.
   */
  @Test
  void importedVersionsReadTheSameThroughTheRestApi() throws Exception {
    writeStore();
    Path prod = mlflow.model("prod-model", "in production");
    MlflowStores.version(prod, 1, "runs:/" + R1 + "/model", R1, "Production");
    MlflowStores.version(prod, 2, "runs:/" + R1 + "/model/MLmodel", R1, "Staging");
    importStore();
    RestCalls api =
        new RestCalls(MlflowRestApi.builder().tracker(tracker).registry(registry).build(), "u");

    var latest =
        api.post(
                "registered-models/get-latest-versions",
                "{\"name\": \"prod-model\", \"stages\": [\"Production\"]}")
            .json()
            .path("model_versions");
    assertThat(latest).hasSize(1);
    assertThat(latest.get(0).path("version").asText()).isEqualTo("1");
    assertThat(latest.get(0).path("current_stage").asText()).isEqualTo("Production");
    assertThat(latest.get(0).path("source").asText()).isEqualTo("runs:/" + R1 + "/model");
    assertThat(latest.get(0).path("tags").findValuesAsText("key"))
        .doesNotContain(MlflowImport.STAGE_TAG, MlflowImport.SOURCE_TAG);

    for (String source : List.of("model", "model/MLmodel")) {
      RestCalls.Answer a =
          api.post(
              "model-versions/create",
              "{\"name\": \"prod-model\", \"source\": \"runs:/" + R1 + "/" + source + "\"}");
      assertThat(a.status()).as(a.text()).isEqualTo(200);
    }
    List<ModelVersion> versions = registry.versions("prod-model");
    ModelVersion imported =
        versions.stream().filter(v -> v.version() == 1).findFirst().orElseThrow();
    ModelVersion importedFile =
        versions.stream().filter(v -> v.version() == 2).findFirst().orElseThrow();
    ModelVersion viaApi = versions.stream().filter(v -> v.version() == 3).findFirst().orElseThrow();
    ModelVersion fileViaApi =
        versions.stream().filter(v -> v.version() == 4).findFirst().orElseThrow();
    assertThat(viaApi.format()).isEqualTo(imported.format()).isEqualTo(MlflowImport.MODEL_FORMAT);
    assertThat(viaApi.digest()).isEqualTo(imported.digest());
    assertThat(fileViaApi.format())
        .isEqualTo(importedFile.format())
        .isEqualTo(MlflowImport.MODEL_FILE_FORMAT);
  }

  @Test
  void modelsVersionsAndAliasesAreImported() throws Exception {
    writeStore();
    MlflowImportReport report = importStore();

    assertThat(report.modelsCreated()).isEqualTo(1);
    assertThat(report.versionsImported()).isEqualTo(2);
    assertThat(report.aliasesSet()).isEqualTo(1);
    assertThat(registry.findModel("churn-model").orElseThrow().tags())
        .containsEntry("domain", "risk");
    ModelVersion champion = registry.resolve("churn-model", "champion").orElseThrow();
    assertThat(champion.tags())
        .containsEntry(MlflowImport.VERSION_TAG, "2")
        .containsEntry("validated", "yes");
    assertThat(champion.runId()).contains(R1);
    assertThat(champion.format()).isEqualTo(MlflowImport.MODEL_FORMAT);
    List<String> names = new ArrayList<>();
    try (ZipInputStream zip = new ZipInputStream(registry.openArtifact(champion))) {
      for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
        names.add(e.getName());
      }
    }
    assertThat(names).containsExactly("MLmodel", "model.pkl");
    // The registry refuses an alias on an archived version; MLflow's stage-era store allowed it.
    assertThat(registry.aliases("churn-model")).containsOnlyKeys("champion");
    assertThat(report.problems())
        .filteredOn(p -> p.file().equals("models/churn-model/aliases/old"))
        .singleElement()
        .satisfies(p -> assertThat(p.reason()).contains("archived"));
    ModelVersion old =
        registry.versions("churn-model").stream()
            .filter(v -> "1".equals(v.tags().get(MlflowImport.VERSION_TAG)))
            .findFirst()
            .orElseThrow();
    assertThat(old.tags()).containsEntry(MlflowImport.STAGE_TAG, "Archived");
    assertThat(old.status()).isEqualTo(ModelStatus.ARCHIVED);
    // Same files, same zip: versions 1 and 2 share one stored artifact.
    assertThat(old.digest()).isEqualTo(champion.digest());
    assertThat(report.problems())
        .filteredOn(p -> p.file().equals("models/churn-model/version-3/meta.yaml"))
        .singleElement()
        .satisfies(p -> assertThat(p.reason()).contains("s3://bucket/models/churn", "not inside"));
  }

  @Test
  void aSecondImportAddsNothing() {
    writeStore();
    MlflowImportReport first = importStore();
    int auditBefore = registry.auditLog("churn-model").size();
    MlflowImportReport second = importStore();

    assertThat(second.runsImported()).isZero();
    assertThat(second.runsAlreadyImported()).isEqualTo(first.runsImported());
    assertThat(second.versionsImported()).isZero();
    assertThat(second.versionsAlreadyImported()).isEqualTo(2);
    assertThat(second.aliasesSet()).isZero();
    assertThat(second.modelsCreated()).isZero();
    assertThat(registry.versions("churn-model")).hasSize(2);
    assertThat(registry.auditLog("churn-model")).hasSize(auditBefore);
    assertThat(tracker.metricHistory(R1, "loss")).hasSize(3);
    assertThat(tracker.searchRuns("churn", "")).hasSize(3);
  }

  @Test
  void aDryRunWritesNothingAndCountsWhatItWouldImport() {
    writeStore();
    MlflowImportReport report =
        MlflowImport.builder()
            .source(store)
            .tracker(tracker)
            .registry(registry)
            .dryRun(true)
            .build()
            .run();

    assertThat(report.dryRun()).isTrue();
    assertThat(report.runsImported()).isEqualTo(4);
    assertThat(report.versionsImported()).isEqualTo(2);
    assertThat(tracker.findRun(R1)).isEmpty();
    assertThat(tracker.findExperiment("churn")).isEmpty();
    assertThat(registry.findModel("churn-model")).isEmpty();
  }

  @Test
  void aStoppedImportRunAgainCompletes() {
    writeStore();
    // R2's metric file is cut in the middle of a line, as a copy interrupted mid-file leaves it.
    Path loss = store.resolve("7").resolve(R2).resolve("metrics").resolve("loss");
    MlflowStores.write(loss, "1700000101000 2.5 0\n17000001");
    MlflowImportReport first = importStore();
    assertThat(first.runsImported()).isEqualTo(3);
    assertThat(tracker.findRun(R2)).isEmpty(); // nothing of the broken run was written
    assertThat(first.problems())
        .anySatisfy(p -> assertThat(p.file()).isEqualTo("7/" + R2 + "/metrics/loss"));

    MlflowStores.write(loss, "1700000101000 2.5 0\n1700000102000 2.0 1\n");
    MlflowImportReport second = importStore();
    assertThat(second.runsImported()).isEqualTo(1);
    assertThat(second.runsAlreadyImported()).isEqualTo(3);
    assertThat(tracker.metricHistory(R2, "loss")).hasSize(2);
    assertThat(tracker.searchRuns("churn", "")).hasSize(3);
  }

  @Test
  void aStoreThatIsNotADirectoryIsAClearError() {
    assertThatThrownBy(
            () ->
                MlflowImport.builder()
                    .source(dir.resolve("missing"))
                    .tracker(tracker)
                    .build()
                    .run())
        .isInstanceOf(MlflowImportException.class)
        .hasMessageContaining("missing");
  }

  @Test
  void theBuilderNamesWhatIsMissing() {
    assertThatThrownBy(() -> MlflowImport.builder().tracker(tracker).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("MlflowImport.Builder: source is required; call source(path)");
    assertThatThrownBy(() -> MlflowImport.builder().source(store).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("tracker is required");
  }

  @Test
  void modelsWithoutARegistryAreReported() throws Exception {
    writeStore();
    MlflowImportReport report = MlflowImport.builder().source(store).tracker(tracker).build().run();
    assertThat(report.runsImported()).isEqualTo(4);
    assertThat(report.problems()).anySatisfy(p -> assertThat(p.file()).isEqualTo("models"));
    assertThat(Files.exists(store.resolve("models"))).isTrue();
  }

  @Test
  void aVersionLeftUnarchivedByAStoppedImportIsArchivedByTheNextOne() {
    writeStore();
    // The first archive fails with an error that stops the import, as a crash between register
    // and archive would: version 1 registered, not archived, nothing after it imported.
    AtomicInteger refusals = new AtomicInteger(1);
    try (ModelRegistry refusing =
        ModelRegistry.builder()
            .workspace(dir.resolve("ws"))
            .accessPolicy(
                op -> {
                  if (op.action() == AuditAction.VERSION_ARCHIVED
                      && refusals.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                    throw new IllegalStateException("stopped before the archive");
                  }
                })
            .build()) {
      MlflowImport stopped =
          MlflowImport.builder().source(store).tracker(tracker).registry(refusing).build();
      assertThatThrownBy(stopped::run).hasMessageContaining("stopped before the archive");
    }
    assertThat(refusals).hasValue(0);
    registry.refresh();
    ModelVersion left = registry.getVersion("churn-model", 1).orElseThrow();
    assertThat(left.status()).isNotEqualTo(ModelStatus.ARCHIVED);

    MlflowImportReport second = importStore();
    assertThat(second.versionsImported()).isEqualTo(1); // version 2, which the stop cut off
    assertThat(registry.versions("churn-model")).hasSize(2);
    ModelVersion done = registry.getVersion("churn-model", 1).orElseThrow();
    assertThat(done.status()).isEqualTo(ModelStatus.ARCHIVED);
    assertThat(done.tags()).containsEntry(MlflowImport.VERSION_TAG, "1");
    assertThat(done.tags()).doesNotContainKey("mlflow.import.archivePending");

    // Once finished, a version restored in the registry stays restored.
    registry.restore("churn-model", 1);
    importStore();
    assertThat(registry.getVersion("churn-model", 1).orElseThrow().status())
        .isNotEqualTo(ModelStatus.ARCHIVED);
  }
}
