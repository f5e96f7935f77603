package io.github.mlops4j.spring;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelVersion;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * A real churn classifier trained with Tribuo (churns iff tenure is short and spend is low),
 * registered in a workspace as version 1 under the alias {@code champion}.
 */
public final class ChurnFixture {
  public static final String MODEL = "churn";
  private static final String[] FEATURES = {"tenure", "spend"};

  private ChurnFixture() {}

  /** Trains the model on 300 synthetic customers drawn with {@code seed}. */
  public static Model<Label> train(long seed) {
    LabelFactory labels = new LabelFactory();
    MutableDataset<Label> customers =
        new MutableDataset<>(new SimpleDataSourceProvenance("customers", labels), labels);
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < 300; i++) {
      double tenure = random.nextDouble(0, 10);
      double spend = random.nextDouble(0, 10);
      String churned = tenure + spend < 8 ? "churn" : "stay";
      customers.add(new ArrayExample<>(new Label(churned), FEATURES, new double[] {tenure, spend}));
    }
    return new LogisticRegressionTrainer().train(customers);
  }

  /** Registers {@link #train} in the workspace and points {@code champion} at it. */
  public static ModelVersion register(Path workspace) {
    try (ModelRegistry registry = ModelRegistry.open(workspace)) {
      ModelVersion v = registry.register(MODEL, train(11), null);
      registry.setAlias(MODEL, "champion", v.version());
      return v;
    }
  }

  /** What Tribuo itself predicts for a customer: the reference for the served predictions. */
  public static String tribuoPredicts(Model<Label> model, double tenure, double spend) {
    return model
        .predict(new ArrayExample<>(new Label("?"), FEATURES, new double[] {tenure, spend}))
        .getOutput()
        .getLabel();
  }

  /** A request of the served model. */
  public static Map<String, Object> customer(double tenure, double spend) {
    return Map.of("tenure", tenure, "spend", spend);
  }
}
