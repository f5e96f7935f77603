package io.github.mlops4j.governance.internal;

import io.github.mlops4j.store.Store;
import io.github.mlops4j.store.internal.Dialect;
import io.github.mlops4j.store.internal.StoreAccess;
import io.github.mlops4j.tracking.Tracker;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The core's governance tables: the audit trail of purges ({@code governance_audit}) and the
 * objects a purge still has to delete ({@code purge_pending_objects}), plus the reference check
 * that decides whether an artifact object may go.
 */
public final class GovernanceTables {
  /** Schema component of the governance tables. */
  public static final String COMPONENT = "governance";

  /** Schema version of the governance tables. */
  public static final int SCHEMA_VERSION = 2;

  /** Longest subject or reason kept in the audit trail; longer text is cut. */
  static final int MAX_TEXT = 4_000;

  private GovernanceTables() {}

  /**
   * Migrates the governance tables and tracking's (whose references they check; through a tracker,
   * which knows tracking's version).
   */
  public static void migrate(Store store) {
    Tracker.builder().store(store).captureEnvironment(false).build().close();
    StoreAccess.migrate(store, COMPONENT, SCHEMA_VERSION);
  }

  /** Records that {@code digests} may have lost their last reference; idempotent. */
  public static void queue(Connection c, Collection<String> digests, long nowMillis)
      throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO purge_pending_objects (digest, queued_time) VALUES (?, ?)"
                + " ON CONFLICT (digest) DO NOTHING")) {
      for (String d : digests) {
        p.setString(1, d);
        p.setLong(2, nowMillis);
        p.addBatch();
      }
      p.executeBatch();
    }
  }

  /** Appends one audit row; counts are written as {@code key=value} pairs in key order. */
  public static void audit(
      Connection c,
      String action,
      String actor,
      String subject,
      Map<String, Long> counts,
      @Nullable String reason,
      long nowMillis)
      throws SQLException {
    StringJoiner j = new StringJoiner(" ");
    new TreeMap<>(counts).forEach((k, v) -> j.add(k + "=" + v));
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO governance_audit (action, actor, subject, counts, reason, event_time)"
                + " VALUES (?, ?, ?, ?, ?, ?)")) {
      p.setString(1, action);
      p.setString(2, cut(actor));
      p.setString(3, cut(subject));
      p.setString(4, j.toString());
      p.setString(5, reason == null ? null : cut(reason));
      p.setLong(6, nowMillis);
      p.executeUpdate();
    }
  }

  private static String cut(String s) {
    return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT - 1) + "\u2026";
  }

  /** The digests still waiting in {@code purge_pending_objects}, oldest first. */
  public static List<String> pending(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT digest FROM purge_pending_objects ORDER BY queued_time, digest")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  /**
   * Inside a write transaction: takes the locks that keep new references out until the transaction
   * ends (SQLite: the database's write lock; PostgreSQL: SHARE locks on the tables that reference
   * objects), then says whether anything references {@code digest}.
   */
  public static boolean lockAndCheckReferenced(Connection c, Dialect dialect, String digest)
      throws SQLException {
    boolean registry = hasRegistry(c);
    try (Statement s = c.createStatement()) {
      if (dialect == Dialect.POSTGRESQL) {
        s.execute(
            registry
                ? "LOCK TABLE artifacts, model_versions IN SHARE MODE"
                : "LOCK TABLE artifacts IN SHARE MODE");
      } else {
        // The embedded store begins IMMEDIATE; for any other SQLite data source, a write
        // statement takes the database's single write lock now, not at commit.
        s.executeUpdate("UPDATE purge_pending_objects SET queued_time = queued_time WHERE 1 = 0");
      }
    }
    return referenced(c, digest, registry);
  }

  /** Whether a run artifact or (if the registry's tables exist) a model version names it. */
  public static boolean referenced(Connection c, String digest) throws SQLException {
    return referenced(c, digest, hasRegistry(c));
  }

  private static boolean referenced(Connection c, String digest, boolean registry)
      throws SQLException {
    String sql =
        registry
            ? "SELECT 1 FROM artifacts WHERE digest = ? UNION ALL"
                + " SELECT 1 FROM model_versions WHERE digest = ?"
            : "SELECT 1 FROM artifacts WHERE digest = ?";
    try (PreparedStatement p = c.prepareStatement(sql)) {
      p.setString(1, digest);
      if (registry) {
        p.setString(2, digest);
      }
      try (ResultSet rs = p.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** Removes {@code digest} from the pending objects. */
  public static void done(Connection c, String digest) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement("DELETE FROM purge_pending_objects WHERE digest = ?")) {
      p.setString(1, digest);
      p.executeUpdate();
    }
  }

  /** Whether the registry's schema was migrated into this store. */
  static boolean hasRegistry(Connection c) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement("SELECT 1 FROM mlops_schema WHERE component = 'registry'")) {
      try (ResultSet rs = p.executeQuery()) {
        return rs.next();
      }
    }
  }
}
