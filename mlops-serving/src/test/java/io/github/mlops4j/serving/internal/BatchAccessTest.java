package io.github.mlops4j.serving.internal;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.serving.InferenceService;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The batch path is installed by InferenceService alone: no other caller can replace it. */
class BatchAccessTest {
  @Test
  void onlyInferenceServiceInstallsTheBatchPath() throws Exception {
    Class.forName(InferenceService.class.getName()); // initialized: it installed its scorer
    BatchAccess.Scorer other =
        new BatchAccess.Scorer() {
          @Override
          public List<BatchAccess.RowResult> predictEach(
              InferenceService service, List<? extends Map<String, ?>> requests) {
            return List.of();
          }

          @Override
          public BatchAccess.@Nullable DenseResult predictDense(
              InferenceService service, List<DenseRow> rows) {
            return null;
          }
        };
    assertThatThrownBy(() -> BatchAccess.install(other))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Only InferenceService");
  }
}
