package io.github.mlops4j.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.artifacts.ArtifactStore;
import io.github.mlops4j.store.Store;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The purge contract on an embedded SQLite workspace, plus the builder's checks. */
class PurgerTest extends PurgeContract {
  @Override
  Store openStore(ArtifactStore artifacts) {
    return Store.builder().sqliteFile(dir.resolve("mlops.db")).artifactStore(artifacts).build();
  }

  @Override
  Connection connect() throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("mlops.db"));
  }

  @Test
  void builder_checksItsSettings() {
    assertThatThrownBy(() -> Purger.builder().gracePeriod(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gracePeriod");
    // shorter than twice the renewal window (1 min) of duplicate puts: unsafe with writers
    assertThatThrownBy(() -> Purger.builder().gracePeriod(Duration.ofSeconds(90)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gracePeriod")
        .hasMessageContaining("PT2M");
    assertThatThrownBy(() -> Purger.builder().gracePeriod(Duration.ofNanos(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Purger.builder().gracePeriod(Duration.ofMinutes(2))).isNotNull();
    assertThat(Purger.builder().gracePeriod(Duration.ZERO)).isNotNull(); // no concurrent writers
    assertThatThrownBy(() -> Purger.builder().actor(" "))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Purger.builder().build()).isInstanceOf(IllegalStateException.class);
    assertThat(Purger.builder().workspace(dir).build())
        .satisfies(
            p -> {
              assertThat(p.gracePeriod()).isEqualTo(Purger.DEFAULT_GRACE_PERIOD);
              p.close();
            });
  }

  /** The procedure of docs/governance.md, run as written. */
  @Test
  void guideExample() throws Exception {
    openPlain();
    String runId = logRun("guide", "model bytes");
    tracker.deleteRun(runId);
    Path workspace = dir;
    store.close();
    store = null;
    tracker.close();
    tracker = null;
    // tag::purge[]
    try (Purger purger = Purger.builder().workspace(workspace).actor("dpo@example.com").build()) {
      RunPurgePlan plan = purger.planDeletedRuns(); // dry run: nothing changes
      plan.runs().forEach(r -> System.out.println(r.runId() + ": " + r.artifacts() + " artifacts"));
      PurgeResult purged = purger.purge(plan, "ticket GDPR-1234");
      System.out.println("deleted objects: " + purged.deletedObjects());
      System.out.println("kept for the grace period: " + purged.deferredObjects());

      GarbagePlan orphans = purger.planGarbageCollection(); // objects left by crashes
      purger.collectGarbage(orphans);
    }
    // end::purge[]
    try (Purger purger = Purger.builder().workspace(workspace).gracePeriod(Duration.ZERO).build()) {
      assertThat(purger.auditTrail()).extracting(AuditRecord::action).contains("PURGE_RUNS");
      assertThat(purger.resume().deletedObjects()).containsExactly(digestOf("model bytes"));
    }
  }
}
