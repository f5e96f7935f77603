package io.github.mlops4j.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.store.internal.Dialect;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SearchSql#search}: top-level keyed comparisons become joins, and SQLite reaches the
 * candidate runs through the covering index {@code runs_search} (tracking schema 3).
 */
class SearchJoinsTest {
  @TempDir Path ws;

  @Test
  void topLevelKeyedComparisons_becomeJoins_othersStayInTheWhereClause() {
    SearchSql.Search s =
        SearchSql.search(
            FilterParser.parse(
                "metrics.auc > 0.5 and params.lr = '0.05' and tags.t IS NULL"
                    + " and (params.a = 'x' or params.b = 'y')"),
            Dialect.SQLITE);
    assertThat(s.joins().sql())
        .isEqualTo(
            " JOIN latest_metrics j0 ON j0.run_id = r.run_id AND j0.key = ? AND j0.value > ?"
                + " JOIN params j1 ON j1.run_id = r.run_id AND j1.key = ? AND j1.value = ?");
    assertThat(s.joins().params()).containsExactly("auc", 0.5, "lr", "0.05");
    assertThat(s.where().sql())
        .doesNotContain("latest_metrics")
        .contains("r.run_id NOT IN (SELECT run_id FROM tags WHERE key = ?)")
        .contains("r.run_id IN (SELECT run_id FROM params WHERE key = ? AND value = ?)");
  }

  @Test
  void atMostSemiJoinsComparisonsBecomeJoins() {
    StringBuilder f = new StringBuilder("params.p0 = 'v'");
    for (int i = 1; i < 10; i++) {
      f.append(" and params.p").append(i).append(" = 'v'");
    }
    SearchSql.Search s = SearchSql.search(FilterParser.parse(f.toString()), Dialect.POSTGRESQL);
    assertThat(s.joins().sql().split(" JOIN ", -1)).hasSize(SearchSql.SEMI_JOINS + 1);
  }

  @Test
  void sqliteReadsCandidateRunsThroughTheCoveringIndex() throws Exception {
    try (Tracker tracker = Tracker.builder().workspace(ws).captureEnvironment(false).build()) {
      Run run = tracker.startRun("plan");
      run.logParam("lr", "0.05");
      run.close();
    }
    SearchSql.Search s =
        SearchSql.search(
            FilterParser.parse("metrics.auc > 0.5 and params.lr = '0.05'"), Dialect.SQLITE);
    String sql =
        "EXPLAIN QUERY PLAN SELECT r.run_id FROM runs r"
            + s.joins().sql()
            + " WHERE r.experiment_id IN (?) AND r.lifecycle_stage = 'active' AND ("
            + s.where().sql()
            + ") ORDER BY r.start_time DESC, r.run_id ASC LIMIT 1001";
    List<Object> params = new ArrayList<>(s.joins().params());
    params.add(1L);
    params.addAll(s.where().params());
    List<String> plan = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + ws.resolve("mlops.db"));
        PreparedStatement p = c.prepareStatement(sql)) {
      io.github.mlops4j.store.internal.Sql.bind(p, params.toArray());
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          plan.add(rs.getString("detail"));
        }
      }
    }
    assertThat(plan).anyMatch(line -> line.contains("COVERING INDEX runs_search"));
  }
}
