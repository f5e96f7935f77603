package io.github.mlops4j.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.store.internal.StoreAccess;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.classification.Label;

/**
 * Every public method of {@link ModelRegistry} is either a read (listed in {@link #READS}) or a
 * change (listed in {@link #CHANGES} with a call that succeeds when allowed). A change asks the
 * {@link AccessPolicy} once per audit action it writes, before writing; under a deny-all policy it
 * fails with {@link AccessDeniedException} and changes nothing. A new public method that is in
 * neither list fails {@link #everyPublicMethodIsClassified()}.
 */
class AccessPolicyCoverageTest {
  /** Public methods that change nothing in the store. */
  private static final Set<String> READS =
      Set.of(
          "open(Path)",
          "builder()",
          "withComment(String)",
          "withActor(String)",
          "findModel(String)",
          "listModels()",
          "searchModels(String,Map)",
          "getVersion(String,int)",
          "versions(String)",
          "aliases(String)",
          "resolve(String,String)",
          "evaluations(String,int)",
          "loadTribuo(ModelVersion,Class)",
          "openArtifact(ModelVersion)",
          "lineage(ModelVersion)",
          "auditLog(String)",
          "planVersionPurge(String,int)",
          "checkTag(String,String)",
          "addListener(RegistryListener)",
          "refresh()",
          "store()",
          "close()");

  /** A change: the call, on the fixture of {@link #fixture}, and the first action it asks. */
  private record Change(AuditAction asks, Call call) {}

  @FunctionalInterface
  private interface Call {
    void on(ModelRegistry registry) throws Exception;
  }

  private static final String DIGEST = "ab".repeat(32);
  private static Model<Label> model;
  private static Map<String, Change> changes;

  @TempDir Path temp;

  @BeforeAll
  static void changes() {
    model = Models.churn(7);
    Map<String, Change> c = new LinkedHashMap<>();
    c.put(
        "createModel(String,String)",
        new Change(AuditAction.MODEL_CREATED, r -> r.createModel("fresh", "new")));
    c.put(
        "setModelDescription(String,String)",
        new Change(AuditAction.MODEL_UPDATED, r -> r.setModelDescription("churn", "who leaves")));
    c.put(
        "setModelTag(String,String,String)",
        new Change(AuditAction.MODEL_UPDATED, r -> r.setModelTag("churn", "owner", "risk")));
    c.put(
        "deleteModel(String)", new Change(AuditAction.MODEL_DELETED, r -> r.deleteModel("unused")));
    c.put(
        "register(String,Model,String)",
        new Change(AuditAction.VERSION_REGISTERED, r -> r.register("churn", model, null)));
    c.put(
        "register(String,ModelArtifact,String)",
        new Change(
            AuditAction.MODEL_CREATED,
            r -> r.register("fresh", ModelArtifact.file(newFile(r), "bin"), null)));
    c.put(
        "setVersionTag(String,int,String,String)",
        new Change(
            AuditAction.VERSION_UPDATED, r -> r.setVersionTag("churn", 1, "checked", "yes")));
    c.put(
        "setVersionDescription(String,int,String)",
        new Change(AuditAction.VERSION_UPDATED, r -> r.setVersionDescription("churn", 1, "first")));
    c.put(
        "archive(String,int)",
        new Change(AuditAction.VERSION_ARCHIVED, r -> r.archive("churn", 4)));
    c.put(
        "restore(String,int)",
        new Change(AuditAction.VERSION_RESTORED, r -> r.restore("churn", 3)));
    c.put(
        "purgeVersion(VersionPurgePlan)",
        new Change(
            AuditAction.VERSION_PURGED, r -> r.purgeVersion(r.planVersionPurge("churn", 4))));
    c.put(
        "setAlias(String,String,int)",
        new Change(AuditAction.ALIAS_SET, r -> r.setAlias("churn", "champion", 1)));
    c.put(
        "compareAndSetAlias(String,String,int,int)",
        new Change(
            AuditAction.ALIAS_SET,
            r -> assertThat(r.compareAndSetAlias("churn", "champion", 2, 1)).isTrue()));
    c.put(
        "setAliasIfAbsent(String,String,int)",
        new Change(
            AuditAction.ALIAS_SET,
            r -> assertThat(r.setAliasIfAbsent("churn", "staging", 1)).isTrue()));
    c.put(
        "deleteAlias(String,String)",
        new Change(
            AuditAction.ALIAS_DELETED,
            r -> assertThat(r.deleteAlias("churn", "challenger")).isTrue()));
    c.put(
        "rollback(String,String)",
        new Change(
            AuditAction.ALIAS_ROLLED_BACK,
            r -> assertThat(r.rollback("churn", "champion").version()).isEqualTo(1)));
    c.put(
        "recordEvaluation(String,int,String,String,String,Map)",
        new Change(
            AuditAction.EVALUATION_RECORDED,
            r -> r.recordEvaluation("churn", 1, null, "holdout", DIGEST, Map.of("accuracy", 0.9))));
    changes = c;
  }

