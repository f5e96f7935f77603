package io.github.mlops4j.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.github.mlops4j.features.EntityRow;
import io.github.mlops4j.features.FeatureRow;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.features.FeatureView;
import io.github.mlops4j.features.ValueType;
import io.github.mlops4j.governance.ReadAuditEntry.Outcome;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.store.internal.StoreAccess;
import io.github.mlops4j.testing.MutableClock;
import io.github.mlops4j.tracking.Run;
import io.github.mlops4j.tracking.RunNotFoundException;
import io.github.mlops4j.tracking.RunQuery;
import io.github.mlops4j.tracking.Tracker;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDBC read-audit sink on one database: reads of runs, artifacts, online and offline features
 * through real services land in {@code read_audit} with the actor, the ids, the entity count and
 * the outcome, and never a feature value or an entity key. Extended per database.
 */
abstract class ReadAuditSinkContract {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final Duration SAFETY = Duration.ofSeconds(30);

  @TempDir Path temp;

  /** A fresh, empty store with an artifact root under {@code dir}. */
  abstract Store openStore(Path dir);

  @Test
  void runArtifactOnlineAndOfflineReads_areStoredAsIdsAndCounts() throws Exception {
    MutableClock clock = new MutableClock(NOW);
    try (Store store = openStore(temp)) {
      JdbcReadAuditSink sink = ReadAuditSink.jdbc(store);
      String runId;
      try (ReadAudit audit = ReadAudit.builder().sink(sink).clock(clock).build();
          Tracker tracker =
              Tracker.builder()
                  .store(store)
                  .clock(clock)
                  .captureEnvironment(false)
                  .actor(() -> "alice")
                  .readAudit(audit)
                  .build();
          FeatureStore features =
              FeatureStore.builder()
                  .store(store)
                  .clock(clock)
                  .actor(() -> "svc-scoring")
                  .readAudit(audit)
                  .build()) {
        try (Run run = tracker.startRun("churn")) {
          runId = run.id();
          run.logArtifact(Files.writeString(temp.resolve("model.txt"), "weights"));
        }
        features.apply(
            FeatureView.builder("customer_stats")
                .entity("customer_id", ValueType.STRING)
                .feature("avg_spend", ValueType.DOUBLE)
                .build());
        features.write(
            "customer_stats",
            List.of(
                FeatureRow.of(
                    Map.of("customer_id", "cust-secret-1"),
                    NOW.minusSeconds(60),
                    Map.of("avg_spend", 123.456))));
        features.materialize(NOW);
        assertThat(audit.flush(SAFETY)).isTrue();
        assertThat(sink.entries(Instant.EPOCH, NOW.plusSeconds(1), 100)).isEmpty(); // writes only

        clock.advance(Duration.ofSeconds(1));
        assertThat(tracker.findRun(runId)).isPresent();
        tracker.searchRuns(RunQuery.builder().experiments("churn").build());
        try (InputStream in = tracker.openArtifact(runId, "model.txt")) {
          assertThat(in.readAllBytes()).hasSize(7);
        }
        assertThatThrownBy(() -> tracker.inputs("no-such-run"))
            .isInstanceOf(RunNotFoundException.class);
        clock.advance(Duration.ofSeconds(1));
        features.online(
            List.of(Map.of("customer_id", "cust-secret-1"), Map.of("customer_id", "c2")),
            List.of("customer_stats:avg_spend"));
        features.historical(
            List.of(EntityRow.of(Map.of("customer_id", "cust-secret-1"), NOW)),
            List.of("customer_stats:avg_spend"));
        assertThat(audit.flush(SAFETY)).isTrue();
        assertThat(audit.writtenEntries()).isEqualTo(6);
      }
      List<ReadAuditEntry> entries = sink.entries(Instant.EPOCH, NOW.plusSeconds(60), 100);
      assertThat(entries)
          .extracting(
              ReadAuditEntry::time,
              ReadAuditEntry::actor,
              ReadAuditEntry::action,
              ReadAuditEntry::subjects,
              ReadAuditEntry::entityCount,
              ReadAuditEntry::outcome)
          .containsExactly(
              tuple(
                  NOW.plusSeconds(1),
                  "alice",
                  DataAction.RUN_READ,
                  List.of(runId),
                  0,
                  Outcome.SUCCEEDED),
              tuple(
                  NOW.plusSeconds(1),
                  "alice",
                  DataAction.RUN_READ,
                  List.of("churn"),
                  0,
                  Outcome.SUCCEEDED),
              tuple(
                  NOW.plusSeconds(1),
                  "alice",
                  DataAction.ARTIFACT_READ,
                  List.of(runId, "model.txt"),
                  0,
                  Outcome.SUCCEEDED),
              tuple(
                  NOW.plusSeconds(1),
                  "alice",
                  DataAction.RUN_READ,
                  List.of("no-such-run"),
                  0,
                  Outcome.FAILED),
              tuple(
                  NOW.plusSeconds(2),
                  "svc-scoring",
                  DataAction.FEATURE_READ_ONLINE,
                  List.of("customer_stats"),
                  2,
                  Outcome.SUCCEEDED),
              tuple(
                  NOW.plusSeconds(2),
                  "svc-scoring",
                  DataAction.FEATURE_READ_OFFLINE,
                  List.of("customer_stats"),
                  1,
                  Outcome.SUCCEEDED));
      assertThat(sink.entries(NOW.plusSeconds(2), NOW.plusSeconds(3), 1))
          .singleElement()
          .extracting(ReadAuditEntry::action)
          .isEqualTo(DataAction.FEATURE_READ_ONLINE);
      String table =
          StoreAccess.read(
              store,
              c -> {
                StringBuilder all = new StringBuilder();
                try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT * FROM read_audit")) {
                  ResultSetMetaData md = rs.getMetaData();
                  while (rs.next()) {
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                      all.append(rs.getString(i)).append('|');
                    }
                  }
                }
                return all.toString();
              });
      assertThat(table).doesNotContain("cust-secret-1", "123.456", "weights");
    }
  }

  @Test
  void entries_checksItsArguments() {
    try (Store store = openStore(temp)) {
      JdbcReadAuditSink sink = ReadAuditSink.jdbc(store);
      assertThatThrownBy(() -> sink.entries(Instant.EPOCH, NOW, 0))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> sink.entries(Instant.EPOCH, NOW, JdbcReadAuditSink.MAX_ENTRIES + 1))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(sink.entries(Instant.EPOCH, NOW, 1)).isEmpty();
    }
  }
}
