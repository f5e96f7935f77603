package io.github.mlops4j.registry.validation;

import java.util.Map;
import java.util.Random;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Synthetic churn data with a region column: in region "north" churn depends on spend, elsewhere on
 * tenure. Real logistic regressions are trained on it.
 */
final class Data {
  static final String[] FEATURES = {"tenure", "spend"};

  private Data() {}

  /** {@code n} rows; region "north" for about a third of them (as metadata). */
  static MutableDataset<Label> churn(int n, long seed) {
    LabelFactory factory = new LabelFactory();
    MutableDataset<Label> data =
        new MutableDataset<>(new SimpleDataSourceProvenance("churn " + seed, factory), factory);
    Random random = new Random(seed);
    for (int i = 0; i < n; i++) {
      double tenure = random.nextDouble() * 10;
      double spend = random.nextDouble() * 100;
      boolean north = random.nextInt(3) == 0;
      boolean churn = north ? spend < 30 : tenure < 4;
      if (random.nextDouble() < 0.05) {
        churn = !churn;
      }
      data.add(
          new ArrayExample<>(
              new Label(churn ? "yes" : "no"),
              FEATURES,
              new double[] {tenure, spend},
              Map.of("region", north ? "north" : "south")));
    }
    return data;
  }

  /** Only the rows of one region. */
  static MutableDataset<Label> region(MutableDataset<Label> all, String region) {
    LabelFactory factory = new LabelFactory();
    MutableDataset<Label> out =
        new MutableDataset<>(new SimpleDataSourceProvenance("churn " + region, factory), factory);
    all.forEach(
        ex -> {
          if (region.equals(ex.getMetadataValue("region").orElse(""))) {
            out.add(ex);
          }
        });
    return out;
  }

  /** Logistic regression by SGD with the given shuffling seed. */
  static Model<Label> sgd(MutableDataset<Label> train, long seed) {
    return new org.tribuo.classification.sgd.linear.LinearSGDTrainer(
            new org.tribuo.classification.sgd.objectives.LogMulticlass(),
            new org.tribuo.math.optimisers.AdaGrad(1.0, 0.1),
            5,
            1000,
            1,
            seed)
        .train(train);
  }

  static Model<Label> logistic(MutableDataset<Label> train) {
    return new LogisticRegressionTrainer().train(train);
  }
}