  /** A file whose content the workspace has not stored yet. */
  private static Path newFile(ModelRegistry r) throws Exception {
    Path dir = r.store().artifactRoot().orElseThrow().resolveSibling("inputs");
    Files.createDirectories(dir);
    return Files.writeString(
        Files.createTempFile(dir, "model", ".bin"), "content " + System.nanoTime());
  }

  /**
   * Model {@code churn}: v1, v2, v3 (archived), v4; champion moved 1 then 2 (so it can roll back),
   * challenger on 1, a model tag, a version tag and an evaluation of v1. Model {@code unused} has
   * no aliases.
   */
  private static void fixture(ModelRegistry r, Path dir) throws Exception {
    for (int i = 1; i <= 4; i++) {
      r.register(
          "churn",
          ModelArtifact.file(Files.writeString(dir.resolve("v" + i), "v" + i), "bin"),
          null);
    }
    r.archive("churn", 3);
    r.setAlias("churn", "champion", 1);
    r.setAlias("churn", "champion", 2);
    r.setAlias("churn", "challenger", 1);
    r.setModelTag("churn", "team", "risk");
    r.setVersionTag("churn", 2, "validated", "yes");
    r.recordEvaluation("churn", 1, null, "holdout", DIGEST, Map.of("accuracy", 0.8));
    r.createModel("unused", "");
  }

  private static String signature(Method m) {
    return m.getName()
        + Arrays.stream(m.getParameterTypes())
            .map(Class::getSimpleName)
            .collect(Collectors.joining(",", "(", ")"));
  }

  @Test
  void everyPublicMethodIsClassified() {
    Set<String> methods =
        Arrays.stream(ModelRegistry.class.getDeclaredMethods())
            .filter(m -> Modifier.isPublic(m.getModifiers()) && !m.isSynthetic())
            .map(AccessPolicyCoverageTest::signature)
            .collect(Collectors.toCollection(TreeSet::new));
    Set<String> classified = new TreeSet<>(READS);
    classified.addAll(changes.keySet());
    assertThat(methods)
        .as(
            "public methods of ModelRegistry: list each new one as a read or as a"
                + " change (with a call) in this test")
        .containsExactlyInAnyOrderElementsOf(classified);
    assertThat(READS).doesNotContainAnyElementsOf(changes.keySet());
  }

  /** What a change could touch: the whole trail, every model, version, evaluation, artifact. */
  private record State(
      List<AuditEntry> trail,
      List<RegisteredModel> models,
      Map<String, List<ModelVersion>> versions,
      Map<String, List<EvaluationRecord>> evaluations,
      List<Path> artifacts) {}

  private static State state(ModelRegistry r) throws Exception {
    List<AuditEntry> trail =
        StoreAccess.read(r.store(), c -> new RegistryDao(r.store()).auditLog(c, null, 0));
    List<RegisteredModel> models = r.listModels();
    Map<String, List<ModelVersion>> versions = new TreeMap<>();
    Map<String, List<EvaluationRecord>> evaluations = new TreeMap<>();
    for (RegisteredModel m : models) {
      versions.put(m.name(), r.versions(m.name()));
      for (ModelVersion v : versions.get(m.name())) {
        evaluations.put(m.name() + " v" + v.version(), r.evaluations(m.name(), v.version()));
      }
    }
    List<Path> artifacts;
    try (Stream<Path> files = Files.walk(r.store().artifactRoot().orElseThrow())) {
      artifacts = files.filter(Files::isRegularFile).sorted().toList();
    }
    return new State(trail, models, versions, evaluations, artifacts);
  }

