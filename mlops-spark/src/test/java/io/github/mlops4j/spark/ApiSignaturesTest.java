package io.github.mlops4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.testing.ApiRules;
import io.github.mlops4j.testing.ApiSignatures;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** No public signature mentions an internal type; builders report missing settings uniformly. */
class ApiSignaturesTest {
  @Test
  void publicSignaturesMentionNoInternalType() {
    ApiSignatures.assertLeaksExactly(MlopsSpark.class, Set.of());
  }

  @Test
  void missingSettingsAreReportedLikeEveryBuilder() throws ReflectiveOperationException {
    assertThat(
            ApiRules.missingSettingsThrowIllegalState(
                MlopsSpark.class, RegistryRef.jdbc("jdbc:sqlite:x.db")))
        .contains("SparkScoring.Builder", "RegistryRef.Builder");
  }
}
