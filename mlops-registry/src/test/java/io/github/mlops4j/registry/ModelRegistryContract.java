package io.github.mlops4j.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.data.DatasetVersion;
import io.github.mlops4j.store.internal.StoreAccess;
import io.github.mlops4j.tracking.Run;
import io.github.mlops4j.tracking.Tracker;
import java.io.InputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.protos.core.ModelProto;

/** What every registry backend must do. Extended for SQLite and for PostgreSQL. */
abstract class ModelRegistryContract {
  @TempDir Path temp;
  ModelRegistry registry;

  /** A builder over a fresh, empty store whose artifacts go under {@code dir}. */
  abstract ModelRegistry.Builder fresh(Path dir) throws Exception;

  /**
   * A new store over the database named by {@code dir}: created empty on the first call, the same
   * database (through a new connection pool) on later calls with the same {@code dir}.
   */
  abstract io.github.mlops4j.store.Store openStore(Path dir) throws Exception;

  /** The file holding the stored bytes of object {@code digest}, for tampering with it. */
  Path storedBytes(String digest) throws Exception {
    return ((io.github.mlops4j.artifacts.DirectoryArtifactStore) registry.store().artifacts())
        .path(digest);
  }

  @BeforeEach
  void open() throws Exception {
    registry = fresh(temp).actor(() -> "alice").pollInterval(Duration.ZERO).build();
  }

  @AfterEach
  void close() {
    registry.close();
  }

  private String newRun() {
    Tracker tracker = Tracker.builder().store(registry.store()).captureEnvironment(false).build();
    try (Run run = tracker.startRun("churn")) {
      run.logParam("lr", "0.05");
      return run.id();
    }
  }

  @Test
  void register_numbersVersionsAndRecordsSignatureDigestAndRun() {
    String runId = newRun();
    Model<Label> model = Models.churn(1);
    ModelVersion v1 = registry.register("churn", model, runId);
    ModelVersion v2 = registry.register("churn", Models.churn(2), null);
    assertThat(v1.version()).isEqualTo(1);
    assertThat(v2.version()).isEqualTo(2);
    assertThat(v1.runId()).contains(runId);
    assertThat(v1.digest()).matches("[0-9a-f]{64}");
    assertThat(v1.format()).isEqualTo(ModelArtifact.TRIBUO_PROTOBUF);
    assertThat(v1.status()).isEqualTo(ModelStatus.READY);
    assertThat(v1.createdBy()).isEqualTo("alice");
    ModelSignature sig = v1.signature().orElseThrow();
    assertThat(sig.inputNames()).containsExactlyInAnyOrder("tenure", "spend");
    assertThat(sig.inputs()).allSatisfy(f -> assertThat(f.type()).isEqualTo(FeatureSpec.Type.REAL));
    assertThat(sig.outputType()).isEqualTo("Label");
    assertThat(sig.outputLabels()).containsExactlyInAnyOrder("yes", "no");
    assertThat(registry.findModel("churn").orElseThrow().latestVersion()).hasValue(2);
    assertThat(registry.versions("churn")).extracting(ModelVersion::version).containsExactly(1, 2);
    assertThatThrownBy(() -> registry.register("churn", model, "no-such-run"))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("no-such-run");
  }

