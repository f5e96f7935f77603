package io.github.mlops4j.serving.internal;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.serving.InferenceService;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The batch path is installed by InferenceService alone: no other caller can replace it. */
class BatchAccessTest {
  @Test
  void onlyInferenceServiceInstallsTheBatchPath() throws Exception {
    Class.forName(InferenceService.class.getName()); // initialized: it installed its scorer
    assertThatThrownBy(() -> BatchAccess.install((service, requests) -> List.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Only InferenceService");
  }
}
