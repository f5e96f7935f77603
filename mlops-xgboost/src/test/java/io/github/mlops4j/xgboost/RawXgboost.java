package io.github.mlops4j.xgboost;

import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;

/** XGBoost's own Java answer: {@code Booster.predict} on a {@code DMatrix} of the rows. */
final class RawXgboost {
  private RawXgboost() {}

  static float[][] predict(String file, List<Map<String, Double>> rows) throws Exception {
    Booster booster = XGBoost.loadModel(Fixtures.bytes(file));
    DMatrix m =
        new DMatrix(Fixtures.matrix(rows), rows.size(), Fixtures.FEATURES.size(), Float.NaN);
    try {
      return booster.predict(m);
    } finally {
      m.dispose();
      booster.dispose();
    }
  }
}
