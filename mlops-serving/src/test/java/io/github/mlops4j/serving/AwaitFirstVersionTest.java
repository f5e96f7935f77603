package io.github.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.artifacts.DirectoryArtifactStore;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.serving.routing.Arm;
import io.github.mlops4j.serving.routing.CanaryPolicy;
import io.github.mlops4j.serving.routing.Routing;
import io.github.mlops4j.serving.routing.Target;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.classification.Label;

/**
 * A service built with {@code awaitFirstVersion()} starts without a loadable version, serves
 * nothing (saying why) and starts serving once the registry names a version that loads.
 */
class AwaitFirstVersionTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path workspace;

  private static InferenceService.Builder waiting(ModelRegistry registry) {
    return InferenceService.builder().registry(registry).model("churn").awaitFirstVersion();
  }

  /**
   * A waiting service of churn following alias champion, its lifecycle events into {@code events}.
   */
  private static InferenceService followingChampion(
      ModelRegistry registry, List<ServingEvent> events) {
    return waiting(registry)
        .alias("champion")
        .listener(PredictionListener.onServingEvent(events::add))
        .build();
  }

  @Test
  void startsWithoutTheAliasAndServesOnceItIsSet() {
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      Model<Label> model = TestModels.classifier(0);
      registry.register("churn", model, null);
      List<ServingEvent> events = new CopyOnWriteArrayList<>();
      try (InferenceService s = followingChampion(registry, events)) {
        assertThat(s.isLoaded()).isFalse();
        assertThat(s.notLoadedReason()).contains("'churn' has no version for alias champion yet");
        assertThatThrownBy(() -> s.predict(TestModels.request(1, 1, 1)))
            .isInstanceOf(ModelUnavailableException.class)
            .hasMessageContaining("has not loaded a version yet")
            .hasMessageContaining("'churn' has no version for alias champion yet")
            .hasMessageNotContaining("closed");
        assertThatThrownBy(() -> s.predictAll(List.of(TestModels.request(1, 1, 1))))
            .isInstanceOf(ModelUnavailableException.class)
            .hasMessageContaining("no version for alias champion yet");
        assertThatThrownBy(s::activeVersion)
            .isInstanceOf(ModelUnavailableException.class)
            .hasMessageContaining("has not loaded a version yet");
        assertThat(s.routes()).isEmpty();

        registry.setAlias("churn", "champion", 1);
        s.refresh(WAIT);

        assertThat(s.isLoaded()).isTrue();
        assertThat(s.notLoadedReason()).isEmpty();
        assertThat(s.activeVersion()).isEqualTo(1);
        assertThat(s.routes()).containsExactly(java.util.Map.entry("primary", 1));
        for (double[] x : new double[][] {{1, 1, 0}, {-1, -2, 0}, {0.5, -0.2, 3}}) {
          Prediction p = s.predict(TestModels.request(x[0], x[1], x[2]));
          assertThat(p.version()).isEqualTo(1);
          assertThat(p.output()).isEqualTo(TestModels.expected(model, x[0], x[1], x[2]));
        }
        assertThat(s.predictAll(List.of(TestModels.request(1, 1, 1))))
            .singleElement()
            .satisfies(p -> assertThat(p.version()).isEqualTo(1));
        s.awaitEvents(WAIT);
        assertThat(events)
            .anySatisfy(
                e ->
                    assertThat(e)
                        .isInstanceOfSatisfying(
                            ServingEvent.VersionLoaded.class,
                            l -> assertThat(l.version()).isEqualTo(1)))
            .noneMatch(e -> e instanceof ServingEvent.Swapped); // nothing served before it
      }
    }
  }

  @Test
  void aVersionThatFailsToLoadIsTheReasonUntilTheAliasMovesToOneThatLoads() throws IOException {
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      ModelVersion bad = registry.register("churn", TestModels.classifier(0), null);
      registry.register("churn", TestModels.classifier(1), null);
      registry.setAlias("churn", "champion", 1);
      corrupt(registry, bad);
      List<ServingEvent> events = new CopyOnWriteArrayList<>();
      try (InferenceService s = followingChampion(registry, events)) {
        assertThat(s.isLoaded()).isFalse();
        assertThat(s.notLoadedReason())
            .hasValueSatisfying(
                r -> assertThat(r).contains("v1 of 'churn' failed to load").contains("integrity"));
        assertThatThrownBy(() -> s.predict(TestModels.request(1, 1, 1)))
            .isInstanceOf(ModelUnavailableException.class)
            .hasMessageContaining("has not loaded a version yet")
            .hasMessageContaining("v1 of 'churn' failed to load");

        s.refresh(WAIT); // the failed version is not retried while the alias names it
        assertThat(s.notLoadedReason())
            .hasValueSatisfying(r -> assertThat(r).contains("v1 of 'churn' failed to load"));

        registry.setAlias("churn", "champion", 2);
        s.refresh(WAIT);
        assertThat(s.isLoaded()).isTrue();
        assertThat(s.predict(TestModels.request(1, 1, 1)).version()).isEqualTo(2);
        s.awaitEvents(WAIT);
        assertThat(events)
            .filteredOn(e -> e instanceof ServingEvent.LoadFailed)
            .singleElement()
            .satisfies(e -> assertThat(((ServingEvent.LoadFailed) e).version()).isEqualTo(1));
      }
    }
  }

  @Test
  void closingWhileWaitingSaysClosed() {
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      registry.register("churn", TestModels.classifier(0), null);
      InferenceService s = waiting(registry).alias("champion").build();
      assertThat(s.isLoaded()).isFalse();
      s.close();
      assertThat(s.isLoaded()).isFalse();
      assertThat(s.notLoadedReason()).isEmpty();
      assertThatThrownBy(() -> s.predict(TestModels.request(1, 1, 1)))
          .isInstanceOf(ModelUnavailableException.class)
          .hasMessageContaining("is closed")
          .hasMessageNotContaining("not loaded");
      assertThatThrownBy(() -> s.predictAll(List.of(TestModels.request(1, 1, 1))))
          .isInstanceOf(ModelUnavailableException.class)
          .hasMessageContaining("is closed");
      assertThatThrownBy(() -> s.refresh(WAIT))
          .isInstanceOf(ModelUnavailableException.class)
          .hasMessageContaining("is closed");
      registry.setAlias("churn", "champion", 1); // a closed service no longer follows
      assertThat(s.isLoaded()).isFalse();
      assertThat(s.routes()).isEmpty();
    }
  }

  @Test
  void aCanaryWithoutAVersionHoldsBackThePrimaryUntilBothLoad() {
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      registry.register("churn", TestModels.classifier(0), null);
      registry.register("churn", TestModels.classifier(1), null);
      registry.setAlias("churn", "champion", 1);
      Routing routing =
          Routing.canary(
              Target.alias("candidate"),
              30,
              CanaryPolicy.defaults().maxP99(Duration.ofDays(1)).maxErrorRate(1.0));
      try (InferenceService s = waiting(registry).alias("champion").routing(routing).build()) {
        assertThat(s.isLoaded()).isFalse();
        assertThat(s.notLoadedReason()).contains("'churn' has no version for alias candidate yet");
        assertThatThrownBy(() -> s.predict(TestModels.request(1, 1, 1)))
            .isInstanceOf(ModelUnavailableException.class)
            .hasMessageContaining("alias candidate");
        assertThat(s.routes()).isEmpty();

        registry.setAlias("churn", "candidate", 2);
        s.refresh(WAIT);
        assertThat(s.routes()).containsEntry("primary", 1).containsEntry("canary", 2);
        assertThat(s.canaryActive()).isTrue();
        // 30% canary: both answer (the chance that one does not is below 1e-40)
        assertThat(versionsAnswering(s, 300)).containsExactlyInAnyOrder(1, 2);
      }
    }
  }

  @Test
  void weightedArmsServeNothingUntilEveryArmHasAVersion() {
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      registry.register("churn", TestModels.classifier(0), null);
      registry.setAlias("churn", "champion", 1);
      Routing routing =
          Routing.weighted(
              Arm.of("a", Target.alias("champion"), 1), Arm.of("b", Target.version(2), 1));
      try (InferenceService s = waiting(registry).routing(routing).build()) {
        assertThat(s.notLoadedReason()).contains("'churn' has no version for v2 yet");
        assertThatThrownBy(() -> s.predictAll(List.of(TestModels.request(1, 1, 1))))
            .isInstanceOf(ModelUnavailableException.class)
            .hasMessageContaining("no version for v2 yet");

        registry.register("churn", TestModels.classifier(1), null); // v2
        s.refresh(WAIT);
        assertThat(s.isLoaded()).isTrue();
        assertThat(s.routes()).containsEntry("a", 1).containsEntry("b", 2);
        assertThat(s.activeVersion()).isEqualTo(1);
        assertThat(versionsAnswering(s, 300)).containsExactlyInAnyOrder(1, 2);
      }
    }
  }

  @Test
  void aMisspelledModelStillFailsTheBuild() {
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      registry.register("churn", TestModels.classifier(0), null);
      assertThatThrownBy(() -> waiting(registry).model("chrun").alias("champion").build())
          .isInstanceOf(ModelUnavailableException.class)
          .hasMessageContaining("no model named 'chrun'")
          .hasMessageContaining("did you mean [churn]");
    }
  }

  @Test
  void withoutTheOptionAFailedLoadStillFailsTheBuild() throws IOException {
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      ModelVersion bad = registry.register("churn", TestModels.classifier(0), null);
      registry.setAlias("churn", "champion", 1);
      corrupt(registry, bad);
      InferenceService.Builder failFast =
          InferenceService.builder().registry(registry).model("churn").alias("champion");
      assertThatThrownBy(failFast::build)
          .isInstanceOf(ModelUnavailableException.class)
          .hasMessageContaining("Cannot load v1 of 'churn' for alias champion");
    }
  }

  /** The versions that answered {@code calls} predictions. */
  private static Set<Integer> versionsAnswering(InferenceService s, int calls) {
    Set<Integer> versions = new HashSet<>();
    for (int i = 0; i < calls; i++) {
      versions.add(s.predict(TestModels.request(1, 1, 1)).version());
    }
    return versions;
  }

  /** Flips a byte in the middle of the version's artifact: its integrity check fails on load. */
  private static void corrupt(ModelRegistry registry, ModelVersion v) throws IOException {
    Path artifact = ((DirectoryArtifactStore) registry.store().artifacts()).path(v.digest());
    byte[] bytes = Files.readAllBytes(artifact);
    bytes[bytes.length / 2] ^= 0x5A;
    artifact.toFile().setWritable(true);
    Files.write(artifact, bytes);
  }
}
