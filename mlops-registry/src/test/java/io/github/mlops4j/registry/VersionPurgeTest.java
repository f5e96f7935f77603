package io.github.mlops4j.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.governance.AuditRecord;
import io.github.mlops4j.governance.PurgeResult;
import io.github.mlops4j.governance.Purger;
import io.github.mlops4j.tracking.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Purging a model version: refused while an alias names it; deletes its rows; its artifact object
 * only when nothing else references it; audited in both trails without values.
 */
class VersionPurgeTest {
  @TempDir Path dir;

  private ModelArtifact artifact(String name, String content) throws Exception {
    return ModelArtifact.file(Files.writeString(dir.resolve(name), content), "bin");
  }

  @Test
  void purge_isRefusedWhileAnAliasNamesTheVersion_thenDeletesRowsAndTheUnsharedObject()
      throws Exception {
    Path ws = dir.resolve("ws");
    try (ModelRegistry registry = ModelRegistry.open(ws).withActor("dpo").withComment("ticket 9")) {
      ModelVersion v1 = registry.register("churn", artifact("v1", "model one"), null);
      ModelVersion v2 = registry.register("churn", artifact("v2", "model two"), null);
      registry.setVersionTag("churn", 1, "owner", "secret tag value");
      registry.recordEvaluation("churn", 1, null, "holdout", v2.digest(), Map.of("auc", 0.7));
      registry.setAlias("churn", "champion", 1);

      assertThatThrownBy(() -> registry.planVersionPurge("churn", 1))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("champion");
      registry.setAlias("churn", "champion", 2);

      VersionPurgePlan plan = registry.planVersionPurge("churn", 1);
      assertThat(plan)
          .isEqualTo(new VersionPurgePlan("churn", 1, v1.digest(), v1.sizeBytes(), 1, 1, false));
      assertThat(registry.getVersion("churn", 1)).isPresent(); // a dry run

      PurgeResult result = registry.purgeVersion(plan);
      assertThat(result.purged()).containsExactly("churn/1");
      assertThat(result.deletedRows()).containsEntry("tags", 1L).containsEntry("evaluations", 1L);
      // the object is younger than the default grace period: queued, not deleted yet
      assertThat(result.deferredObjects()).containsExactly(v1.digest());
      assertThat(registry.getVersion("churn", 1)).isEmpty();
      assertThat(registry.evaluations("churn", 2)).isEmpty();
      assertThat(registry.auditLog("churn"))
          .extracting(AuditEntry::action)
          .contains(AuditAction.VERSION_PURGED);

      try (Purger purger =
          Purger.builder().store(registry.store()).gracePeriod(Duration.ZERO).build()) {
        assertThat(purger.resume().deletedObjects()).containsExactly(v1.digest());
        List<AuditRecord> trail = purger.auditTrail();
        AuditRecord purge =
            trail.stream()
                .filter(a -> a.action().equals("PURGE_MODEL_VERSION"))
                .findFirst()
                .orElseThrow();
        assertThat(purge.subject()).isEqualTo("churn/1");
        assertThat(purge.actor()).isEqualTo("dpo");
        assertThat(purge.reason()).isEqualTo("ticket 9");
        assertThat(trail.toString()).doesNotContain("secret tag value");
      }
      assertThat(registry.store().artifacts().contains(v1.digest())).isFalse();
      registry.store().artifacts().verify(v2.digest());
      assertThatThrownBy(() -> registry.planVersionPurge("churn", 1))
          .isInstanceOf(ModelNotFoundException.class);
    }
  }

  @Test
  void purge_keepsAnObjectThatARunReferences() throws Exception {
    Path ws = dir.resolve("ws");
    try (ModelRegistry registry = ModelRegistry.open(ws)) {
      Path file = Files.writeString(dir.resolve("m"), "shared model");
      String runId;
      try (io.github.mlops4j.tracking.Tracker tracker =
              io.github.mlops4j.tracking.Tracker.builder()
                  .store(registry.store())
                  .captureEnvironment(false)
                  .build();
          Run run = tracker.startRun("train")) {
        run.logArtifact(file, "model.bin");
        runId = run.id();
      }
      ModelVersion v = registry.register("m", ModelArtifact.file(file, "bin"), runId);
      VersionPurgePlan plan = registry.planVersionPurge("m", v.version());
      assertThat(plan.objectShared()).isTrue();
      registry.purgeVersion(plan);
      try (Purger purger =
          Purger.builder().store(registry.store()).gracePeriod(Duration.ZERO).build()) {
        assertThat(purger.resume().deletedObjects()).isEmpty();
      }
      registry.store().artifacts().verify(v.digest());
    }
  }
}
