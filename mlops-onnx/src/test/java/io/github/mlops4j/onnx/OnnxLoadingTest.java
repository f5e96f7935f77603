package io.github.mlops4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.registry.FeatureSpec;
import io.github.mlops4j.registry.ModelArtifact;
import io.github.mlops4j.registry.ModelFormatLoader;
import io.github.mlops4j.registry.ModelIntegrityException;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelSignature;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.PredictionEvent;
import io.github.mlops4j.serving.PredictionListener;
import io.github.mlops4j.serving.ServingEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.classification.Label;
import org.tribuo.impl.ArrayExample;
import org.tribuo.regression.Regressor;

/** Safe loading, session lifecycle and batching of ONNX versions. */
class OnnxLoadingTest {
  @TempDir Path dir;

  private static final ModelSignature CHURN =
      new ModelSignature(
          Fixtures.FEATURES.stream().map(f -> new FeatureSpec(f, FeatureSpec.Type.REAL)).toList(),
          "Label",
          List.of("no", "yes"));

  /** Delegates to an {@link OnnxLoader} and keeps the models it made. */
  private static final class Recording implements ModelFormatLoader {
    final OnnxLoader delegate = OnnxLoader.builder().build();
    final List<OnnxModel<?>> models = new CopyOnWriteArrayList<>();

    @Override
    public String format() {
      return delegate.format();
    }

    @Override
    public <T extends Output<T>> Model<T> load(
        ModelVersion version, byte[] bytes, Class<T> outputType) {
      Model<T> m = delegate.load(version, bytes, outputType);
      models.add((OnnxModel<?>) m);
      return m;
    }
  }

  private ModelRegistry registry(ModelFormatLoader... loaders) {
    ModelRegistry.Builder b =
        ModelRegistry.builder().workspace(dir.resolve("ws")).pollInterval(Duration.ZERO);
    for (ModelFormatLoader l : loaders) {
      b.modelLoader(l);
    }
    return b.build();
  }

  private static ModelArtifact churn(String file) {
    return OnnxArtifact.of(Fixtures.file(file))
        .columns("tenure", "age", "spend", "visits")
        .classification("no", "yes")
        .toArtifact();
  }

  private Path write(String name, byte[] bytes) throws Exception {
    Path f = dir.resolve(name);
    Files.write(f, bytes);
    return f;
  }

