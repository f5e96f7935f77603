package io.github.mlops4j.governance;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.tracking.Tracker;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The access policy and read audit example of {@code docs/governance.md}, run as written. */
class GovernanceGuideTest {
  @TempDir Path temp;

  @Test
  void accessPolicyAndReadAudit() {
    Path workspace = temp.resolve("ws");
    Set<String> analysts = Set.of("ann");
    ThreadLocal<String> currentUser = ThreadLocal.withInitial(() -> "ann");
    String refusal = null;
    // tag::read-audit[]
    DataAccessPolicy policy =
        op -> {
          if (analysts.contains(op.actor()) && !op.action().isRead()) {
            throw new DataAccessDeniedException(op, "analysts read only");
          }
        };
    try (Store store = Store.open(workspace);
        ReadAudit audit =
            ReadAudit.builder()
                .sink(ReadAuditSink.jdbc(store)) // or ReadAuditSink.logging(), or your own
                .sampleRate(1.0) // every read; 0.01 keeps about 1 in 100 (refusals always)
                .build();
        Tracker tracker =
            Tracker.builder()
                .store(store)
                .accessPolicy(policy)
                .actor(currentUser::get) // who is calling, e.g. from the request
                .readAudit(audit)
                .build();
        FeatureStore features =
            FeatureStore.builder()
                .store(store)
                .accessPolicy(policy)
                .actor(currentUser::get)
                .readAudit(audit)
                .build()) {
      tracker.experiments(); // allowed, and recorded: ann, RUN_READ, SUCCEEDED
      features.views(); // allowed, and recorded: ann, FEATURE_VIEW_READ, SUCCEEDED
      try {
        tracker.startRun("churn"); // refused: nothing is written
      } catch (DataAccessDeniedException e) {
        refusal = e.getMessage(); // Access denied: 'ann' may not RUN_WRITE on 'churn': ...
      }
    }
    // end::read-audit[]
    assertThat(refusal)
        .isEqualTo("Access denied: 'ann' may not RUN_WRITE on 'churn': analysts read only");
    try (Store store = Store.open(workspace)) {
      assertThat(
              ReadAuditSink.jdbc(store).entries(Instant.EPOCH, Instant.now().plusSeconds(60), 10))
          .extracting(ReadAuditEntry::actor, ReadAuditEntry::action)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("ann", DataAction.RUN_READ),
              org.assertj.core.groups.Tuple.tuple("ann", DataAction.FEATURE_VIEW_READ));
      try (Tracker reader = Tracker.builder().store(store).build()) {
        assertThat(reader.experiments()).isEmpty(); // the refused run created no experiment
      }
    }
  }
}
