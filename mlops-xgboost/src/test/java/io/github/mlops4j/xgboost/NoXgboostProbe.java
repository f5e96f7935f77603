package io.github.mlops4j.xgboost;

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
 * Run by {@link XgboostRuntimeOptionalTest} in a class loader without xgboost4j: serves a Tribuo
 * model, then tries an XGBoost one. Answers {@code "<tribuo output>|<registration error>|<load
 * error>|<service error>"}.
 */
public final class NoXgboostProbe implements Function<Path, String> {
  @Override
  public String apply(Path workspace) {
    try (ModelRegistry registry =
        ModelRegistry.builder().workspace(workspace).pollInterval(Duration.ZERO).build()) {
      LabelFactory factory = new LabelFactory();
      ListDataSource<Label> data =
          new ListDataSource<>(
              List.of(row("no", -1.0), row("yes", 1.0), row("no", -2.0), row("yes", 2.0)),
              factory,
              new SimpleDataSourceProvenance("probe", factory));
      registry.register(
          "tribuo", new LogisticRegressionTrainer().train(new MutableDataset<>(data)), null);
      String served;
      try (InferenceService service =
          InferenceService.builder().registry(registry).model("tribuo").build()) {
        served = service.predict(Map.of("x", 1.5)).output();
      }
      Path model = Fixtures.file("classifier.json");
      String registering;
      try {
        XgboostArtifact.of(model).classification("no", "yes").toArtifact();
        registering = "registered";
      } catch (XgboostModelException e) {
        registering = e.getMessage();
      }
      ModelSignature signature =
          new ModelSignature(
              Fixtures.FEATURES.stream()
                  .map(f -> new FeatureSpec(f, FeatureSpec.Type.REAL))
                  .toList(),
              "Label",
              List.of("no", "yes"));
      ModelVersion v =
          registry.register(
              "xgb", ModelArtifact.file(model, XgboostLoader.FORMAT).signature(signature), null);
      String loading;
      try {
        registry.loadTribuo(v, Label.class);
        loading = "loaded";
      } catch (XgboostModelException e) {
        loading = e.getMessage();
      }
      String service;
      try (InferenceService s =
          InferenceService.builder().registry(registry).model("xgb").build()) {
        service = "built";
      } catch (RuntimeException e) {
        service = String.valueOf(e.getMessage());
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
          service += " / " + c.getMessage();
        }
      }
      return served + "|" + registering + "|" + loading + "|" + service;
    }
  }

  private static ArrayExample<Label> row(String label, double x) {
    ArrayExample<Label> e = new ArrayExample<>(new Label(label));
    e.add("x", x);
    return e;
  }
}
