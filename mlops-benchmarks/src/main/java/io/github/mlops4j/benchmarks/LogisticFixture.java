package io.github.mlops4j.benchmarks;

import java.util.HashMap;
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
 * The logistic-regression workload shared by the serving and validation benchmarks: rows of {@value
 * #FEATURES} standard-normal features {@code f0 .. f19}, labelled {@code yes} when a fixed linear
 * score plus noise is positive, else {@code no}.
 */
final class LogisticFixture {
  static final int FEATURES = 20;

  /** Tribuo's trainers log every 1,000 iterations at INFO; kept here so the level sticks. */
  private static final java.util.logging.Logger TRIBUO_LOG =
      java.util.logging.Logger.getLogger("org.tribuo");

  static final String[] NAMES = new String[FEATURES];
  private static final double[] WEIGHTS = new double[FEATURES];

  static {
    TRIBUO_LOG.setLevel(java.util.logging.Level.WARNING);
    for (int f = 0; f < FEATURES; f++) {
      NAMES[f] = "f" + f;
      WEIGHTS[f] = (f % 4 == 0 ? 1.0 : 0.25) * (f % 2 == 0 ? 1 : -1);
    }
  }

  private LogisticFixture() {}

  /** The next row's {@value #FEATURES} values from {@code random}, rounded to 4 decimals. */
  static double[] row(SplittableRandom random) {
    double[] x = new double[FEATURES];
    for (int f = 0; f < FEATURES; f++) {
      x[f] = Math.round(nextGaussian(random) * 10_000) / 10_000.0;
    }
    return x;
  }

  /** The label of {@code x} with noise drawn from {@code random}. */
  static String label(double[] x, SplittableRandom random) {
    double s = 0;
    for (int f = 0; f < FEATURES; f++) {
      s += WEIGHTS[f] * x[f];
    }
    return s + 0.5 * nextGaussian(random) > 0 ? "yes" : "no";
  }

  /** A labelled example of {@code x}. */
  static ArrayExample<Label> example(double[] x, String label) {
    return new ArrayExample<>(new Label(label), NAMES, x);
  }

  /** An unlabelled example of {@code x}, as a caller would build it for prediction. */
  static ArrayExample<Label> unlabelled(double[] x) {
    return new ArrayExample<>(LabelFactory.UNKNOWN_LABEL, NAMES, x);
  }

  /** The request map of {@code x}: feature name to boxed value, as a service caller sends it. */
  static Map<String, Object> request(double[] x) {
    Map<String, Object> m = new HashMap<>();
    for (int f = 0; f < FEATURES; f++) {
      m.put(NAMES[f], x[f]);
    }
    return m;
  }

  /** A labelled data set of {@code rows} rows from the stream seeded {@code seed}. */
  static MutableDataset<Label> dataset(int rows, long seed) {
    LabelFactory factory = new LabelFactory();
    MutableDataset<Label> data =
        new MutableDataset<>(new SimpleDataSourceProvenance("bench", factory), factory);
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < rows; i++) {
      double[] x = row(random);
      data.add(example(x, label(x, random)));
    }
    return data;
  }

  /** A logistic regression trained on {@code rows} rows seeded {@code seed}. */
  static Model<Label> train(int rows, long seed) {
    return new LogisticRegressionTrainer().train(dataset(rows, seed));
  }

  /** A standard normal draw (Box-Muller, one value per call). */
  static double nextGaussian(SplittableRandom random) {
    double u = 1.0 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