  @Test
  void corruptOrTruncatedFilesAreRefusedAtRegistration() throws Exception {
    byte[] good = Files.readAllBytes(Fixtures.file("classifier.onnx"));
    byte[][] bad = {
      new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f},
      java.util.Arrays.copyOf(good, good.length / 2),
      "not a model at all".getBytes(java.nio.charset.StandardCharsets.UTF_8),
      OnnxFiles.model(OnnxFiles.graph(new byte[0])) // well-formed, but no inputs or outputs
    };
    try (ModelRegistry registry = registry()) {
      for (byte[] b : bad) {
        Path f = write("bad.onnx", b);
        assertThatThrownBy(
                () ->
                    registry.register(
                        "churn",
                        OnnxArtifact.of(f)
                            .columns("a", "b")
                            .classification("no", "yes")
                            .toArtifact(),
                        null))
            .isInstanceOf(OnnxModelException.class)
            .hasMessageMatching("(?s).*(cannot be registered|refused before onnxruntime).*");
      }
      assertThat(registry.listModels()).isEmpty();
    }
  }

  @Test
  void hugeDeclaredTensorsAndExternalDataAreRefusedBeforeOnnxruntime() throws Exception {
    OnnxLoader small = OnnxLoader.builder().maxTensorBytes(1 << 20).build();
    Map<String, byte[]> hostile =
        Map.of(
            "initializer of 2^40 floats", OnnxFiles.withInitializer(1L << 40),
            "overflowing dims", OnnxFiles.withInitializer(1L << 40, 1L << 40),
            "constant of 2^20 floats", OnnxFiles.withConstant(1 << 20),
            "negative dim", OnnxFiles.withInitializer(-1));
    for (Map.Entry<String, byte[]> e : hostile.entrySet()) {
      Path f = write("hostile.onnx", e.getValue());
      assertThatThrownBy(
              () -> OnnxArtifact.of(f).checkedWith(small).regression().toArtifact(), e.getKey())
          .isInstanceOf(OnnxModelException.class)
          .hasMessageContaining("refused before onnxruntime")
          .hasMessageContaining("maxTensorBytes");
    }
    Path external = write("external.onnx", OnnxFiles.withExternalData());
    assertThatThrownBy(() -> OnnxArtifact.of(external).regression().toArtifact())
        .isInstanceOf(OnnxModelException.class)
        .hasMessageContaining("external data");
  }

  @Test
  void hostileFileRegisteredAsPlainArtifactIsNeverServed() throws Exception {
    Path f = write("hostile.onnx", OnnxFiles.withInitializer(1L << 40));
    try (ModelRegistry registry = registry()) {
      ModelVersion v =
          registry.register("churn", ModelArtifact.file(f, "onnx").signature(CHURN), null);
      assertThatThrownBy(() -> registry.loadTribuo(v, Label.class))
          .isInstanceOf(OnnxModelException.class)
          .hasMessageContaining("refused before onnxruntime");
      assertThatThrownBy(() -> InferenceService.builder().registry(registry).model("churn").build())
          .hasStackTraceContaining("refused before onnxruntime");
    }
  }

  @Test
  void changedArtifactFailsItsDigestCheckBeforeOnnxruntime() throws Exception {
    Recording loader = new Recording();
    try (ModelRegistry registry = registry(loader)) {
      ModelVersion v = registry.register("churn", churn("classifier.onnx"), null);
      Path stored =
          ((io.github.mlops4j.artifacts.DirectoryArtifactStore) registry.store().artifacts())
              .path(v.digest());
      stored.toFile().setWritable(true);
      Files.write(stored, Files.readAllBytes(Fixtures.file("classifier_zipmap.onnx")));
      assertThatThrownBy(() -> InferenceService.builder().registry(registry).model("churn").build())
          .hasStackTraceContaining("integrity check");
      assertThatThrownBy(() -> registry.loadTribuo(v, Label.class))
          .isInstanceOf(ModelIntegrityException.class);
      assertThat(loader.models).isEmpty();
    }
  }

  @Test
  void outputTypeMismatchIsNamed() {
    try (ModelRegistry registry = registry()) {
      ModelVersion v = registry.register("churn", churn("classifier.onnx"), null);
      assertThatThrownBy(() -> registry.loadTribuo(v, Regressor.class))
          .isInstanceOf(OnnxModelException.class)
          .hasMessageContaining("is a Label model, not Regressor");
    }
  }

  @Test
  void featuresThatDoNotFitTheGraphAreRefused() {
    assertThatThrownBy(
            () ->
                OnnxArtifact.of(Fixtures.file("classifier.onnx"))
                    .columns("a", "b", "c")
                    .classification("no", "yes")
                    .toArtifact())
        .isInstanceOf(OnnxModelException.class)
        .hasMessageContaining("4 columns, but 3 feature names");
    assertThatThrownBy(
            () ->
                OnnxArtifact.of(Fixtures.file("classifier.onnx"))
                    .columns("a", "b", "c", "d")
                    .classification("no", "yes", "maybe")
                    .toArtifact())
        .isInstanceOf(OnnxModelException.class)
        .hasMessageContaining("2 classes, but 3 labels");
  }

  @Test
  void aListOfExamplesIsOneRun() {
    try (ModelRegistry registry = registry()) {
      ModelVersion v = registry.register("churn", churn("classifier.onnx"), null);
      Model<Label> model = registry.loadTribuo(v, Label.class);
      List<Example<Label>> examples = new ArrayList<>();
      for (Map<String, Double> row : Fixtures.rows()) {
        ArrayExample<Label> e = new ArrayExample<>(new Label("?"));
        row.forEach(e::add);
        examples.add(e);
      }
      assertThat(model.predict(examples)).hasSize(examples.size());
      assertThat(((OnnxModel<?>) model).runs()).isEqualTo(1);
      ((OnnxModel<?>) model).close();
    }
  }

  @Test
  void microBatchOfConcurrentCallsIsOneRun() throws Exception {
    Recording loader = new Recording();
    int callers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try (ModelRegistry registry = registry(loader)) {
      registry.register("churn", churn("classifier.onnx"), null);
      try (InferenceService service =
          InferenceService.builder()
              .registry(registry)
              .model("churn")
              // the batch runs when all callers are queued; the delay is only a safety net
              .microBatching(callers, Duration.ofMinutes(1), 64)
              .build()) {
        OnnxModel<?> model = loader.models.get(0);
        long before = model.runs();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> calls = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
          Map<String, Double> row = Fixtures.rows().get(i);
          calls.add(
              pool.submit(
                  () -> {
                    start.await();
                    return service.predict(row, Duration.ofMinutes(2));
                  }));
        }
        start.countDown();
        for (Future<?> c : calls) {
          assertThat(c.get(2, TimeUnit.MINUTES)).isNotNull();
        }
        assertThat(model.runs() - before).isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void retiredVersionClosesItsSession() throws Exception {
    Recording loader = new Recording();
    try (ModelRegistry registry = registry(loader)) {
      for (int i = 0; i < 4; i++) {
        registry.register(
            "churn", churn(i % 2 == 0 ? "classifier.onnx" : "classifier_zipmap.onnx"), null);
      }
      registry.setAlias("churn", "champion", 1);
      CountDownLatch released = new CountDownLatch(1);
      PredictionListener onRelease =
          new PredictionListener() {
            @Override
            public void onPrediction(PredictionEvent event) {}

            @Override
            public void onEvent(ServingEvent event) {
              if (event instanceof ServingEvent.VersionReleased r && r.version() == 1) {
                released.countDown();
              }
            }
          };
      try (InferenceService service =
          InferenceService.builder()
              .registry(registry)
              .model("churn")
              .alias("champion")
              .listener(onRelease)
              .build()) {
        // the service keeps the two versions that served last loaded, for a quick move back
        for (int v = 1; v <= 4; v++) {
          registry.setAlias("churn", "champion", v);
          service.refresh(Duration.ofMinutes(1));
          assertThat(service.predict(Fixtures.rows().get(0)).version()).isEqualTo(v);
        }
        assertThat(released.await(1, TimeUnit.MINUTES)).isTrue(); // a safety net, not a timing
        assertThat(loader.models).hasSize(4);
        assertThat(loader.models.get(0).isClosed()).isTrue();
        assertThat(loader.models.subList(1, 4)).noneMatch(OnnxModel::isClosed);
        @SuppressWarnings("unchecked")
        OnnxModel<Label> first = (OnnxModel<Label>) loader.models.get(0);
        assertThatThrownBy(() -> first.predict(new ArrayExample<>(new Label("?"))))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("closed");
      }
      assertThat(loader.models).allMatch(OnnxModel::isClosed);
    }
  }
}
