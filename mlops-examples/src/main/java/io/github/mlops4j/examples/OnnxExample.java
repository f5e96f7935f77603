package io.github.mlops4j.examples;

import io.github.mlops4j.onnx.OnnxArtifact;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.Prediction;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model trained in Python, served from Java: a scikit-learn logistic regression exported to ONNX
 * (resources {@code io/github/mlops4j/examples/onnx}, made by {@code mlops-onnx}'s {@code
 * make_fixtures.py}) is registered with the columns of its input and the labels of its classes,
 * aliased {@code champion} and served by an {@link InferenceService} like any Tribuo model. Its
 * first answer is compared with the probability scikit-learn itself computed for the same row.
 */
public final class OnnxExample {
  static final String RESOURCES = "/io/github/mlops4j/examples/onnx/";

  private OnnxExample() {}

  /**
   * What the example served.
   *
   * @param version the version that answered
   * @param predictions one per row of {@code rows.csv}, in order
   * @param sklearnLabels scikit-learn's predicted label per row ({@code no} or {@code yes})
   * @param sklearnYes scikit-learn's probability of {@code yes} per row
   */
  public record Result(
      int version,
      List<Prediction> predictions,
      List<String> sklearnLabels,
      List<Double> sklearnYes) {}

  /**
   * Runs the example in {@code [--workspace] DIR} (default {@code target/onnx-workspace}), wiped
   * first.
   */
  public static void main(String[] args) {
    run(Examples.workspace(args, "onnx"), System.out);
  }

  /**
   * Runs the example.
   *
   * @param workspace deleted and recreated
   */
  public static Result run(Path workspace, PrintStream stream) {
    Examples.wipe(workspace);
    Out out = new Out(stream);
    // the file a data scientist hands over: exported from scikit-learn, 4 float columns
    Path churnOnnx = copy("churn.onnx", workspace.resolve("churn.onnx"));
    List<Map<String, Double>> rows = rows();
    List<String[]> sklearn = csv("sklearn_predictions.csv"); // label, p0, p1, value
    sklearn = sklearn.subList(1, sklearn.size()); // the header

    try (ModelRegistry registry = ModelRegistry.open(workspace)) {
      ModelVersion v =
          registry.register(
              "churn",
              OnnxArtifact.of(churnOnnx)
                  .columns("tenure", "age", "spend", "visits") // the columns of "float_input"
                  .classification("no", "yes") // scikit-learn's classes_ 0 and 1
                  .toArtifact()
                  .description("LogisticRegression, scikit-learn 1.2.1, exported to ONNX"),
              null);
      registry.setAlias("churn", "champion", v.version());
      out.heading("Registered");
      out.line(
          "churn v%d (format %s), features %s, labels %s",
          v.version(),
          v.format(),
          v.signature().orElseThrow().inputNames(),
          v.signature().orElseThrow().outputLabels());

      try (InferenceService churn =
          InferenceService.builder().registry(registry).model("churn").alias("champion").build()) {
        out.heading("Served by InferenceService (champion), against scikit-learn's own answers");
        out.line("%-38s %-6s %-8s %-9s %s", "request", "label", "P(yes)", "sklearn", "P(yes)");
        List<Prediction> predictions = new ArrayList<>();
        List<String> sklearnLabels = new ArrayList<>();
        List<Double> sklearnYes = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
          Prediction p = churn.predict(rows.get(i));
          predictions.add(p);
          sklearnLabels.add(sklearn.get(i)[0].equals("1") ? "yes" : "no");
          sklearnYes.add(Double.parseDouble(sklearn.get(i)[2]));
          if (i < 5) {
            out.line(
                "%-38s %-6s %-8s %-9s %s",
                rows.get(i).values(),
                p.output(),
                Out.p(p.score("yes")),
                sklearnLabels.get(i),
                Out.p(sklearnYes.get(i)));
          }
        }
        Prediction first = predictions.get(0);
        out.heading("Row 1, to the last digit");
        out.line(
            "served v%d: %s, P(yes) = %.10f; scikit-learn recorded %s, P(yes) = %.10f;"
                + " difference %.1e (the graph computes in float32)",
            first.version(),
            first.output(),
            first.score("yes"),
            sklearnLabels.get(0),
            sklearnYes.get(0),
            Math.abs(first.score("yes") - sklearnYes.get(0)));
        return new Result(
            first.version(),
            List.copyOf(predictions),
            List.copyOf(sklearnLabels),
            List.copyOf(sklearnYes));
      }
    }
  }

  /** The rows of {@code rows.csv} as request maps (feature name to value). */
  private static List<Map<String, Double>> rows() {
    List<String[]> lines = csv("rows.csv");
    String[] header = lines.get(0);
    List<Map<String, Double>> rows = new ArrayList<>();
    for (String[] line : lines.subList(1, lines.size())) {
      Map<String, Double> row = new LinkedHashMap<>();
      for (int j = 0; j < header.length; j++) {
        row.put(header[j], Double.parseDouble(line[j]));
      }
      rows.add(row);
    }
    return rows;
  }

  /** A small resource CSV of plain numbers, split on commas (header first). */
  private static List<String[]> csv(String name) {
    try (InputStream in = resource(name)) {
      List<String[]> out = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1)) {
        if (!line.isBlank()) {
          out.add(line.trim().split(",", -1));
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path copy(String name, Path target) {
    try (InputStream in = resource(name)) {
      Files.copy(in, target);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream resource(String name) {
    InputStream in = OnnxExample.class.getResourceAsStream(RESOURCES + name);
    if (in == null) {
      throw new IllegalStateException("Resource " + RESOURCES + name + " is missing");
    }
    return in;
  }
}