  @Test
  void underADenyAllPolicy_everyChangeIsRefused_andNothingChanges() throws Exception {
    List<RegistryOperation> asked = new CopyOnWriteArrayList<>();
    try (ModelRegistry owner =
            ModelRegistry.builder()
                .workspace(temp.resolve("ws"))
                .pollInterval(Duration.ZERO)
                .build();
        ModelRegistry denying =
            ModelRegistry.builder()
                .store(owner.store())
                .pollInterval(Duration.ZERO)
                .accessPolicy(
                    op -> {
                      asked.add(op);
                      throw new AccessDeniedException(op, "read-only replica");
                    })
                .build()) {
      fixture(owner, temp);
      denying.refresh(); // the fixture is not what this test listens for
      List<RegistryEvent> events = new CopyOnWriteArrayList<>();
      denying.addListener(events::add);
      State before = state(owner);
      for (Map.Entry<String, Change> change : changes.entrySet()) {
        asked.clear();
        assertThatThrownBy(() -> change.getValue().call().on(denying))
            .as(change.getKey())
            .isInstanceOfSatisfying(
                AccessDeniedException.class,
                e -> assertThat(e.operation().action()).isEqualTo(change.getValue().asks()));
        assertThat(asked)
            .as(change.getKey())
            .singleElement()
            .extracting(RegistryOperation::action)
            .isEqualTo(change.getValue().asks());
        assertThat(state(owner)).as(change.getKey()).isEqualTo(before);
      }
      denying.refresh();
      assertThat(events).isEmpty();
    }
  }

  @Test
  void whenAllowed_eachChangeAsksOncePerAuditActionItWrites() throws Exception {
    int n = 0;
    for (Map.Entry<String, Change> change : changes.entrySet()) {
      Path dir = temp.resolve("ws" + n++);
      List<AuditAction> asked = new CopyOnWriteArrayList<>();
      try (ModelRegistry owner =
              ModelRegistry.builder().workspace(dir).pollInterval(Duration.ZERO).build();
          ModelRegistry asking =
              ModelRegistry.builder()
                  .store(owner.store())
                  .pollInterval(Duration.ZERO)
                  .accessPolicy(op -> asked.add(op.action()))
                  .build()) {
        Files.createDirectories(dir.resolve("files"));
        fixture(owner, dir.resolve("files"));
        int trailBefore = state(owner).trail().size();
        change.getValue().call().on(asking);
        List<AuditAction> written = new ArrayList<>();
        state(owner).trail().stream().skip(trailBefore).forEach(e -> written.add(e.action()));
        List<AuditAction> expected = new ArrayList<>(written);
        if (change.getValue().asks() == AuditAction.EVALUATION_RECORDED) {
          assertThat(written).as(change.getKey()).isEmpty();
          expected.add(AuditAction.EVALUATION_RECORDED);
        }
        assertThat(asked).as(change.getKey() + " wrote " + written).isEqualTo(expected);
        assertThat(asked).as(change.getKey()).first().isEqualTo(change.getValue().asks());
      }
    }
  }

