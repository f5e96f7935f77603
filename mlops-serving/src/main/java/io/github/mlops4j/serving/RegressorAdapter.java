package io.github.mlops4j.serving;

import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

/** Regression: the first dimension's value as text; every dimension's value as a score. */
final class RegressorAdapter extends OutputAdapter<Regressor> {
  @Override
  Class<Regressor> type() {
    return Regressor.class;
  }

  @Override
  Regressor unknown() {
    return RegressionFactory.UNKNOWN_REGRESSOR;
  }

  @Override
  boolean usable(org.tribuo.@Nullable Prediction<Regressor> p) {
    if (p == null || p.getOutput() == null) {
      return false;
    }
    double[] values = p.getOutput().getValues();
    if (values.length == 0) {
      return false;
    }
    for (double v : values) {
      if (!Double.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  @Override
  String output(org.tribuo.Prediction<Regressor> p) {
    return Double.toString(p.getOutput().getValues()[0]);
  }

  @Override
  Map<String, Double> scores(org.tribuo.Prediction<Regressor> p) {
    Regressor r = p.getOutput();
    String[] names = r.getNames();
    double[] values = r.getValues();
    if (names.length == 1) {
      return Map.of(names[0], values[0]);
    }
    @SuppressWarnings({"unchecked", "rawtypes"})
    Map.Entry<String, Double>[] entries = new Map.Entry[names.length];
    for (int i = 0; i < names.length; i++) {
      entries[i] = Map.entry(names[i], values[i]);
    }
    return Map.ofEntries(entries);
  }
}
