package io.github.mlops4j.xgboost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the check reads from the fixtures, and what it refuses before XGBoost sees a byte. */
class XgboostFileCheckTest {
  @ParameterizedTest
  @ValueSource(strings = {"json", "ubj"})
  void readsTheModelsOfPythonXgboost(String ext) {
    XgboostFileCheck.Info c = XgboostFileCheck.check(Fixtures.bytes("classifier." + ext), 1 << 20);
    assertThat(c.encoding().name().toLowerCase(java.util.Locale.ROOT)).isEqualTo(ext);
    assertThat(c.objective()).isEqualTo("binary:logistic");
    assertThat(c.classification()).isTrue();
    assertThat(c.classes()).isEqualTo(2);
    assertThat(c.numFeature()).isEqualTo(5);
    assertThat(c.featureNames()).isEqualTo(Fixtures.FEATURES);
    assertThat(c.booster()).isEqualTo("gbtree");
    assertThat(c.unsupported()).isNull();

    XgboostFileCheck.Info m = XgboostFileCheck.check(Fixtures.bytes("multiclass." + ext), 1 << 20);
    assertThat(m.objective()).isEqualTo("multi:softprob");
    assertThat(m.classes()).isEqualTo(3);

    XgboostFileCheck.Info r = XgboostFileCheck.check(Fixtures.bytes("regressor." + ext), 1 << 20);
    assertThat(r.objective()).isEqualTo("reg:squarederror");
    assertThat(r.classification()).isFalse();
    assertThat(r.numTarget()).isEqualTo(1);
    assertThat(r.unsupported()).isNull();
  }

  @Test
  void modelWithoutNamesHasNone() {
    XgboostFileCheck.Info r =
        XgboostFileCheck.check(Fixtures.bytes("regressor_nonames.json"), 1 << 20);
    assertThat(r.featureNames()).isEmpty();
    assertThat(r.numFeature()).isEqualTo(5);
  }

  @Test
  void refusesCraftedFilesWithShortMessages() {
    for (Map.Entry<String, Map.Entry<byte[], String>> e : XgboostFiles.crafted().entrySet()) {
      byte[] bytes = e.getValue().getKey();
      String fragment = e.getValue().getValue();
      if (List.of("logitraw", "rank").contains(e.getKey())) {
        assertThat(XgboostFileCheck.check(bytes, 1 << 20).unsupported())
            .as(e.getKey())
            .contains(fragment);
        continue;
      }
      assertThatThrownBy(() -> XgboostFileCheck.check(bytes, 1 << 20))
          .as(e.getKey())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(fragment)
          .satisfies(t -> assertThat(t.getMessage()).hasSizeLessThan(400));
    }
  }

  @Test
  void refusesAFileOverTheSizeLimit() {
    byte[] bytes = Fixtures.bytes("classifier.json");
    assertThatThrownBy(() -> XgboostFileCheck.check(bytes, bytes.length - 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("over the limit of " + (bytes.length - 1));
  }
}
