package io.github.mlops4j.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.store.internal.Dialect;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SearchSql#search}: top-level keyed comparisons become joins; on SQLite an equality leads a
 * CROSS JOIN and the candidate runs are read through the covering index {@code runs_search}
 * (tracking schema 3), with or without statistics.
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
            Dialect.POSTGRESQL);
    assertThat(s.from().sql())
        .isEqualTo(
            "runs r JOIN latest_metrics j0 ON j0.run_id = r.run_id AND j0.key = ? AND j0.value > ?"
                + " JOIN params j1 ON j1.run_id = r.run_id AND j1.key = ?"
                + " AND left(j1.value, 200) = ?");
    assertThat(s.from().params()).containsExactly("auc", 0.5, "lr", "0.05");
    assertThat(s.where().sql())
        .doesNotContain("latest_metrics")
        .contains("r.run_id NOT IN (SELECT run_id FROM tags WHERE key = ?)")
        .contains("r.run_id IN (SELECT run_id FROM params WHERE key = ? AND left(value, 200) = ?)");
  }

  @Test
  void onSqlite_theFirstEqualityLeadsACrossJoin_andTheRunsComeLast() {
    SearchSql.Search s =
        SearchSql.search(
            FilterParser.parse(
                "metrics.auc > 0.5 and tags.t != 'a' and params.lr IN ('0.05', '0.1')"
                    + " and params.opt = 'adam'"),
            Dialect.SQLITE);
    assertThat(s.from().sql())
        .isEqualTo(
            "params j2 CROSS JOIN latest_metrics j0 CROSS JOIN tags j1 CROSS JOIN params j3"
                + " CROSS JOIN runs r INDEXED BY runs_search"
                + " ON j2.run_id = r.run_id AND j2.key = ? AND j2.value IN (?, ?)"
                + " AND j0.run_id = r.run_id AND j0.key = ? AND j0.value > ?"
                + " AND j1.run_id = r.run_id AND j1.key = ? AND j1.value <> ?"
                + " AND j3.run_id = r.run_id AND j3.key = ? AND j3.value = ?");
    assertThat(s.from().params())
        .containsExactly("lr", "0.05", "0.1", "auc", 0.5, "t", "a", "opt", "adam");
  }

  @Test
  void onSqlite_withoutAnEquality_thePlannerChoosesTheOrder() {
    SearchSql.Search s =
        SearchSql.search(
            FilterParser.parse("metrics.auc > 0.5 and params.lr LIKE '0.%'"), Dialect.SQLITE);
    assertThat(s.from().sql())
        .isEqualTo(
            "runs r JOIN latest_metrics j0 ON j0.run_id = r.run_id AND j0.key = ? AND j0.value > ?"
                + " JOIN params j1 ON j1.run_id = r.run_id AND j1.key = ? AND j1.value LIKE ?");
    assertThat(SearchSql.search(Filter.MATCH_ALL, Dialect.SQLITE).from().sql()).isEqualTo("runs r");
  }

  @Test
  void atMostSemiJoinsComparisonsBecomeJoins() {
    StringBuilder f = new StringBuilder("params.p0 = 'v'");
    for (int i = 1; i < 10; i++) {
      f.append(" and params.p").append(i).append(" = 'v'");
    }
    for (Dialect dialect : Dialect.values()) {
      SearchSql.Search s = SearchSql.search(FilterParser.parse(f.toString()), dialect);
      assertThat(s.from().sql().split(" JOIN ", -1)).hasSize(SearchSql.SEMI_JOINS + 1);
    }
  }

  @Test
  void sqliteStartsFromTheEqualityAndReadsRunsThroughTheCoveringIndex_withAndWithoutStatistics()
      throws Exception {
    List<List<String>> pages = new ArrayList<>();
    try (Tracker tracker = Tracker.builder().workspace(ws).captureEnvironment(false).build()) {
      for (int i = 0; i < 200; i++) {
        Run run = tracker.startRun("plan");
        run.logParam("lr", i % 4 == 0 ? "0.05" : "0.1");
        run.logMetric("auc", i / 200.0 + 0.25, 0);
      }
      assertThat(tracker.flush(java.time.Duration.ofMinutes(1))).isTrue();
      pages.add(pageIds(tracker));
    }
    assertThat(plan()).first().asString().contains("params_key_value");
    assertThat(plan()).anyMatch(line -> line.contains("COVERING INDEX runs_search"));

    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + ws.resolve("mlops.db"));
        Statement st = c.createStatement()) {
      st.execute("ANALYZE");
    }
    assertThat(plan()).first().asString().contains("params_key_value");
    try (Tracker tracker = Tracker.builder().workspace(ws).captureEnvironment(false).build()) {
      pages.add(pageIds(tracker));
    }
    // i % 4 == 0 and auc > 0.5: i = 52, 56, ..., 196, on 6 pages of at most 7
    assertThat(pages.get(0)).hasSize(37 + 5);
    assertThat(pages.get(1)).isEqualTo(pages.get(0));
  }

  /** Every run id of every page of the query, page by page, with the page tokens between. */
  private static List<String> pageIds(Tracker tracker) {
    List<String> out = new ArrayList<>();
    String token = null;
    do {
      RunPage page =
          tracker.searchRuns(
              RunQuery.builder()
                  .experiments("plan")
                  .filter("metrics.auc > 0.5 and params.lr = '0.05'")
                  .maxResults(7)
                  .pageToken(token)
                  .build());
      page.runs().forEach(r -> out.add(r.runId()));
      token = page.nextPageToken();
      if (token != null) {
        out.add("token " + token);
      }
    } while (token != null);
    return out;
  }

  private List<String> plan() throws Exception {
    SearchSql.Search s =
        SearchSql.search(
            FilterParser.parse("metrics.auc > 0.5 and params.lr = '0.05'"), Dialect.SQLITE);
    String sql =
        "EXPLAIN QUERY PLAN SELECT r.run_id FROM "
            + s.from().sql()
            + " WHERE r.experiment_id IN (?) AND r.lifecycle_stage = 'active' AND ("
            + s.where().sql()
            + ") ORDER BY r.start_time DESC, r.run_id ASC LIMIT 1001";
    List<Object> params = new ArrayList<>(s.from().params());
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
    return plan;
  }
}