  /** The reported hole: {@code register} of a new name created the model past a veto. */
  @Test
  void register_ofANewName_isRefusedWhenThePolicyVetoesModelCreation() throws Exception {
    try (ModelRegistry registry =
        ModelRegistry.builder()
            .workspace(temp.resolve("ws"))
            .pollInterval(Duration.ZERO)
            .accessPolicy(
                op -> {
                  if (op.action() == AuditAction.MODEL_CREATED) {
                    throw new AccessDeniedException(op, "models are created by the platform team");
                  }
                })
            .build()) {
      assertThatThrownBy(() -> registry.register("churn", model, null))
          .isInstanceOf(AccessDeniedException.class)
          .hasMessageContaining("MODEL_CREATED")
          .hasMessageContaining("platform team");
      assertThat(registry.findModel("churn")).isEmpty();
      assertThat(registry.auditLog("churn")).isEmpty();
      try (Stream<Path> files = Files.walk(registry.store().artifactRoot().orElseThrow())) {
        assertThat(files.filter(Files::isRegularFile)).isEmpty(); // nothing stored either
      }
      // an existing model takes new versions under the same policy
      try (ModelRegistry platform =
          ModelRegistry.builder().store(registry.store()).pollInterval(Duration.ZERO).build()) {
        platform.createModel("churn", "");
      }
      assertThat(registry.register("churn", model, null).version()).isEqualTo(1);
    }
  }

  /** A model deleted between register's look-up and its transaction comes back only if allowed. */
  @Test
  void register_ofAModelDeletedMeanwhile_asksForItsCreationFirst() throws Exception {
    for (boolean allowCreation : new boolean[] {false, true}) {
      Path dir = temp.resolve("ws-" + allowCreation);
      List<AuditAction> asked = new CopyOnWriteArrayList<>();
      try (ModelRegistry owner =
              ModelRegistry.builder().workspace(dir).pollInterval(Duration.ZERO).build();
          ModelRegistry registry =
              ModelRegistry.builder()
                  .store(owner.store())
                  .pollInterval(Duration.ZERO)
                  .accessPolicy(
                      op -> {
                        asked.add(op.action());
                        if (op.action() == AuditAction.VERSION_REGISTERED) {
                          owner.deleteModel("churn"); // after the look-up, before the transaction
                        }
                        if (op.action() == AuditAction.MODEL_CREATED && !allowCreation) {
                          throw new AccessDeniedException(op, "no new models");
                        }
                      })
                  .build()) {
        owner.createModel("churn", "");
        if (allowCreation) {
          assertThat(registry.register("churn", model, null).version()).isEqualTo(1);
          assertThat(registry.auditLog("churn"))
              .extracting(AuditEntry::action)
              .endsWith(
                  AuditAction.MODEL_DELETED,
                  AuditAction.MODEL_CREATED,
                  AuditAction.VERSION_REGISTERED);
        } else {
          assertThatThrownBy(() -> registry.register("churn", model, null))
              .isInstanceOf(AccessDeniedException.class)
              .hasMessageContaining("no new models");
          assertThat(registry.findModel("churn")).isEmpty();
        }
        assertThat(asked)
            .containsExactly(AuditAction.VERSION_REGISTERED, AuditAction.MODEL_CREATED);
      }
    }
  }

  /** The reported hole: {@code recordEvaluation} wrote without asking. */
  @Test
  void recordEvaluation_asksThePolicy() throws Exception {
    try (ModelRegistry registry =
        ModelRegistry.builder()
            .workspace(temp.resolve("ws"))
            .pollInterval(Duration.ZERO)
            .accessPolicy(
                op -> {
                  if (op.action() == AuditAction.EVALUATION_RECORDED && !op.actor().equals("ci")) {
                    throw new AccessDeniedException(op, "only CI records evaluations");
                  }
                })
            .actor(() -> "alice")
            .build()) {
      registry.register("churn", model, null);
      assertThatThrownBy(
              () ->
                  registry.recordEvaluation(
                      "churn", 1, null, "holdout", DIGEST, Map.of("accuracy", 0.99)))
          .isInstanceOfSatisfying(
              AccessDeniedException.class,
              e -> {
                assertThat(e.operation().version()).isEqualTo(1);
                assertThat(e).hasMessageContaining("alice").hasMessageContaining("only CI");
              });
      assertThat(registry.evaluations("churn", 1)).isEmpty();
      registry
          .withActor("ci")
          .recordEvaluation("churn", 1, null, "holdout", DIGEST, Map.of("accuracy", 0.99));
      assertThat(registry.evaluations("churn", 1))
          .singleElement()
          .satisfies(e -> assertThat(e.metrics()).containsEntry("accuracy", 0.99));
    }
  }
}
