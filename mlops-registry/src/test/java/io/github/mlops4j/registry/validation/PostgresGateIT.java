package io.github.mlops4j.registry.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.registry.EvaluationRecord;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.store.EmbeddedPostgresExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Evaluation records and promotion on a real PostgreSQL server (schema V2 migration). */
class PostgresGateIT {
  @RegisterExtension
  static final EmbeddedPostgresExtension postgres = new EmbeddedPostgresExtension("gates");

  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    ValidationGateTest.train();
  }

  @Test
  void promoteIfPassed_recordsEvaluationsAndMovesTheAlias() throws Exception {
    try (ModelRegistry registry =
        ModelRegistry.builder()
            .dataSource(postgres.fresh())
            .artifactRoot(dir.resolve("artifacts"))
            .pollInterval(Duration.ZERO)
            .build()) {
      registry.register("churn", ValidationGateTest.north, null);
      registry.setAlias("churn", "champion", 1);
      registry.register("churn", ValidationGateTest.all, null);
      GateResult r =
          ValidationGateTest.gate()
              .promoteIfPassed(registry, "churn", 2, "champion", ValidationGateTest.holdout);
      assertThat(r.wasPromoted()).isTrue();
      assertThat(registry.aliases("churn")).containsEntry("champion", 2);
      List<EvaluationRecord> records = registry.evaluations("churn", 2);
      assertThat(records)
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.datasetName()).isEqualTo("holdout-12");
                assertThat(e.metrics()).containsKey("slice/region=south/recall:yes");
                assertThat(e.runId()).isNotNull();
              });
      registry.deleteAlias("churn", "champion");
      registry.deleteModel("churn");
      registry.register("churn", ValidationGateTest.all, null);
      assertThat(registry.evaluations("churn", 1)).isEmpty(); // deleted with the model
    }
  }
}
