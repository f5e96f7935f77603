package io.github.mlops4j.xgboost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.mlops4j.registry.FeatureSpec;
import io.github.mlops4j.registry.ModelArtifact;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelSignature;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.serving.InferenceService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.impl.ArrayExample;
import org.tribuo.regression.Regressor;

/** Safe loading, declarations checked against the model, and the lifecycle of the boosters. */
class XgboostLoadingTest {
  @TempDir Path dir;

  private ModelRegistry registry() {
    return ModelRegistry.builder().workspace(dir.resolve("ws")).pollInterval(Duration.ZERO).build();
  }

  private static ModelSignature signature(List<String> features, String type, List<String> out) {
    return new ModelSignature(
        features.stream().map(f -> new FeatureSpec(f, FeatureSpec.Type.REAL)).toList(), type, out);
  }

  private Path write(String name, byte[] bytes) throws Exception {
    Path f = dir.resolve(name);
    Files.write(f, bytes);
    return f;
  }

  @Test
  void craftedFilesAreNeitherRegisteredNorServed() throws Exception {
    ModelSignature churn = signature(Fixtures.FEATURES, "Label", List.of("no", "yes"));
    try (ModelRegistry registry = registry()) {
      for (Map.Entry<String, Map.Entry<byte[], String>> e : XgboostFiles.crafted().entrySet()) {
        Path file = write(e.getKey() + ".bin", e.getValue().getKey());
        assertThatThrownBy(() -> XgboostArtifact.of(file).classification("no", "yes").toArtifact())
            .as(e.getKey())
            .isInstanceOf(XgboostModelException.class)
            .hasMessageContaining(e.getValue().getValue());
        // registered around the check, with a plausible signature: refused when loaded
        if (e.getValue().getKey().length == 0) {
          continue; // the registry refuses an empty artifact itself
        }
        ModelVersion v =
            registry.register(
                e.getKey(), ModelArtifact.file(file, XgboostLoader.FORMAT).signature(churn), null);
        assertThatThrownBy(() -> registry.loadTribuo(v, Label.class))
            .as(e.getKey())
            .isInstanceOf(XgboostModelException.class)
            .hasMessageContaining(e.getValue().getValue());
        assertThatThrownBy(
                () -> InferenceService.builder().registry(registry).model(e.getKey()).build())
            .as(e.getKey())
            .hasStackTraceContaining(e.getValue().getValue());
      }
    }
  }

