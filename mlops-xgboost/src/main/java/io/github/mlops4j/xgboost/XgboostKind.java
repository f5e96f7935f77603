package io.github.mlops4j.xgboost;

import org.jspecify.annotations.Nullable;

/** The kinds of XGBoost models served: the signature's output type and Tribuo's output class. */
enum XgboostKind {
  CLASSIFICATION("Label", "org.tribuo.classification.Label"),
  REGRESSION("Regressor", "org.tribuo.regression.Regressor");

  private final String outputType;
  private final String outputClass;

  XgboostKind(String outputType, String outputClass) {
    this.outputType = outputType;
    this.outputClass = outputClass;
  }

  String outputType() {
    return outputType;
  }

  String outputClass() {
    return outputClass;
  }

  static @Nullable XgboostKind of(String outputType) {
    for (XgboostKind k : values()) {
      if (k.outputType.equals(outputType)) {
        return k;
      }
    }
    return null;
  }

  static XgboostKind of(XgboostFileCheck.Info info) {
    return info.classification() ? CLASSIFICATION : REGRESSION;
  }
}
