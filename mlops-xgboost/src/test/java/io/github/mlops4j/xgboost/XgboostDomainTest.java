package io.github.mlops4j.xgboost;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelVersion;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.RealInfo;
import org.tribuo.regression.Regressor;

/**
 * A loaded XGBoost model's feature domain is a real range over every double, so serving never
 * blames an input value for a failure of the booster (a categorical domain would call every value
 * "never seen in training").
 */
class XgboostDomainTest {
  @TempDir Path dir;

  @Test
  void everyFeatureHasARealDomainSpanningEveryDouble() throws Exception {
    try (ModelRegistry registry =
        ModelRegistry.builder().workspace(dir.resolve("ws")).pollInterval(Duration.ZERO).build()) {
      ModelVersion v =
          registry.register(
              "r",
              XgboostArtifact.of(Fixtures.file("regressor.json")).regression().toArtifact(),
              null);
      Model<Regressor> m = registry.loadTribuo(v, Regressor.class);
      try {
        for (String f : Fixtures.FEATURES) {
          assertThat(m.getFeatureIDMap().get(f))
              .isInstanceOfSatisfying(
                  RealInfo.class,
                  r -> {
                    assertThat(r.getMin()).isEqualTo(-Double.MAX_VALUE);
                    assertThat(r.getMax()).isEqualTo(Double.MAX_VALUE);
                  });
        }
      } finally {
        ((AutoCloseable) m).close();
      }
    }
  }
}
