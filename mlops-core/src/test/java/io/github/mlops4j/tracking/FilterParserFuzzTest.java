package io.github.mlops4j.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.mlops4j.store.internal.Dialect;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes the run-search language: any text either parses or fails with an {@link
 * InvalidFilterException} (position inside the text, short message); never another exception, an
 * {@code Error} or a hang. What parses must print to text that parses back to the same filter,
 * compile to SQL for both dialects, run on SQLite, and select there what {@link FilterOracle}
 * selects in memory. The same text is also tried as an order-by key.
 *
 * <p>The input is the filter in UTF-8; each malformed sequence (U+FFFD after decoding) becomes an
 * unpaired surrogate so that the fuzzer reaches those too. The seed corpus is in {@code
 * src/test/resources/io/github/mlops4j/tracking/FilterParserFuzzTestInputs/parse/}; {@code
 * JAZZER_FUZZ=1} fuzzes for {@code maxDuration}, see {@code docs/security.md}.
 */
class FilterParserFuzzTest {
  /** Longer than any excerpt, clipped name and fixed text of a message together. */
  private static final int MAX_MESSAGE = 1_000;

  private static Connection sqlite;

  @BeforeAll
  static void createDatabase() throws Exception {
    sqlite = DriverManager.getConnection("jdbc:sqlite::memory:");
    try (Statement s = sqlite.createStatement()) {
      s.execute("PRAGMA case_sensitive_like = ON");
    }
    SearchSqlTest.populate(sqlite, Dialect.SQLITE);
  }

  @AfterAll
  static void closeDatabase() throws SQLException {
    sqlite.close();
  }

  @FuzzTest(maxDuration = "60s")
  @DictionaryEntries({
    " AND ",
    " OR ",
    "NOT ",
    " LIKE ",
    " ILIKE ",
    " IN ",
    " NOT IN ",
    " IS NULL",
    " IS NOT NULL",
    "metrics.",
    "params.",
    "tags.",
    "attributes.",
    "datasets.",
    "run.",
    "attr.",
    "metric.",
    "start_time",
    "end_time",
    "created",
    "run_id",
    "run_name",
    "`Run Name`",
    "status",
    "user_id",
    "lifecycle_stage",
    "parent_run_id",
    "experiment_id",
    "artifact_uri",
    "name",
    "digest",
    "context",
    "auc",
    "loss",
    "`f1 score`",
    "lr",
    "model",
    "env",
    "task",
    "note",
    "mlflow.user",
    " ASC",
    " DESC",
    "'",
    "''",
    "\"",
    "`",
    "(",
    ")",
    ", ",
    "=",
    "!=",
    ">=",
    "<=",
    ">",
    "<",
    "%",
    "_",
    "1e308",
    "-0.5",
    "2000.5",
    "1664067852747",
    "'0.05'",
    "'prod'",
    "'r1'",
    "'GPT%'",
    "'custom'"
  })
  void parse(byte[] input) throws SQLException {
    String text = new String(input, StandardCharsets.UTF_8).replace('\uFFFD', '\uD800');
    filter(text);
    orderBy(text);
  }

  private static void filter(String text) throws SQLException {
    Filter filter;
    try {
      filter = FilterParser.parse(text);
    } catch (InvalidFilterException e) {
      checkError(e, text);
      return;
    }
    String printed = filter.toString();
    Filter reparsed = FilterParser.parse(printed);
    assertThat(reparsed).as("reparsed %s", printed).isEqualTo(filter);
    assertThat(reparsed.toString()).isEqualTo(printed);

    SearchSql.Fragment sql = SearchSql.where(filter, Dialect.SQLITE);
    assertThat(placeholders(sql.sql())).isEqualTo(sql.params().size());
    SearchSql.Fragment pg = SearchSql.where(filter, Dialect.POSTGRESQL);
    assertThat(placeholders(pg.sql())).isEqualTo(pg.params().size());

    List<String> selected = run(sql, SearchSql.orderBy(List.of(), Dialect.SQLITE));
    assertThat(selected).as(text).isEqualTo(FilterOracle.select(filter, SearchSqlTest.RUNS));
  }

  private static void orderBy(String text) throws SQLException {
    OrderBy order;
    try {
      order = OrderBy.parse(text);
    } catch (InvalidFilterException e) {
      checkError(e, text);
      return;
    }
    assertThat(OrderBy.parse(order.toString())).isEqualTo(order);
    SearchSql.Fragment sql = SearchSql.orderBy(List.of(order), Dialect.SQLITE);
    SearchSql.orderBy(List.of(order), Dialect.POSTGRESQL);
    assertThat(run(new SearchSql.Fragment("1=1", List.of()), sql))
        .hasSize(SearchSqlTest.RUNS.size());
  }

  private static void checkError(InvalidFilterException e, String text) {
    assertThat(e.filter()).isEqualTo(text);
    assertThat(e.position()).isBetween(0, text.length());
    assertThat(e.getMessage().length()).isLessThan(MAX_MESSAGE);
  }

  /** {@code ?} outside string literals (the compiled SQL has none inside either). */
  private static int placeholders(String sql) {
    int n = 0;
    for (int i = 0; i < sql.length(); i++) {
      if (sql.charAt(i) == '?') {
        n++;
      }
    }
    return n;
  }

  private static List<String> run(SearchSql.Fragment where, SearchSql.Fragment orderBy)
      throws SQLException {
    return SearchSqlQueries.runIds(sqlite, where, orderBy, "");
  }
}
