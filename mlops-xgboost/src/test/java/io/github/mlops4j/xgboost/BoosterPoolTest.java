package io.github.mlops4j.xgboost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The pool hands a lone caller the same booster call after call (its model warm in the CPU caches),
 * answers what Python XGBoost answered ({@code predictions.csv}), and refuses calls once closed.
 */
class BoosterPoolTest {
  @Test
  void aLoneCallerKeepsUsingTheBoosterItGaveBack() {
    List<Map<String, Double>> rows = Fixtures.rows(false);
    List<double[]> python = Fixtures.python(false);
    try (BoosterPool pool =
        BoosterPool.open(
            Fixtures.bytes("regressor.ubj"), 3, 1, Fixtures.FEATURES.size(), "gbtree")) {
      assertThat(pool.idleOrder()).containsExactlyInAnyOrder(0, 1, 2);
      int first = pool.idleOrder().get(0);
      for (int i = 0; i < rows.size(); i++) {
        float[][] out =
            pool.predict(Fixtures.matrix(List.of(rows.get(i))), 1, Fixtures.FEATURES.size());
        assertThat((double) out[0][0]).isCloseTo(python.get(i)[Fixtures.REGRESSOR], within(1e-6));
        // last in, first out: the booster just used is the next one taken
        assertThat(pool.idleOrder()).hasSize(3).first().isEqualTo(first);
      }
      pool.close();
      assertThat(pool.idleOrder()).isEmpty();
      assertThatThrownBy(() -> pool.predict(new float[5], 1, 5))
          .isInstanceOf(IllegalStateException.class);
    }
  }
}