  @Test
  void anyFileArtifact_withSignatureTagsAndDescription() throws Exception {
    Path onnx = Files.write(temp.resolve("model.onnx"), new byte[] {8, 7, 6, 5});
    ModelSignature sig =
        new ModelSignature(
            List.of(new FeatureSpec("x", FeatureSpec.Type.REAL)), "Regressor", List.of("y"));
    ModelVersion v =
        registry.register(
            "price",
            ModelArtifact.file(onnx, "onnx")
                .signature(sig)
                .description("exported")
                .tag("framework", "tribuo"),
            null);
    assertThat(v.signature()).contains(sig);
    assertThat(v.description()).isEqualTo("exported");
    assertThat(v.tags()).containsEntry("framework", "tribuo");
    try (InputStream in = registry.openArtifact(v)) {
      assertThat(in.readAllBytes()).containsExactly(8, 7, 6, 5);
    }
    assertThatThrownBy(() -> registry.loadTribuo(v, Label.class))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("not a Tribuo model");
    assertThatThrownBy(() -> ModelArtifact.file(temp.resolve("missing"), "onnx"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ModelArtifact.file(onnx, "../x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aliases_resolveLatestAndNumbers() {
    registry.register("churn", Models.churn(1), null);
    registry.register("churn", Models.churn(2), null);
    registry.setAlias("churn", "champion", 1);
    assertThat(registry.resolve("churn", "champion")).map(ModelVersion::version).contains(1);
    assertThat(registry.resolve("churn", "latest")).map(ModelVersion::version).contains(2);
    assertThat(registry.resolve("churn", "2")).map(ModelVersion::version).contains(2);
    assertThat(registry.resolve("churn", "v1")).map(ModelVersion::version).contains(1);
    assertThat(registry.resolve("churn", "9")).isEmpty();
    assertThat(registry.resolve("churn", "nobody")).isEmpty();
    assertThat(registry.resolve("other", "latest")).isEmpty();
    registry.setAlias("churn", "champion", 2); // the cache sees the move at once
    assertThat(registry.resolve("churn", "champion")).map(ModelVersion::version).contains(2);
    assertThat(registry.resolve("churn", "champion").orElseThrow().aliases())
        .containsExactly("champion");
    assertThat(registry.aliases("churn")).containsExactly(Map.entry("champion", 2));
    for (String bad : List.of("latest", "LATEST", "3", "v12", "a b", "", "x/y")) {
      assertThatThrownBy(() -> registry.setAlias("churn", bad, 1))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> registry.setAlias("churn", "champion", 7))
        .isInstanceOf(ModelNotFoundException.class);
    assertThat(registry.deleteAlias("churn", "champion")).isTrue();
    assertThat(registry.deleteAlias("churn", "champion")).isFalse();
    assertThat(registry.resolve("churn", "champion")).isEmpty();
  }

  @Test
  void compareAndSet_movesOnlyFromTheExpectedVersion() {
    for (int i = 0; i < 4; i++) {
      registry.register("churn", Models.churn(i), null);
    }
    registry.setAlias("churn", "champion", 3);
    assertThat(registry.compareAndSetAlias("churn", "champion", 2, 4)).isFalse();
    assertThat(registry.resolve("churn", "champion")).map(ModelVersion::version).contains(3);
    assertThat(registry.compareAndSetAlias("churn", "champion", 3, 4)).isTrue();
    assertThat(registry.resolve("churn", "champion")).map(ModelVersion::version).contains(4);
    assertThat(registry.compareAndSetAlias("churn", "missing", 1, 2)).isFalse();
  }

  @Test
  void compareAndSet_isLinearizable_underContention() throws Exception {
    for (int i = 0; i < 3; i++) {
      registry.register("churn", Models.churn(i), null);
    }
    registry.setAlias("churn", "champion", 1);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<Boolean>> results = new ArrayList<>();
    for (int t = 0; t < 16; t++) {
      int target = 2 + t % 2;
      results.add(pool.submit(() -> registry.compareAndSetAlias("churn", "champion", 1, target)));
    }
    int winners = 0;
    for (Future<Boolean> f : results) {
      winners += f.get(60, TimeUnit.SECONDS) ? 1 : 0;
    }
    pool.shutdown();
    assertThat(winners).isEqualTo(1);
    assertThat(registry.auditLog("churn"))
        .filteredOn(e -> e.action() == AuditAction.ALIAS_SET)
        .hasSize(2);
  }

  @Test
  void archive_onlyWithoutAliases_andLatestSkipsArchived() {
    registry.register("churn", Models.churn(1), null);
    registry.register("churn", Models.churn(2), null);
    registry.setAlias("churn", "champion", 2);
    assertThatThrownBy(() -> registry.archive("churn", 2))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("champion");
    registry.setAlias("churn", "champion", 1);
    registry.archive("churn", 2);
    assertThat(registry.getVersion("churn", 2).orElseThrow().status())
        .isEqualTo(ModelStatus.ARCHIVED);
    assertThat(registry.resolve("churn", "latest")).map(ModelVersion::version).contains(1);
    assertThatThrownBy(() -> registry.setAlias("churn", "challenger", 2))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("archived");
    registry.restore("churn", 2);
    assertThat(registry.resolve("churn", "latest")).map(ModelVersion::version).contains(2);
  }

  @Test
  void rollback_walksBackThroughTheAliasHistory() {
    for (int i = 0; i < 3; i++) {
      registry.register("churn", Models.churn(i), null);
    }
    registry.setAlias("churn", "champion", 1);
    registry.setAlias("churn", "champion", 2);
    registry.compareAndSetAlias("churn", "champion", 2, 3);
    assertThat(registry.withComment("v3 regressed").rollback("churn", "champion").version())
        .isEqualTo(2);
    assertThat(registry.resolve("churn", "champion")).map(ModelVersion::version).contains(2);
    assertThat(registry.rollback("churn", "champion").version()).isEqualTo(1);
    assertThatThrownBy(() -> registry.rollback("churn", "champion"))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("no earlier version");
    assertThat(registry.resolve("churn", "champion")).map(ModelVersion::version).contains(1);
    AuditEntry last =
        registry.auditLog("churn").stream()
            .filter(e -> e.action() == AuditAction.ALIAS_ROLLED_BACK)
            .findFirst()
            .orElseThrow();
    assertThat(last.version()).isEqualTo(2);
    assertThat(last.previousVersion()).isEqualTo(3);
    assertThat(last.comment()).isEqualTo("v3 regressed");
  }

  @Test
  void auditTrail_recordsActorCommentAndEveryChange() {
    registry.register("churn", Models.churn(1), null);
    registry.withActor("bob").withComment("first release").setAlias("churn", "champion", 1);
    registry.setModelTag("churn", "team", "risk");
    registry.setVersionTag("churn", 1, "validated", "yes");
    List<AuditEntry> trail = registry.auditLog("churn");
    assertThat(trail)
        .extracting(AuditEntry::action)
        .containsExactly(
            AuditAction.MODEL_CREATED,
            AuditAction.VERSION_REGISTERED,
            AuditAction.ALIAS_SET,
            AuditAction.MODEL_UPDATED,
            AuditAction.VERSION_UPDATED);
    assertThat(trail.get(2).actor()).isEqualTo("bob");
    assertThat(trail.get(2).comment()).isEqualTo("first release");
    assertThat(trail.get(2).alias()).isEqualTo("champion");
    assertThat(trail.get(0).actor()).isEqualTo("alice");
    assertThat(trail).extracting(AuditEntry::sequence).isSorted();
  }

  @Test
  void accessPolicy_vetoChangesNothing() throws Exception {
    registry.close();
    registry =
        fresh(temp.resolve("policy"))
            .actor(() -> "mallory")
            .accessPolicy(
                op -> {
                  if ("champion".equals(op.alias()) && !op.actor().equals("release")) {
                    throw new AccessDeniedException(op, "only the release role moves champion");
                  }
                })
            .pollInterval(Duration.ZERO)
            .build();
    registry.register("churn", Models.churn(1), null);
    int before = registry.auditLog("churn").size();
    assertThatThrownBy(() -> registry.setAlias("churn", "champion", 1))
        .isInstanceOf(AccessDeniedException.class)
        .hasMessageContaining("mallory")
        .hasMessageContaining("release role");
    assertThat(registry.resolve("churn", "champion")).isEmpty();
    assertThat(registry.auditLog("churn")).hasSize(before);
    registry.withActor("release").setAlias("churn", "champion", 1);
    registry.setAlias("churn", "challenger", 1);
    assertThat(registry.aliases("churn")).containsOnlyKeys("champion", "challenger");
  }

  @Test
  void listeners_hearCommittedChanges() throws Exception {
    List<RegistryEvent> events = new CopyOnWriteArrayList<>();
    AutoCloseable subscription = registry.addListener(events::add);
    registry.addListener(
        e -> {
          throw new IllegalStateException("a broken listener must not break the registry");
        });
    registry.register("churn", Models.churn(1), null);
    registry.register("churn", Models.churn(2), null);
    registry.setAlias("churn", "champion", 1);
    registry.setAlias("churn", "champion", 2);
    registry.deleteAlias("churn", "champion");
    assertThat(events).hasSize(6);
    assertThat(events.get(0)).isInstanceOf(RegistryEvent.ModelChanged.class);
    assertThat(events.get(1))
        .isInstanceOfSatisfying(
            RegistryEvent.VersionRegistered.class, e -> assertThat(e.version()).isEqualTo(1));
    assertThat(events.get(4))
        .isInstanceOfSatisfying(
            RegistryEvent.AliasChanged.class,
            e -> {
              assertThat(e.alias()).isEqualTo("champion");
              assertThat(e.previousVersion()).isEqualTo(1);
              assertThat(e.currentVersion()).isEqualTo(2);
            });
    assertThat(events.get(5))
        .isInstanceOfSatisfying(
            RegistryEvent.AliasChanged.class, e -> assertThat(e.currentVersion()).isNull());
    subscription.close();
    registry.register("churn", Models.churn(3), null);
    assertThat(events).hasSize(6);
    registry.refresh(); // already announced locally: not announced again
    assertThat(events).hasSize(6);
    assertThat(registry.changesAwaitingPoll()).isZero(); // nothing remembered per change
  }

  @Test
  void localChangesAfterAnotherInstancesChange_areAnnouncedOnce_andForgottenByThePoll() {
    registry.register("churn", Models.churn(1), null);
    registry.register("churn", Models.churn(2), null);
    List<RegistryEvent> seen = new CopyOnWriteArrayList<>();
    registry.addListener(seen::add);
    try (ModelRegistry other =
        ModelRegistry.builder().store(registry.store()).pollInterval(Duration.ZERO).build()) {
      other.setAlias("churn", "champion", 1);
    }
    registry.setAlias("churn", "challenger", 2); // after a change this instance has not seen
    assertThat(registry.changesAwaitingPoll()).isEqualTo(1);
    registry.refresh();
    assertThat(registry.changesAwaitingPoll()).isZero();
    assertThat(seen)
        .extracting(e -> ((RegistryEvent.AliasChanged) e).alias())
        .containsExactly("challenger", "champion");
  }

  @Test
  void changesByAnotherInstance_areSeenByTheWatcher() throws Exception {
    registry.register("churn", Models.churn(1), null);
    registry.register("churn", Models.churn(2), null);
    registry.setAlias("churn", "champion", 1);
    assertThat(registry.resolve("churn", "champion")).map(ModelVersion::version).contains(1);
    List<RegistryEvent> seen = new CopyOnWriteArrayList<>();
    registry.addListener(seen::add);
    try (ModelRegistry other =
        ModelRegistry.builder().store(registry.store()).pollInterval(Duration.ZERO).build()) {
      other.setAlias("churn", "champion", 2);
    }
    assertThat(registry.resolve("churn", "champion")).map(ModelVersion::version).contains(1);
    registry.refresh();
    assertThat(registry.resolve("churn", "champion")).map(ModelVersion::version).contains(2);
    assertThat(seen)
        .singleElement()
        .isInstanceOfSatisfying(
            RegistryEvent.AliasChanged.class, e -> assertThat(e.currentVersion()).isEqualTo(2));
  }

  @Test
  void loadTribuo_roundTripsPredictions() {
    Model<Label> model = Models.churn(1);
    ModelVersion v = registry.register("churn", model, null);
    Model<Label> loaded = registry.loadTribuo(v, Label.class);
    for (double[] x : new double[][] {{1, 10}, {8, 90}, {2.5, 49}}) {
      assertThat(loaded.predict(Models.example(x[0], x[1])).getOutputScores())
          .isEqualTo(model.predict(Models.example(x[0], x[1])).getOutputScores());
    }
  }

  @Test
  void tamperedTruncatedOrMissingArtifact_isRefusedBeforeDeserialization() throws Exception {
    ModelVersion v = registry.register("churn", Models.churn(1), null);
    Path file = storedBytes(v.digest());
    byte[] original = Files.readAllBytes(file);
    file.toFile().setWritable(true);

    byte[] flipped = original.clone();
    // near the end: inside the content of every store (an encrypted object's file begins with two
    // header slots, of which the second is unused until a re-wrap)
    flipped[flipped.length - 40] ^= 0x01;
    Files.write(file, flipped);
    assertThatThrownBy(() -> registry.loadTribuo(v, Label.class))
        .isInstanceOf(ModelIntegrityException.class)
        .hasMessageContaining("integrity check")
        .hasMessageContaining(v.digest());

    Files.write(file, java.util.Arrays.copyOf(original, original.length - 10));
    assertThatThrownBy(() -> registry.loadTribuo(v, Label.class))
        .isInstanceOf(ModelIntegrityException.class);

    Files.delete(file);
    assertThatThrownBy(() -> registry.loadTribuo(v, Label.class))
        .isInstanceOf(ModelIntegrityException.class)
        .hasMessageContaining("missing");
  }

  @Test
  void javaSerializedModels_areRefusedUnlessAllowed_thenFiltered() throws Exception {
    Model<Label> model = Models.churn(1);
    Path ser = temp.resolve("model.ser");
    try (ObjectOutputStream out = new ObjectOutputStream(Files.newOutputStream(ser))) {
      out.writeObject(model);
    }
    ModelVersion v =
        registry.register(
            "legacy", ModelArtifact.file(ser, ModelArtifact.TRIBUO_JAVA_SERIALIZED), null);
    assertThatThrownBy(() -> registry.loadTribuo(v, Label.class))
        .isInstanceOf(UnsafeModelException.class)
        .hasMessageContaining("Java-serialized");

    try (ModelRegistry allowing =
        ModelRegistry.builder()
            .store(registry.store())
            .pollInterval(Duration.ZERO)
            .allowJavaSerialization(ModelRegistry.TRIBUO_SERIAL_FILTER)
            .build()) {
      Model<Label> loaded = allowing.loadTribuo(v, Label.class);
      assertThat(loaded.predict(Models.example(1, 10)).getOutput())
          .isEqualTo(model.predict(Models.example(1, 10)).getOutput());
    }
    try (ModelRegistry strict =
        ModelRegistry.builder()
            .store(registry.store())
            .pollInterval(Duration.ZERO)
            .allowJavaSerialization("java.lang.*;!*")
            .build()) {
      assertThatThrownBy(() -> strict.loadTribuo(v, Label.class))
          .isInstanceOf(UnsafeModelException.class)
          .hasMessageContaining("filter refused");
    }
  }

  @Test
  void modelClassOutsideAllowedPackages_isRefusedBeforeItIsLoaded() throws Exception {
    ModelProto evil =
        Models.churn(1).serialize().toBuilder().setClassName("com.example.Evil").build();
    Path file = Files.write(temp.resolve("evil.tribuo"), evil.toByteArray());
    ModelVersion v =
        registry.register("evil", ModelArtifact.file(file, ModelArtifact.TRIBUO_PROTOBUF), null);
    assertThatThrownBy(() -> registry.loadTribuo(v, Label.class))
        .isInstanceOf(UnsafeModelException.class)
        .hasMessageContaining("com.example.Evil");
  }

  @Test
  void models_searchTagDescribeAndDelete() {
    registry.createModel("fraud", "card fraud");
    assertThatThrownBy(() -> registry.createModel("fraud", ""))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("already exists");
    registry.register("churn", Models.churn(1), null);
    registry.register("churn-eu", Models.churn(2), null);
    registry.setModelTag("churn", "team", "risk");
    registry.setModelTag("churn-eu", "team", "risk");
    registry.setModelTag("churn-eu", "region", "eu");
    registry.setModelTag("fraud", "team", "payments");
    registry.setModelDescription("churn", "who leaves");
    assertThat(registry.searchModels("churn%", Map.of("team", "risk")))
        .extracting(RegisteredModel::name)
        .containsExactly("churn", "churn-eu");
    assertThat(registry.searchModels(null, Map.of("team", "risk", "region", "eu")))
        .extracting(RegisteredModel::name)
        .containsExactly("churn-eu");
    assertThat(registry.listModels())
        .extracting(RegisteredModel::name)
        .containsExactly("churn", "churn-eu", "fraud");
    assertThat(registry.findModel("churn").orElseThrow().description()).isEqualTo("who leaves");
    registry.setModelTag("churn", "team", null);
    assertThat(registry.findModel("churn").orElseThrow().tags()).isEmpty();

    registry.setAlias("churn", "champion", 1);
    assertThatThrownBy(() -> registry.deleteModel("churn"))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("champion");
    registry.deleteAlias("churn", "champion");
    registry.deleteModel("churn");
    assertThat(registry.findModel("churn")).isEmpty();
    assertThat(registry.auditLog("churn"))
        .last()
        .extracting(AuditEntry::action)
        .isEqualTo(AuditAction.MODEL_DELETED);
    assertThatThrownBy(() -> registry.versions("churn")).isInstanceOf(ModelNotFoundException.class);
    assertThat(registry.register("churn", Models.churn(3), null).version()).isEqualTo(1);
  }

  @Test
  void lineage_linksVersionToRunParamsAndDatasets() throws Exception {
    Path csv = Files.writeString(temp.resolve("train.csv"), "tenure,spend,churn\n1,2,yes\n");
    Tracker tracker = Tracker.builder().store(registry.store()).captureEnvironment(false).build();
    String runId;
    try (Run run = tracker.startRun("churn")) {
      run.logParam("lr", "0.05");
      run.logInput(DatasetVersion.of(csv), "train");
      runId = run.id();
    }
    ModelVersion v = registry.register("churn", Models.churn(1), runId);
    ModelLineage lineage = registry.lineage(v);
    assertThat(lineage.run()).isNotNull().extracting(r -> r.runId()).isEqualTo(runId);
    assertThat(lineage.params()).containsEntry("lr", "0.05");
    assertThat(lineage.datasets())
        .singleElement()
        .satisfies(d -> assertThat(d.dataset().name()).isEqualTo("train.csv"));
    assertThat(registry.lineage(registry.register("churn", Models.churn(2), null)).datasets())
        .isEmpty();
  }

  @Test
  void concurrentRegistrations_getUniqueGaplessVersions() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    Set<Integer> versions = ConcurrentHashMap.newKeySet();
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      Path file = Files.write(temp.resolve("m" + t), new byte[] {(byte) t});
      futures.add(
          pool.submit(
              () -> {
                for (int i = 0; i < 10; i++) {
                  versions.add(
                      registry.register("racy", ModelArtifact.file(file, "bin"), null).version());
                }
                return null;
              }));
    }
    for (Future<?> f : futures) {
      f.get(120, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(versions).hasSize(80);
    assertThat(registry.versions("racy"))
        .extracting(ModelVersion::version)
        .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 80).boxed().toList());
  }

  @Test
  void closedRegistry_refusesUse() {
    registry.close();
    assertThatThrownBy(() -> registry.resolve("churn", "latest"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  // ---------------------------------------------------------------- model names

  @Test
  void modelNames_followTheRule_andMayNotDifferOnlyByCase() {
    for (String bad :
        List.of(
            "loan/default",
            " loan",
            "loan ",
            "loan\tdefault",
            "loan\u200bdefault",
            "loan\u00a0default",
            "")) {
      assertThatThrownBy(() -> registry.register(bad, Models.churn(1), null))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> registry.createModel(bad, ""))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    registry.register("Loan-Default", Models.churn(1), null);
    registry.register("loan default", Models.churn(1), null); // not a case variant: allowed
    assertThatThrownBy(() -> registry.register("loan-default", Models.churn(2), null))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining(
            "'loan-default' differs only by case from the existing model" + " 'Loan-Default'");
    assertThatThrownBy(() -> registry.createModel("LOAN-DEFAULT", ""))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("'Loan-Default'");
    assertThatThrownBy(() -> registry.createModel("Loan-Default", ""))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("already exists");
    assertThat(registry.listModels())
        .extracting(RegisteredModel::name)
        .containsExactly("Loan-Default", "loan default");
    assertThat(registry.register("Loan-Default", Models.churn(2), null).version()).isEqualTo(2);

    registry.withComment("renaming").setAlias("Loan-Default", "champion", 2);
    registry.deleteAlias("Loan-Default", "champion");
    registry.deleteModel("Loan-Default");
    assertThat(registry.register("loan-default", Models.churn(3), null).version()).isEqualTo(1);
  }

  @Test
  void twoRegistriesCreatingCaseVariantsAtOnce_leaveExactlyOneModel() throws Exception {
    Path db = temp.resolve("names");
    Path file = Files.write(temp.resolve("artifact"), new byte[] {1, 2, 3});
    for (int r = 0; r < 5; r++) {
      int round = r;
      String upper = "Loan" + round;
      String lower = "loan" + round;
      try (io.github.mlops4j.store.Store s1 = openStore(db);
          io.github.mlops4j.store.Store s2 = openStore(db);
          ModelRegistry r1 = ModelRegistry.builder().store(s1).pollInterval(Duration.ZERO).build();
          ModelRegistry r2 =
              ModelRegistry.builder().store(s2).pollInterval(Duration.ZERO).build()) {
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
          Future<Object> a =
              pool.submit(
                  () -> {
                    start.await(60, TimeUnit.SECONDS);
                    return round % 2 == 0
                        ? r1.register(upper, ModelArtifact.file(file, "bin"), null)
                        : r1.createModel(upper, "");
                  });
          Future<Object> b =
              pool.submit(
                  () -> {
                    start.await(60, TimeUnit.SECONDS);
                    return r2.register(lower, ModelArtifact.file(file, "bin"), null);
                  });
          List<Throwable> failures = new ArrayList<>();
          for (Future<Object> f : List.of(a, b)) {
            try {
              f.get(120, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
              failures.add(e.getCause());
            }
          }
          List<String> models =
              r1.searchModels(null, Map.of()).stream()
                  .map(RegisteredModel::name)
                  .filter(n -> n.equalsIgnoreCase(upper))
                  .toList();
          assertThat(models).hasSize(1);
          assertThat(failures)
              .singleElement()
              .isInstanceOf(RegistryException.class)
              .extracting(Throwable::getMessage)
              .asString()
              .contains("differs only by case from the existing model '" + models.get(0) + "'");
        } finally {
          pool.shutdownNow();
        }
      }
    }
  }

  @Test
  void databaseWithCaseDuplicatesFromBeforeTheRule_opensAndWorks() throws Exception {
    Path db = temp.resolve("legacy");
    try (io.github.mlops4j.store.Store old = openStore(db)) {
      // the schema before the rule
      StoreAccess.migrate(old, RegistryDao.COMPONENT, 2, RegistryDao.MIGRATIONS);
      StoreAccess.write(
          old,
          c -> {
            long t = 1;
            for (String name : List.of("Loan", "loan", "LOAN", "a/b", "other")) {
              io.github.mlops4j.store.internal.Sql.update(
                  c,
                  "INSERT INTO registered_models (name,"
                      + " creation_time, last_updated_time) VALUES (?, ?, ?)",
                  name,
                  t,
                  t);
              t++;
            }
            return null;
          });
    }
    try (io.github.mlops4j.store.Store s = openStore(db);
        ModelRegistry r = ModelRegistry.builder().store(s).pollInterval(Duration.ZERO).build()) {
      assertThat(r.listModels())
          .extracting(RegisteredModel::name)
          .containsExactlyInAnyOrder("Loan", "loan", "LOAN", "a/b", "other");
      for (String name : List.of("Loan", "loan", "LOAN", "a/b")) { // old names keep working
        assertThat(r.register(name, Models.churn(1), null).version()).isEqualTo(1);
        r.setAlias(name, "champion", 1);
        assertThat(r.resolve(name, "champion")).isPresent();
      }
      assertThatThrownBy(() -> r.createModel("lOAN", ""))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("'Loan'");
      assertThatThrownBy(() -> r.register("OTHER", Models.churn(1), null))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("'other'");
      r.deleteAlias("Loan", "champion");
      r.deleteModel("Loan"); // the key is free, but "loan" and "LOAN" still hold the name
      assertThatThrownBy(() -> r.createModel("lOAN", ""))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("differs only");
    }
    try (io.github.mlops4j.store.Store s = openStore(db); // a second open fills in a freed key
        ModelRegistry r = ModelRegistry.builder().store(s).pollInterval(Duration.ZERO).build()) {
      assertThatThrownBy(() -> r.createModel("lOAN", ""))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("'loan'");
      assertThat(r.listModels()).hasSize(4);
    }
  }
}
