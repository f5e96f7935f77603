package io.github.mlops4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.registry.ModelIntegrityException;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.registry.UnsafeModelException;
import io.github.mlops4j.registry.internal.DetachedLoading;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;

/**
 * What an executor does with the broadcast: the registry's checks run again on the bytes it got,
 * and the model it loads predicts as the registered one.
 */
class ExecutorLoadingTest {
  @TempDir Path tmp;

  @Test
  void theBroadcastBytesLoadTheRegisteredModelAndNothingElse() {
    Model<Label> model = ChurnData.classifier(1);
    ModelVersion v;
    byte[] bytes;
    try (ModelRegistry r = ModelRegistry.open(tmp)) {
      v = r.register("churn", model, null);
      bytes = DetachedLoading.verifiedBytes(v, r.store().artifacts());
    }
    ModelVersion shipped = DetachedLoading.version(DetachedLoading.describe(v));
    assertThat(shipped).isEqualTo(v);
    assertThat(shipped.signature()).isEqualTo(v.signature());

    Model<Label> loaded =
        DetachedLoading.load(shipped, bytes, List.of("org.tribuo."), null, Label.class);
    double[] x = {12, 80, 30};
    assertThat(ChurnData.predict(loaded, LabelFactory.UNKNOWN_LABEL, x).getOutputScores())
        .hasToString(
            ChurnData.predict(model, LabelFactory.UNKNOWN_LABEL, x).getOutputScores().toString());

    byte[] changed = bytes.clone();
    changed[changed.length / 3] ^= 1;
    assertThatThrownBy(
            () -> DetachedLoading.load(shipped, changed, List.of("org.tribuo."), null, Label.class))
        .isInstanceOf(ModelIntegrityException.class)
        .hasMessageContaining("SHA-256");
    assertThatThrownBy(
            () ->
                DetachedLoading.load(
                    shipped, new byte[] {1, 2, 3}, List.of("org.tribuo."), null, Label.class))
        .isInstanceOf(ModelIntegrityException.class)
        .hasMessageContaining("3 bytes");
    // the executor applies the job's allowlist, not a laxer one
    assertThatThrownBy(
            () -> DetachedLoading.load(shipped, bytes, List.of("com.example."), null, Label.class))
        .isInstanceOf(UnsafeModelException.class);
  }

  @Test
  void theExecutorCacheKeepsModelsApartByTheirLoadingRules() {
    Model<Label> model = ChurnData.classifier(2);
    ModelVersion v;
    byte[] bytes;
    try (ModelRegistry r = ModelRegistry.open(tmp)) {
      v = r.register("churn", model, null);
      bytes = DetachedLoading.verifiedBytes(v, r.store().artifacts());
    }
    ScoringPayload.Policy policy =
        ScoringPayload.Policy.of(io.github.mlops4j.serving.ValidationPolicy.REJECT);
    List<String> lax = List.of("org.tribuo.");
    ExecutorModels.Key laxKey = new ExecutorModels.Key(v.digest(), lax, null, policy, Set.of());
    assertThat(
            ExecutorModels.scorer(
                    laxKey, () -> new ScoringPayload(DetachedLoading.describe(v), bytes, lax, null))
                .inputs())
        .isNotEmpty();
    // Another job with a stricter allowlist loads anew, under its own rules, and is refused.
    List<String> strict = List.of("com.example.");
    ExecutorModels.Key strictKey =
        new ExecutorModels.Key(v.digest(), strict, null, policy, Set.of());
    assertThatThrownBy(
            () ->
                ExecutorModels.scorer(
                    strictKey,
                    () -> new ScoringPayload(DetachedLoading.describe(v), bytes, strict, null)))
        .isInstanceOf(UnsafeModelException.class);
  }

  @Test
  void sqlFunctionIds_restartForEachCopyOfTheFunction_asForARetriedTask() throws Exception {
    RowPositions first = new RowPositions();
    List<String> ids = List.of(first.nextId("seed"), first.nextId("seed"), first.nextId("seed"));
    assertThat(ids)
        .containsExactly(
            ScoringTask.id("seed", 0, 0),
            ScoringTask.id("seed", 0, 1),
            ScoringTask.id("seed", 0, 2))
        .doesNotHaveDuplicates();
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream o = new java.io.ObjectOutputStream(out)) {
      o.writeObject(first); // Spark ships each task attempt its own copy, as serialized
    }
    RowPositions retried;
    try (java.io.ObjectInputStream in =
        new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(out.toByteArray()))) {
      retried = (RowPositions) in.readObject();
    }
    assertThat(List.of(retried.nextId("seed"), retried.nextId("seed"), retried.nextId("seed")))
        .isEqualTo(ids);
  }
}
