package io.github.mlops4j.onnx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.ONNXExportable;
import org.tribuo.Output;
import org.tribuo.OutputFactory;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Tribuo models trained on seeded synthetic rows of the fixture features, and their ONNX export
 * ({@link ONNXExportable#saveONNXModel}): a second source of real ONNX files.
 */
final class TribuoTraining {
  private TribuoTraining() {}

  /** 400 seeded rows of the four fixture features (3 decimals), with {@code target}'s output. */
  static <T extends Output<T>> MutableDataset<T> data(
      OutputFactory<T> factory, Function<double[], T> target, long seed) {
    Random random = new Random(seed);
    MutableDataset<T> data =
        new MutableDataset<>(
            new SimpleDataSourceProvenance(
                "synthetic", OffsetDateTime.of(2026, 12, 6, 0, 0, 0, 0, ZoneOffset.UTC), factory),
            factory);
    for (int i = 0; i < 400; i++) {
      double[] x = new double[Fixtures.FEATURES.size()];
      for (int j = 0; j < x.length; j++) {
        x[j] = Math.round(random.nextGaussian() * 1000) / 1000.0;
      }
      data.add(new ArrayExample<>(target.apply(x), Fixtures.FEATURES.toArray(String[]::new), x));
    }
    return data;
  }

  /** A logistic regression on churn labels "no"/"yes" ({@code tenure + 0.5 age - spend > 0}). */
  static Model<Label> logistic(long seed) {
    return new LogisticRegressionTrainer()
        .train(
            data(
                new LabelFactory(),
                x -> new Label(x[0] + 0.5 * x[1] - x[2] > 0 ? "yes" : "no"),
                seed));
  }

  /** Writes Tribuo's ONNX export of {@code model} to {@code file}. */
  static Path export(Model<?> model, Path file) {
    try {
      ((ONNXExportable) model).saveONNXModel("io.github.mlops4j.test", 1, file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** The feature names in the column order of Tribuo's exported input (feature-id order). */
  static List<String> columns(Model<?> model) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < model.getFeatureIDMap().size(); i++) {
      out.add(model.getFeatureIDMap().get(i).getName());
    }
    return out;
  }

  /** The labels in the column order of Tribuo's exported output (output-id order). */
  static List<String> labels(Model<Label> model) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < model.getOutputIDInfo().size(); i++) {
      out.add(model.getOutputIDInfo().getOutput(i).getLabel());
    }
    return out;
  }

  /** The artifact of Tribuo's export of a classifier, bound by its own column and label order. */
  static OnnxArtifact artifact(Model<Label> model, Path file) {
    return OnnxArtifact.of(export(model, file))
        .columns(columns(model).toArray(String[]::new))
        .classification(labels(model).toArray(String[]::new));
  }

  /** Tribuo's own prediction of a request. */
  static <T extends Output<T>> org.tribuo.Prediction<T> predict(
      Model<T> model, T unknown, Map<String, Double> row) {
    ArrayExample<T> e = new ArrayExample<>(unknown);
    row.forEach(e::add);
    return model.predict(e);
  }
}
