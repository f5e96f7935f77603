package io.github.mlops4j.xgboost;

import java.util.ArrayList;
import java.util.List;
import org.tribuo.Example;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.MutableOutputInfo;
import org.tribuo.Prediction;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

/** A regressor: XGBoost's one value per row, as one named dimension. */
final class XgboostRegressor extends XgboostModel<Regressor> {
  private static final long serialVersionUID = 1L;

  private final String dimension;

  XgboostRegressor(
      String name, int version, List<String> columns, String dimension, BoosterPool pool) {
    super(name, version, columns, outputInfo(dimension), false, pool);
    this.dimension = dimension;
  }

  private static ImmutableOutputInfo<Regressor> outputInfo(String dimension) {
    MutableOutputInfo<Regressor> info = new RegressionFactory().generateInfo();
    info.observe(new Regressor(dimension, 0.0));
    return info.generateImmutableOutputInfo();
  }

  @Override
  List<Prediction<Regressor>> decode(float[][] outputs, List<Example<Regressor>> batch) {
    List<Prediction<Regressor>> out = new ArrayList<>(outputs.length);
    for (int i = 0; i < outputs.length; i++) {
      if (outputs[i].length != 1) {
        throw new IllegalStateException(
            "XGBoost answered " + outputs[i].length + " values per row for one target");
      }
      Example<Regressor> example = batch.get(i);
      out.add(new Prediction<>(new Regressor(dimension, outputs[i][0]), example.size(), example));
    }
    return out;
  }
}
