package io.github.mlops4j.governance;

import io.github.mlops4j.governance.internal.GovernanceTables;
import io.github.mlops4j.internal.Checks;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.store.internal.StoreAccess;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The {@link ReadAuditSink} that appends to the table {@code read_audit} of a workspace store
 * (SQLite or PostgreSQL), made by {@link ReadAuditSink#jdbc(Store)}. Each batch is one transaction.
 * The table holds ids and counts only (see {@link ReadAuditEntry}); subjects are stored one per
 * line (they never contain a line break: control characters are escaped).
 *
 * <p>The sink does not close the store.
 *
 * @since 0.1.0
 */
public final class JdbcReadAuditSink implements ReadAuditSink {
  /** Most entries {@link #entries} returns per call. */
  public static final int MAX_ENTRIES = 100_000;

  private final Store store;

  JdbcReadAuditSink(Store store) {
    this.store = Objects.requireNonNull(store, "store");
    StoreAccess.migrate(store, GovernanceTables.COMPONENT, GovernanceTables.SCHEMA_VERSION);
  }

  @Override
  public void write(List<ReadAuditEntry> entries) {
    StoreAccess.write(
        store,
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO read_audit"
                      + " (event_time, actor, action, subjects, entity_count, outcome)"
                      + " VALUES (?, ?, ?, ?, ?, ?)")) {
            for (ReadAuditEntry e : entries) {
              p.setLong(1, e.time().toEpochMilli());
              p.setString(2, e.actor());
              p.setString(3, e.action().name());
              p.setString(4, String.join("\n", e.subjects()));
              p.setInt(5, e.entityCount());
              p.setString(6, e.outcome().name());
              p.addBatch();
            }
            p.executeBatch();
          }
          return null;
        });
  }

  /**
   * The stored entries with {@code from <= time < to}, oldest first (entries of the same
   * millisecond in the order they were stored), at most {@code max}; to read more, call again from
   * the time of the last entry returned and skip the entries already seen of that millisecond, or
   * query the table directly.
   *
   * @param max 1 to {@link #MAX_ENTRIES}
   */
  public List<ReadAuditEntry> entries(Instant from, Instant to, int max) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Checks.inRange(max, 1, MAX_ENTRIES, "max");
    return StoreAccess.read(
        store,
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT event_time, actor, action, subjects, entity_count, outcome"
                      + " FROM read_audit WHERE event_time >= ? AND event_time < ?"
                      + " ORDER BY event_time, seq LIMIT ?")) {
            p.setLong(1, from.toEpochMilli());
            p.setLong(2, to.toEpochMilli());
            p.setInt(3, max);
            List<ReadAuditEntry> out = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
              while (rs.next()) {
                String subjects = rs.getString(4);
                out.add(
                    new ReadAuditEntry(
                        Instant.ofEpochMilli(rs.getLong(1)),
                        rs.getString(2),
                        DataAction.valueOf(rs.getString(3)),
                        subjects.isEmpty() ? List.of() : Arrays.asList(subjects.split("\n", -1)),
                        rs.getInt(5),
                        ReadAuditEntry.Outcome.valueOf(rs.getString(6))));
              }
            }
            return out;
          }
        });
  }

  @Override
  public String toString() {
    return "ReadAuditSink.jdbc(" + StoreAccess.dialect(store) + " table read_audit)";
  }
}
