package io.github.mlops4j.registry;

import java.util.Random;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/** Small real Tribuo models for the tests. */
final class Models {
  static final String[] FEATURES = {"tenure", "spend"};

  private Models() {}

  /** A logistic regression on a synthetic churn rule; different seeds give different models. */
  static Model<Label> churn(long seed) {
    LabelFactory factory = new LabelFactory();
    MutableDataset<Label> data =
        new MutableDataset<>(
            new SimpleDataSourceProvenance("synthetic churn " + seed, factory), factory);
    Random random = new Random(seed);
    for (int i = 0; i < 300; i++) {
      double tenure = random.nextDouble() * 10;
      double spend = random.nextDouble() * 100;
      String label = tenure < 3 && spend < 50 ? "yes" : "no";
      data.add(new ArrayExample<>(new Label(label), FEATURES, new double[] {tenure, spend}));
    }
    LogisticRegressionTrainer trainer = new LogisticRegressionTrainer();
    return trainer.train(data);
  }

  static ArrayExample<Label> example(double tenure, double spend) {
    return new ArrayExample<>(LabelFactory.UNKNOWN_LABEL, FEATURES, new double[] {tenure, spend});
  }
}
