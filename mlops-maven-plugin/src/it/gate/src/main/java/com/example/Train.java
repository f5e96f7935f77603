package com.example;

import io.github.mlops4j.registry.ModelRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/** Trains a churn model on synthetic rows (10% of labels flipped) and registers it twice. */
public final class Train {
  public static void main(String[] args) throws IOException {
    Path workspace = Path.of(args[0]);
    Path holdout = Path.of(args[1]);
    if (Files.exists(workspace)) {
      try (Stream<Path> files = Files.walk(workspace)) {
        files.sorted(Comparator.reverseOrder()).forEach(Train::delete);
      }
    }
    Random random = new Random(7);
    LabelFactory labels = new LabelFactory();
    MutableDataset<Label> train =
        new MutableDataset<>(new SimpleDataSourceProvenance("synthetic", labels), labels);
    List<String> csv = new ArrayList<>();
    csv.add("tenure,spend,churn");
    for (int i = 0; i < 1200; i++) {
      double tenure = random.nextGaussian();
      double spend = random.nextGaussian();
      boolean churn = tenure + spend < 0 ^ random.nextDouble() < 0.1;
      String label = churn ? "yes" : "no";
      if (i < 800) {
        train.add(
            new ArrayExample<>(
                new Label(label), new String[] {"tenure", "spend"}, new double[] {tenure, spend}));
      } else {
        csv.add(String.format(Locale.ROOT, "%s,%s,%s", tenure, spend, label));
      }
    }
    Files.createDirectories(holdout.getParent());
    Files.write(holdout, csv, StandardCharsets.UTF_8);
    Model<Label> model = new LogisticRegressionTrainer().train(train);
    try (ModelRegistry registry = ModelRegistry.open(workspace)) {
      registry.register("churn", model, null);
      registry.setAlias("churn", "champion", 1);
      registry.register("churn", model, null);
    }
  }

  private static void delete(Path p) {
    try {
      Files.delete(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