  @Test
  void declarationsMustFitTheModel() {
    assertThatThrownBy(
            () -> XgboostArtifact.of(Fixtures.file("classifier.json")).regression().toArtifact())
        .isInstanceOf(XgboostModelException.class)
        .hasMessageContaining("objective binary:logistic is a classification")
        .hasMessageContaining("the signature says Regressor");
    assertThatThrownBy(
            () ->
                XgboostArtifact.of(Fixtures.file("regressor.ubj"))
                    .classification("a", "b")
                    .toArtifact())
        .isInstanceOf(XgboostModelException.class)
        .hasMessageContaining("is a regression");
    assertThatThrownBy(
            () ->
                XgboostArtifact.of(Fixtures.file("multiclass.json"))
                    .classification("no", "yes")
                    .toArtifact())
        .isInstanceOf(XgboostModelException.class)
        .hasMessageContaining("the model has 3 classes, the signature 2 labels");
    assertThatThrownBy(
            () ->
                XgboostArtifact.of(Fixtures.file("classifier.json"))
                    .columns("a", "b", "c", "d", "e")
                    .classification("no", "yes")
                    .toArtifact())
        .isInstanceOf(XgboostModelException.class)
        .hasMessageContaining("names its features [tenure, age, spend, visits, calls]");
    assertThatThrownBy(
            () ->
                XgboostArtifact.of(Fixtures.file("regressor_nonames.json"))
                    .regression()
                    .toArtifact())
        .isInstanceOf(XgboostModelException.class)
        .hasMessageContaining("without feature names")
        .hasMessageContaining("columns(...)");
    assertThatThrownBy(
            () ->
                XgboostArtifact.of(Fixtures.file("regressor_nonames.json"))
                    .columns("a", "b", "c", "d")
                    .regression()
                    .toArtifact())
        .isInstanceOf(XgboostModelException.class)
        .hasMessageContaining("the model has 5 features, the signature 4");
    assertThatThrownBy(() -> XgboostArtifact.of(Fixtures.file("classifier.json")).toArtifact())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aStoredSignatureThatDisagreesWithTheFileIsRefusedAtLoad() {
    try (ModelRegistry registry = registry()) {
      ModelVersion features =
          registry.register(
              "a",
              ModelArtifact.file(Fixtures.file("regressor.json"), XgboostLoader.FORMAT)
                  .signature(
                      signature(
                          List.of("tenure", "age", "spend", "calls", "visits"),
                          "Regressor",
                          List.of("value"))),
              null);
      assertThatThrownBy(() -> registry.loadTribuo(features, Regressor.class))
          .isInstanceOf(XgboostModelException.class)
          .hasMessageContaining("does not fit its stored signature")
          .hasMessageContaining("feature names");
      ModelVersion objective =
          registry.register(
              "b",
              ModelArtifact.file(Fixtures.file("classifier.ubj"), XgboostLoader.FORMAT)
                  .signature(signature(Fixtures.FEATURES, "Regressor", List.of("value"))),
              null);
      assertThatThrownBy(() -> registry.loadTribuo(objective, Regressor.class))
          .isInstanceOf(XgboostModelException.class)
          .hasMessageContaining("objective binary:logistic is a classification");
      ModelVersion noSignature =
          registry.register(
              "c", ModelArtifact.file(Fixtures.file("classifier.ubj"), XgboostLoader.FORMAT), null);
      assertThatThrownBy(() -> registry.loadTribuo(noSignature, Label.class))
          .isInstanceOf(XgboostModelException.class)
          .hasMessageContaining("has no signature");
      ModelVersion classifier =
          registry.register(
              "d",
              XgboostArtifact.of(Fixtures.file("classifier.json"))
                  .classification("no", "yes")
                  .toArtifact(),
              null);
      assertThatThrownBy(() -> registry.loadTribuo(classifier, Regressor.class))
          .isInstanceOf(XgboostModelException.class)
          .hasMessageContaining("is a Label model, not Regressor");
    }
  }

  @Test
  void closedModelRefusesPredictions() {
    try (ModelRegistry registry = registry()) {
      ModelVersion v =
          registry.register(
              "churn",
              XgboostArtifact.of(Fixtures.file("classifier.json"))
                  .classification("no", "yes")
                  .toArtifact(),
              null);
      Model<Label> model = registry.loadTribuo(v, Label.class);
      ((XgboostModel<?>) model).close();
      ((XgboostModel<?>) model).close(); // idempotent
      ArrayExample<Label> e = new ArrayExample<>(new Label("no"));
      e.add("tenure", 1.0);
      assertThatThrownBy(() -> model.predict(e))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("is closed (retired)");
    }
  }

  /** More callers than boosters: each waits for a free one, and every answer is Python's. */
  @Test
  void callersShareTheBoostersOfThePool() throws Exception {
    List<Map<String, Double>> rows = Fixtures.rows(false);
    List<double[]> python = Fixtures.python(false);
    try (ModelRegistry registry =
        ModelRegistry.builder()
            .workspace(dir.resolve("ws"))
            .pollInterval(Duration.ZERO)
            .modelLoader(XgboostLoader.builder().poolSize(2).threadsPerCall(1).build())
            .build()) {
      registry.register(
          "churn",
          XgboostArtifact.of(Fixtures.file("classifier.ubj"))
              .classification("no", "yes")
              .toArtifact(),
          null);
      int callers = 6;
      ExecutorService pool = Executors.newFixedThreadPool(callers);
      try (InferenceService service =
          InferenceService.builder().registry(registry).model("churn").build()) {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < callers; c++) {
          done.add(
              pool.submit(
                  () -> {
                    start.await();
                    for (int i = 0; i < 200; i++) {
                      int row = i % rows.size();
                      assertThat(service.predict(rows.get(row)).score("yes"))
                          .isCloseTo(python.get(row)[2], within(1e-6));
                    }
                    return null;
                  }));
        }
        start.countDown();
        for (Future<?> f : done) {
          f.get(2, TimeUnit.MINUTES); // a safety net, not a timing
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void builderChecksItsSettings() {
    assertThatThrownBy(() -> XgboostLoader.builder().poolSize(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("poolSize must be between 1 and 256, was 0");
    assertThatThrownBy(() -> XgboostLoader.builder().poolSize(257))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> XgboostLoader.builder().threadsPerCall(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> XgboostLoader.builder().maxModelBytes(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new XgboostLoader().poolSize())
        .isEqualTo(Math.min(Runtime.getRuntime().availableProcessors(), 256));
    assertThat(XgboostLoader.builder().poolSize(3).build().poolSize()).isEqualTo(3);
  }
}
