package io.github.mlops4j.xgboost;

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
 * The committed fixtures of {@code fixtures/make_fixtures.py}: XGBoost 1.7.4 models saved as JSON
 * and UBJ, the input rows, and XGBoost's own {@code predict} / {@code predict_proba} on them.
 */
final class Fixtures {
  static final List<String> FEATURES = List.of("tenure", "age", "spend", "visits", "calls");

  /** Columns of the golden files. */
  static final int CLASSIFIER_LABEL = 0;

  static final int CLASSIFIER_P0 = 1;
  static final int MULTICLASS_LABEL = 3;
  static final int MULTICLASS_P0 = 4;
  static final int REGRESSOR = 7;

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

  static byte[] bytes(String name) {
    try {
      return Files.readAllBytes(file(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The rows of rows.csv ({@code missing} false) or missing_rows.csv; an empty cell is absent. */
  static List<Map<String, Double>> rows(boolean missing) {
    List<Map<String, Double>> out = new ArrayList<>();
    for (double[] r : csv(missing ? "missing_rows.csv" : "rows.csv")) {
      Map<String, Double> row = new LinkedHashMap<>();
      for (int i = 0; i < FEATURES.size(); i++) {
        if (!Double.isNaN(r[i])) {
          row.put(FEATURES.get(i), r[i]);
        }
      }
      out.add(row);
    }
    return out;
  }

  /** XGBoost's predictions per row of {@link #rows}: the columns named above. */
  static List<double[]> python(boolean missing) {
    return csv(missing ? "missing_predictions.csv" : "predictions.csv");
  }

  /** The rows as a row-major float array, NaN for a missing value (XGBoost's missing value). */
  static float[] matrix(List<Map<String, Double>> rows) {
    float[] data = new float[rows.size() * FEATURES.size()];
    for (int i = 0; i < rows.size(); i++) {
      for (int j = 0; j < FEATURES.size(); j++) {
        Double v = rows.get(i).get(FEATURES.get(j));
        data[i * FEATURES.size() + j] = v == null ? Float.NaN : v.floatValue();
      }
    }
    return data;
  }

  /** The numeric cells of a fixture CSV, header skipped; an empty cell is NaN. */
  static List<double[]> table(String name) {
    return csv(name);
  }

  private static List<double[]> csv(String name) {
    try {
      List<String> lines = Files.readAllLines(file(name));
      List<double[]> out = new ArrayList<>();
      for (String line : lines.subList(1, lines.size())) {
        String[] parts = line.split(",", -1);
        double[] values = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
          values[i] = parts[i].isEmpty() ? Double.NaN : Double.parseDouble(parts[i]);
        }
        out.add(values);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
