package io.github.mlops4j.serving;

import io.github.mlops4j.registry.ModelRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.clustering.ClusterID;
import org.tribuo.clustering.ClusteringFactory;
import org.tribuo.clustering.kmeans.KMeansTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.sgd.linear.LinearSGDTrainer;
import org.tribuo.regression.sgd.objectives.SquaredLoss;

/** Small real Tribuo models trained for the tests, and a real registry in a temp workspace. */
final class TestModels {
  static final String[] X = {"x1", "x2", "x3"};

  private TestModels() {}

  /** A registry in {@code dir} that does not poll (changes made through it are seen at once). */
  static ModelRegistry registry(Path dir) {
    return ModelRegistry.builder().workspace(dir).pollInterval(Duration.ZERO).build();
  }

  /**
   * A logistic regression on three real features. Rule 0: yes iff x1 + x2 > 0; rule 1: yes iff x1 +
   * x2 < 0 (the opposite); rule 2: yes iff x3 > 0.
   */
  static Model<Label> classifier(int rule) {
    return classifier(rule, X);
  }

  /** {@link #classifier(int)} with other feature names. */
  static Model<Label> classifier(int rule, String[] names) {
    LabelFactory factory = new LabelFactory();
    MutableDataset<Label> data =
        new MutableDataset<>(
            new SimpleDataSourceProvenance("synthetic rule " + rule, factory), factory);
    Random random = new Random(42 + rule);
    for (int i = 0; i < 400; i++) {
      double[] x = {random.nextGaussian(), random.nextGaussian(), random.nextGaussian()};
      boolean yes =
          switch (rule) {
            case 0 -> x[0] + x[1] > 0;
            case 1 -> x[0] + x[1] < 0;
            default -> x[2] > 0;
          };
      data.add(new ArrayExample<>(new Label(yes ? "yes" : "no"), names, x));
    }
    return new LogisticRegressionTrainer().train(data);
  }

  /** A logistic regression on x1 and a categorical {@code plan} (gold, silver, bronze). */
  static Model<Label> planClassifier() {
    LabelFactory factory = new LabelFactory();
    MutableDataset<Label> data =
        new MutableDataset<>(new SimpleDataSourceProvenance("synthetic plans", factory), factory);
    Random random = new Random(7);
    String[] plans = {"gold", "silver", "bronze"};
    for (int i = 0; i < 400; i++) {
      double x1 = random.nextGaussian();
      String plan = plans[random.nextInt(3)];
      boolean yes = plan.equals("gold") || x1 > 1;
      data.add(
          new ArrayExample<>(
              new Label(yes ? "yes" : "no"),
              new String[] {"x1", "plan@" + plan},
              new double[] {x1, 1.0}));
    }
    return new LogisticRegressionTrainer().train(data);
  }

  /** A linear regression of y = 2 x1 - x2 + 1. */
  static Model<Regressor> regressor() {
    RegressionFactory factory = new RegressionFactory();
    MutableDataset<Regressor> data =
        new MutableDataset<>(
            new SimpleDataSourceProvenance("synthetic regression", factory), factory);
    Random random = new Random(3);
    for (int i = 0; i < 400; i++) {
      double[] x = {random.nextGaussian(), random.nextGaussian(), random.nextGaussian()};
      data.add(new ArrayExample<>(new Regressor("y", 2 * x[0] - x[1] + 1), X, x));
    }
    return new LinearSGDTrainer(new SquaredLoss(), new AdaGrad(0.1), 20, 1).train(data);
  }

  /** K-means with two well separated clusters around (-5,-5,-5) and (5,5,5). */
  static Model<ClusterID> clusters() {
    ClusteringFactory factory = new ClusteringFactory();
    MutableDataset<ClusterID> data =
        new MutableDataset<>(
            new SimpleDataSourceProvenance("synthetic clusters", factory), factory);
    Random random = new Random(5);
    for (int i = 0; i < 300; i++) {
      double c = i % 2 == 0 ? -5 : 5;
      data.add(
          new ArrayExample<>(
              ClusteringFactory.UNASSIGNED_CLUSTER_ID,
              X,
              new double[] {
                c + random.nextGaussian() * 0.3,
                c + random.nextGaussian() * 0.3,
                c + random.nextGaussian() * 0.3
              }));
    }
    return new KMeansTrainer(
            2,
            20,
            new org.tribuo.math.distance.L2Distance(),
            KMeansTrainer.Initialisation.PLUSPLUS,
            1,
            1)
        .train(data);
  }

  static Map<String, Object> request(double x1, double x2, double x3) {
    Map<String, Object> m = new HashMap<>();
    m.put("x1", x1);
    m.put("x2", x2);
    m.put("x3", x3);
    return m;
  }

  static ArrayExample<Label> example(double x1, double x2, double x3) {
    return new ArrayExample<>(LabelFactory.UNKNOWN_LABEL, X, new double[] {x1, x2, x3});
  }

  /** What {@code model} itself predicts for (x1, x2, x3). */
  static String expected(Model<Label> model, double x1, double x2, double x3) {
    return model.predict(example(x1, x2, x3)).getOutput().getLabel();
  }
}
