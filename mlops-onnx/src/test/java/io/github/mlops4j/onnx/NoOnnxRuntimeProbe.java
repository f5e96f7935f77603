package io.github.mlops4j.onnx;

import io.github.mlops4j.registry.FeatureSpec;
import io.github.mlops4j.registry.ModelArtifact;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelSignature;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.serving.InferenceService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.datasource.ListDataSource;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Run by {@link OnnxRuntimeOptionalTest} in a class loader without onnxruntime: serves a Tribuo
 * model, then tries an ONNX one. Answers {@code "<tribuo output>|<registration error>|<load
 * error>"}.
 */
public final class NoOnnxRuntimeProbe implements Function<Path, String> {
  @Override
  public String apply(Path workspace) {
    try (ModelRegistry registry =
        ModelRegistry.builder().workspace(workspace).pollInterval(Duration.ZERO).build()) {
      LabelFactory labels = new LabelFactory();
      ListDataSource<Label> data =
          new ListDataSource<>(
              List.of(example("no", -1.0), example("yes", 1.0), example("no", -2.0)),
              labels,
              new SimpleDataSourceProvenance("probe", labels));
      registry.register(
          "tribuo", new LogisticRegressionTrainer().train(new MutableDataset<>(data)), null);
      String served;
      try (InferenceService service =
          InferenceService.builder().registry(registry).model("tribuo").build()) {
        served = service.predict(Map.of("x", 1.5)).output();
      }
      Path onnx = Fixtures.file("classifier.onnx");
      String registering;
      try {
        OnnxArtifact.of(onnx).columns("a", "b", "c", "d").classification("no", "yes").toArtifact();
        registering = "registered";
      } catch (OnnxModelException e) {
        registering = e.getMessage();
      }
      ModelSignature signature =
          new ModelSignature(
              List.of(
                  new FeatureSpec("a", FeatureSpec.Type.REAL),
                  new FeatureSpec("b", FeatureSpec.Type.REAL),
                  new FeatureSpec("c", FeatureSpec.Type.REAL),
                  new FeatureSpec("d", FeatureSpec.Type.REAL)),
              "Label",
              List.of("no", "yes"));
      ModelVersion v =
          registry.register(
              "onnx", ModelArtifact.file(onnx, OnnxLoader.FORMAT).signature(signature), null);
      String loading;
      try {
        registry.loadTribuo(v, Label.class);
        loading = "loaded";
      } catch (OnnxModelException e) {
        loading = e.getMessage();
      }
      return served + "|" + registering + "|" + loading;
    }
  }

  private static ArrayExample<Label> example(String label, double x) {
    ArrayExample<Label> e = new ArrayExample<>(new Label(label));
    e.add("x", x);
    return e;
  }
}
