package io.github.mlops4j.onnx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The committed fixtures of {@code fixtures/make_fixtures.py}: ONNX graphs of a scikit-learn 1.2.1
 * LogisticRegression and LinearRegression, the input rows, and scikit-learn's own predictions.
 */
final class Fixtures {
  static final List<String> FEATURES = List.of("tenure", "age", "spend", "visits");

  private Fixtures() {}

  static Path file(String name) {
    URL url = Fixtures.class.getResource("fixtures/" + name);
    if (url == null) {
      throw new IllegalStateException("missing fixture " + name);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The rows of rows.csv, feature name to value. */
  static List<Map<String, Double>> rows() {
    List<Map<String, Double>> out = new ArrayList<>();
    for (double[] r : csv("rows.csv")) {
      Map<String, Double> row = new LinkedHashMap<>();
      for (int i = 0; i < FEATURES.size(); i++) {
        row.put(FEATURES.get(i), r[i]);
      }
      out.add(row);
    }
    return out;
  }

  /** The whole-number features of the counts_*.onnx regressors. */
  static final List<String> COUNTS = List.of("logins", "tickets", "seats", "months");

  /** The rows of counts_rows.csv, in the order of {@link #COUNTS}. */
  static List<double[]> countRows() {
    return csv("counts_rows.csv");
  }

  /** scikit-learn's LinearRegression.predict for each row of counts_rows.csv. */
  static List<double[]> countPredictions() {
    return csv("counts_predictions.csv");
  }

  /** A row as a request: feature name to value. */
  static Map<String, Double> request(List<String> features, double[] row) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (int i = 0; i < features.size(); i++) {
      out.put(features.get(i), row[i]);
    }
    return out;
  }

  /** The rows of rows.csv as arrays, in the order of {@link #FEATURES}. */
  static List<double[]> rowArrays() {
    return csv("rows.csv");
  }

  /** scikit-learn's predictions per row: label, P(class 0), P(class 1), regressor value. */
  static List<double[]> sklearn() {
    return csv("sklearn_predictions.csv");
  }

  private static List<double[]> csv(String name) {
    try {
      List<String> lines = Files.readAllLines(file(name));
      List<double[]> out = new ArrayList<>();
      for (String line : lines.subList(1, lines.size())) {
        String[] parts = line.split(",");
        double[] values = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
          values[i] = Double.parseDouble(parts[i]);
        }
        out.add(values);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
