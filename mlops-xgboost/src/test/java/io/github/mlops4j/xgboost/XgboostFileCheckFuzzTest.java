package io.github.mlops4j.xgboost;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the check that reads an XGBoost file (JSON or UBJ) before XGBoost's native code does: any
 * bytes either pass with a model description whose counts are in range, or fail with an {@link
 * IllegalArgumentException} whose message is short; never another exception, an {@code Error} or a
 * hang. The seed corpus (the fixtures, hostile files like those of {@link XgboostFiles}) is in
 * {@code src/test/resources/io/github/mlops4j/xgboost/XgboostFileCheckFuzzTestInputs/check/}.
 */
class XgboostFileCheckFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void check(byte[] bytes) {
    try {
      XgboostFileCheck.Info info = XgboostFileCheck.check(bytes, 1 << 20);
      assertThat(info.numFeature()).isBetween(1, XgboostFileCheck.MAX_FEATURES);
      assertThat(info.featureNames().size()).isIn(0, info.numFeature());
      assertThat(info.numClass()).isBetween(0, XgboostFileCheck.MAX_CLASSES);
      info.unsupported();
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).isNotBlank().hasSizeLessThan(1_000);
    }
  }
}
