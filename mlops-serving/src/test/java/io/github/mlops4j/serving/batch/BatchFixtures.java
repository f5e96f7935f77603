package io.github.mlops4j.serving.batch;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.InferenceService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/** A real churn model in a real registry workspace, and generated input files. */
final class BatchFixtures implements AutoCloseable {
  static final String[] FEATURES = {"tenure", "spend"};

  final ModelRegistry registry;
  final InferenceService service;

  private BatchFixtures(ModelRegistry registry, InferenceService service) {
    this.registry = registry;
    this.service = service;
  }

  /** Opens the workspace, registering the churn model first if it has no version yet. */
  static BatchFixtures open(Path workspace) {
    return open(workspace, 1);
  }

  /** Opens the workspace with a service pinned to {@code version}, registering up to it. */
  static BatchFixtures open(Path workspace, int version) {
    ModelRegistry registry =
        ModelRegistry.builder().workspace(workspace).pollInterval(Duration.ZERO).build();
    int registered =
        registry.findModel("churn").isPresent() ? registry.versions("churn").size() : 0;
    for (int v = registered + 1; v <= version; v++) {
      registry.register("churn", churnModel(v - 1), null);
    }
    InferenceService service =
        InferenceService.builder().registry(registry).model("churn").version(version).build();
    return new BatchFixtures(registry, service);
  }

  /** A logistic regression: churn when tenure is short and spend is low. */
  static Model<Label> churnModel(long seed) {
    LabelFactory factory = new LabelFactory();
    MutableDataset<Label> data =
        new MutableDataset<>(
            new SimpleDataSourceProvenance("synthetic churn " + seed, factory), factory);
    Random random = new Random(seed);
    for (int i = 0; i < 400; i++) {
      double tenure = random.nextDouble() * 10;
      double spend = random.nextDouble() * 100;
      String label = tenure < 3 + seed && spend < 50 ? "yes" : "no";
      data.add(new ArrayExample<>(new Label(label), FEATURES, new double[] {tenure, spend}));
    }
    return new LogisticRegressionTrainer().train(data);
  }

  /** Values of row {@code i} of a generated input: deterministic, varied. */
  static double tenure(int i) {
    return ((i * 7919L) % 1000) / 100.0;
  }

  static double spend(int i) {
    return ((i * 104729L) % 10000) / 100.0;
  }

  /** A CSV of {@code rows} customers: customer_id, tenure, spend, a note with commas/quotes. */
  static Path csv(Path file, int rows) {
    StringBuilder sb = new StringBuilder("customer_id,tenure,spend,note\n");
    for (int i = 0; i < rows; i++) {
      sb.append("c-")
          .append(i)
          .append(',')
          .append(tenure(i))
          .append(',')
          .append(spend(i))
          .append(',');
      switch (i % 4) {
        case 0 -> sb.append("plain");
        case 1 -> sb.append("\"with, comma\"");
        case 2 -> sb.append("\"two\nlines and \"\"quotes\"\"\"");
        default -> sb.append("");
      }
      sb.append(i % 5 == 0 ? "\r\n" : "\n");
    }
    return write(file, sb.toString());
  }

  static Path write(Path file, String text) {
    try {
      return Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Map<String, Object> request(int i) {
    return Map.of("tenure", tenure(i), "spend", spend(i));
  }

  static List<String> lines(Path file) {
    try {
      return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    service.close();
    registry.close();
  }
}
