package io.github.mlops4j.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.store.EmbeddedPostgresExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tracking schema 4 on PostgreSQL: the prefix indexes on param and tag values, the upgrade of a
 * version 3 workspace, and searches on values longer than the indexed prefix.
 */
class PostgresSearchIndexesIT {
  @RegisterExtension
  static final EmbeddedPostgresExtension postgres = new EmbeddedPostgresExtension("searchidx");

  @TempDir Path temp;

  private static final int LONG = 10_000;

  /** Param and tag values up to 10 kB, over MLflow's default limits. */
  private static final TrackingLimits LIMITS = new TrackingLimits(250, 20_000, 20_000, 500);

  private Tracker open(DataSource db) {
    return Tracker.builder()
        .dataSource(db)
        .artifactRoot(temp.resolve("artifacts"))
        .captureEnvironment(false)
        .limits(LIMITS)
        .build();
  }

  /** Values that share the indexed prefix and differ after it, or only in length around it. */
  private static Map<String, String> values() {
    String prefix = "p".repeat(SearchSql.VALUE_PREFIX);
    Map<String, String> v = new TreeMap<>();
    v.put("long-a", "x".repeat(LONG - 1) + "a");
    v.put("long-b", "x".repeat(LONG - 1) + "b");
    v.put("below", prefix.substring(1));
    v.put("at", prefix);
    v.put("above", prefix + "q");
    v.put("short", "0.05");
    v.put("multibyte", "\u00e9\ud83d\ude00".repeat(SearchSql.VALUE_PREFIX));
    return v;
  }

  /** One run per value, named after it, with the value as param {@code v} and tag {@code t}. */
  private static void log(Tracker tracker) {
    for (Map.Entry<String, String> e : values().entrySet()) {
      try (Run run = tracker.newRun("e").name(e.getKey()).start()) {
        run.logParam("v", e.getValue());
        run.setTag("t", e.getValue());
      }
    }
  }

  private static List<String> names(Tracker tracker, String filter) {
    List<String> out = new ArrayList<>();
    for (RunInfo r : tracker.searchRuns("e", filter)) {
      out.add(r.runName());
    }
    out.sort(null);
    return out;
  }

  private static String quoted(String value) {
    return "'" + value + "'";
  }

  @Test
  void longValues_matchExactly_inEveryForm() throws Exception {
    try (Tracker tracker = open(postgres.fresh())) {
      log(tracker);
      for (Map.Entry<String, String> e : values().entrySet()) {
        String value = quoted(e.getValue());
        for (String field : List.of("params.v", "tags.t")) {
          assertThat(names(tracker, field + " = " + value))
              .as(e.getKey())
              .containsExactly(e.getKey());
          assertThat(names(tracker, field + " IN ('none', " + value + ")"))
              .as(e.getKey())
              .containsExactly(e.getKey());
          assertThat(names(tracker, field + " != " + value))
              .as(e.getKey())
              .hasSize(values().size() - 1)
              .doesNotContain(e.getKey());
          assertThat(names(tracker, "NOT " + field + " = " + value))
              .as(e.getKey())
              .hasSize(values().size() - 1);
          // joined with a second top-level comparison: the join form
          assertThat(names(tracker, field + " = " + value + " AND params.v LIKE '%'"))
              .as(e.getKey())
              .containsExactly(e.getKey());
        }
      }
      String longA = values().get("long-a");
      assertThat(names(tracker, "params.v IN (" + quoted(longA) + ", '0.05')"))
          .containsExactly("long-a", "short");
      assertThat(names(tracker, "params.v = " + quoted(longA.substring(0, LONG - 1)))).isEmpty();
      assertThat(names(tracker, "params.v = " + quoted(longA + "a"))).isEmpty();
    }
  }

  @Test
  void aVersion3Workspace_isUpgraded_andSearchesTheSame() throws Exception {
    DataSource db = postgres.fresh();
    try (Tracker tracker = open(db)) {
      log(tracker);
    }
    downgradeToVersion3(db);
    assertThat(indexes(db)).contains("params_key", "tags_key").doesNotContain("params_key_value");

    try (Tracker tracker = open(db)) {
      assertThat(version(db)).isEqualTo(4);
      assertThat(indexes(db))
          .contains("params_key_value", "tags_key_value", "latest_metrics_pkey")
          .doesNotContain("params_key", "tags_key");
      assertThat(definition(db, "latest_metrics_pkey")).contains("INCLUDE (value)");
      for (Map.Entry<String, String> e : values().entrySet()) {
        assertThat(names(tracker, "params.v = " + quoted(e.getValue())))
            .containsExactly(e.getKey());
      }
      // the upgraded workspace takes new runs as before
      try (Run run = tracker.newRun("e").name("after").start()) {
        run.logParam("v", "0.05").logMetric("auc", 0.9, 0);
      }
      assertThat(names(tracker, "params.v = '0.05'")).containsExactly("after", "short");
      assertThat(names(tracker, "metrics.auc > 0.5")).containsExactly("after");
    }
  }

  /** Puts the schema back as tracking-V3.sql left it (what a workspace of 0.1.0 V3 has). */
  private static void downgradeToVersion3(DataSource db) throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP INDEX params_key_value");
      s.execute("CREATE INDEX params_key ON params (key)");
      s.execute("DROP INDEX tags_key_value");
      s.execute("CREATE INDEX tags_key ON tags (key)");
      s.execute(
          "ALTER TABLE latest_metrics DROP CONSTRAINT latest_metrics_pkey,"
              + " ADD CONSTRAINT latest_metrics_pkey PRIMARY KEY (run_id, key)");
      s.execute("UPDATE mlops_schema SET version = 3 WHERE component = 'tracking'");
    }
  }

  private static int version(DataSource db) throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT version FROM mlops_schema WHERE component = 'tracking'")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static List<String> indexes(DataSource db) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
                    + " AND tablename IN ('params', 'tags', 'latest_metrics')")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static String definition(DataSource db, String index) throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()"
                    + " AND indexname = '"
                    + index
                    + "'")) {
      rs.next();
      return rs.getString(1);
    }
  }
}
