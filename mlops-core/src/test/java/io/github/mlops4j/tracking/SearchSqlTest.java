package io.github.mlops4j.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.github.mlops4j.store.internal.Dialect;
import io.github.mlops4j.tracking.Filter.Comparison;
import io.github.mlops4j.tracking.Filter.Field;
import io.github.mlops4j.tracking.Filter.NumberValue;
import io.github.mlops4j.tracking.Filter.Op;
import io.github.mlops4j.tracking.Filter.StringList;
import io.github.mlops4j.tracking.Filter.StringValue;
import io.github.mlops4j.tracking.FilterOracle.Input;
import io.github.mlops4j.tracking.FilterOracle.RunRow;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Runs compiled filters and orders against a real SQLite file built from the tracking migration.
 *
 * <pre>
 * run  exp name     parent user  status    start end   params                     tags                                        metrics                    inputs (name/digest/context)
 * r1   1   alpha    -      alice FINISHED  1000  2000  lr=0.05 model=GPT-4        mlflow.user=alice env=prod task=Classification auc=0.9 loss=0.2      custom/d1/train holdout/d2/test
 * r2   1   beta     r1     bob   FAILED    2000  2500  lr=0.01 model=gpt-3        env=dev task=classification mlflow.runName=legacy auc=0.7 loss=NaN  custom/d1/train
 * r3   1   Gamma    r1     alice RUNNING   3000  -     lr=0.05 model=GPT-3.5      env=prod                                    auc=NaN                    Custom/d3/eval
 * r4   2   delta    -      carol KILLED    3000  3100  -                          -                                           auc=0.95 loss=0.1          -
 * r5   2   alpha-2  -      bob   FINISHED  500   900   lr=0.1 "learning rate"=high task=regression note=it's 100%        loss=0.5 "f1 score"=0.4    -
 * </pre>
 *
 * MLflow's default order (start_time DESC, run_id ASC) is r3, r4, r2, r1, r5. The tag {@code
 * mlflow.runName} is the run name; r2's stored row under that key (as an older version could write)
 * is shadowed by it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SearchSqlTest {
  private Connection db;

  /** The database under test; {@link SearchSqlPostgresIT} runs the same cases on PostgreSQL. */
  Connection open(Path dir) throws Exception {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("mlops.db"));
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA case_sensitive_like = ON");
    }
    return c;
  }

  Dialect dialect() {
    return Dialect.SQLITE;
  }

  @BeforeAll
  void createDatabase(@TempDir Path dir) throws Exception {
    db = open(dir);
    populate(db, dialect());
  }

  /** Creates the tracking schema in {@code db} and stores {@link #RUNS} in it. */
  static void populate(Connection db, Dialect dialect) throws IOException, SQLException {
    try (Statement s = db.createStatement()) {
      for (int version = 1; version <= TrackingDao.SCHEMA_VERSION; version++) {
        for (String statement : migration(dialect, version).split("(?m)^;\\s*$")) {
          // as the migrator does: a part holding only comments is no statement
          if (!statement.replaceAll("(?m)^\\s*--.*$", "").isBlank()) {
            s.execute(statement);
          }
        }
      }
      s.execute("INSERT INTO experiments (experiment_id, name, creation_time) VALUES (1, 'a', 0)");
      s.execute("INSERT INTO experiments (experiment_id, name, creation_time) VALUES (2, 'b', 0)");
    }
    for (RunRow r : RUNS) {
      run(
          db,
          r.id(),
          r.experiment(),
          r.name(),
          r.parent(),
          r.user(),
          r.status(),
          r.start(),
          r.end(),
          r.stage());
      for (Map.Entry<String, String> e : r.params().entrySet()) {
        keyValue(db, "params", r.id(), e.getKey(), e.getValue());
      }
      for (Map.Entry<String, String> e : r.tags().entrySet()) {
        keyValue(db, "tags", r.id(), e.getKey(), e.getValue());
      }
      for (Map.Entry<String, Double> e : r.metrics().entrySet()) {
        metric(db, r.id(), e.getKey(), e.getValue());
      }
      for (Input in : r.inputs()) {
        input(db, r.id(), in.digest(), in.name(), in.context());
      }
    }
  }

  /** The table above; {@link FilterOracle} evaluates filters over the same runs in memory. */
  static final List<RunRow> RUNS =
      List.of(
          new RunRow(
              "r1",
              1,
              "alpha",
              null,
              "alice",
              "FINISHED",
              1000,
              2000L,
              "active",
              Map.of("lr", "0.05", "model", "GPT-4"),
              Map.of("mlflow.user", "alice", "env", "prod", "task", "Classification"),
              Map.of("auc", 0.9, "loss", 0.2),
              List.of(new Input("d1", "custom", "train"), new Input("d2", "holdout", "test"))),
          new RunRow(
              "r2",
              1,
              "beta",
              "r1",
              "bob",
              "FAILED",
              2000,
              2500L,
              "active",
              Map.of("lr", "0.01", "model", "gpt-3"),
              Map.of("env", "dev", "task", "classification", "mlflow.runName", "legacy"),
              Map.of("auc", 0.7, "loss", Double.NaN),
              List.of(new Input("d1", "custom", "train"))),
          new RunRow(
              "r3",
              1,
              "Gamma",
              "r1",
              "alice",
              "RUNNING",
              3000,
              null,
              "active",
              Map.of("lr", "0.05", "model", "GPT-3.5"),
              Map.of("env", "prod"),
              Map.of("auc", Double.NaN),
              List.of(new Input("d3", "Custom", "eval"))),
          new RunRow(
              "r4",
              2,
              "delta",
              null,
              "carol",
              "KILLED",
              3000,
              3100L,
              "deleted",
              Map.of(),
              Map.of(),
              Map.of("auc", 0.95, "loss", 0.1),
              List.of()),
          new RunRow(
              "r5",
              2,
              "alpha-2",
              null,
              "bob",
              "FINISHED",
              500,
              900L,
              "active",
              Map.of("lr", "0.1", "learning rate", "high"),
              Map.of("task", "regression", "note", "it's 100%"),
              Map.of("loss", 0.5, "f1 score", 0.4),
              List.of()));

  @AfterAll
  void close() throws Exception {
    db.close();
  }

  // ------------------------------------------------------------------ filters

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      value = {
        "~~                                                   | r3 r4 r2 r1 r5",
        // metrics: every numeric operator; NaN (stored as NULL) never matches
        "metrics.auc > 0.8                                    | r4 r1",
        "metrics.auc >= 0.9                                   | r4 r1",
        "metrics.auc < 0.9                                    | r2",
        "metrics.auc <= 0.9                                   | r2 r1",
        "metrics.auc = 0.95                                   | r4",
        "metrics.auc != 0.9                                   | r4 r2",
        "NOT metrics.auc = 0.9                                | r3 r4 r2 r5",
        "metrics.loss < 100                                   | r4 r1 r5",
        "metrics.loss != 0.2                                  | r4 r5",
        "metrics.`f1 score` >= 0.4                            | r5",
        "metrics.auc >= 0.7 AND metrics.auc <= 0.9            | r2 r1",
        // params: a comparison needs the key; NOT does not
        "params.lr = '0.05'                                   | r3 r1",
        "params.lr != '0.05'                                  | r2 r5",
        "NOT params.lr = '0.05'                               | r4 r2 r5",
        "params.lr IN ('0.01', '0.1')                         | r2 r5",
        "params.lr NOT IN ('0.01')                            | r3 r1 r5",
        "params.lr IS NULL                                    | r4",
        "params.lr IS NOT NULL                                | r3 r2 r1 r5",
        "params.`learning rate` = 'high'                      | r5",
        "params.nope != 'x'                                   | ''",
        // LIKE is case-sensitive, ILIKE is not; _ is one character
        "params.model LIKE 'GPT%'                             | r3 r1",
        "params.model LIKE 'gpt%'                             | r2",
        "params.model ILIKE 'gpt%'                            | r3 r2 r1",
        "params.model LIKE 'GPT-_'                            | r1",
        "params.model = 'gpt-4'                               | ''",
        // tags
        "tags.env = 'prod'                                    | r3 r1",
        "tags.env != 'prod'                                   | r2",
        "tags.task = 'Classification'                         | r1",
        "tags.task LIKE 'classif%'                            | r2",
        "tags.task ILIKE 'CLASSIF%'                           | r2 r1",
        "tags.mlflow.user = 'alice'                           | r1",
        "tags.note = 'it''s 100%'                             | r5",
        "tags.note LIKE '%100_'                               | r5",
        "tags.env IN ('dev', 'qa')                            | r2",
        "tags.env NOT IN ('dev')                              | r3 r1",
        "tags.env IS NULL                                     | r4 r5",
        "tags.env IS NOT NULL                                 | r3 r2 r1",
        // string attributes
        "attributes.status = 'FINISHED'                       | r1 r5",
        "status != 'FINISHED'                                 | r3 r4 r2",
        "attributes.run_name LIKE 'alpha%'                    | r1 r5",
        "attributes.run_name LIKE 'gamma'                     | ''",
        "attributes.`Run Name` ILIKE 'GAMMA'                  | r3",
        "attributes.run_id IN ('r1', 'r2')                    | r2 r1",
        "attributes.run_id NOT IN ('r1', 'r2')                | r3 r4 r5",
        "attributes.user_id = 'alice'                         | r3 r1",
        "attributes.lifecycle_stage = 'deleted'               | r4",
        "attributes.experiment_id = '2'                       | r4 r5",
        "attributes.experiment_id IN ('1')                    | r3 r2 r1",
        "attributes.experiment_id LIKE '2'                    | r4 r5",
        "attributes.experiment_id = '02'                      | ''",
        // the artifact location, derived from the experiment and run ids
        "attributes.artifact_uri = 'mlflow-artifacts:/1/r1/artifacts' | r1",
        "attr.artifact_uri != 'mlflow-artifacts:/1/r1/artifacts' | r3 r4 r2 r5",
        "attributes.artifact_uri LIKE 'mlflow-artifacts:/2/%' | r4 r5",
        "attributes.artifact_uri LIKE '%R1%'                  | ''",
        "attributes.artifact_uri ILIKE '%R1%'                 | r1",
        "attributes.artifact_uri IN ('mlflow-artifacts:/2/r5/artifacts') | r5",
        // the tag mlflow.runName is the run name; r2's stored row is shadowed
        "tags.mlflow.runName = 'alpha'                        | r1",
        "tags.`mlflow.runName` LIKE 'alpha%'                  | r1 r5",
        "tags.\"mlflow.runName\" ILIKE 'GAMMA'                | r3",
        "tags.mlflow.runName = 'legacy'                       | ''",
        "tags.mlflow.runName != 'beta'                        | r3 r4 r1 r5",
        "tags.mlflow.runName IN ('beta', 'delta')             | r4 r2",
        "tags.mlflow.runName IS NULL                          | ''",
        "tags.mlflow.runName IS NOT NULL                      | r3 r4 r2 r1 r5",
        "NOT tags.mlflow.runName IS NULL                      | r3 r4 r2 r1 r5",
        // nullable string attribute: a comparison needs a value, NOT does not
        "attributes.parent_run_id = 'r1'                      | r3 r2",
        "attributes.parent_run_id != 'r1'                     | ''",
        "NOT attributes.parent_run_id = 'r1'                  | r4 r1 r5",
        "attributes.parent_run_id NOT IN ('x')                | r3 r2",
        // numeric attributes, including the created alias and the nullable end_time
        "attributes.created > 1500                            | r3 r4 r2",
        "attributes.start_time = 3000                         | r3 r4",
        "attributes.start_time >= 2000.5                      | r3 r4",
        "attributes.start_time <= 1000                        | r1 r5",
        "attributes.end_time < 2600                           | r2 r1 r5",
        "NOT attributes.end_time < 2600                       | r3 r4",
        "attributes.end_time != 2000                          | r4 r2 r5",
        "attributes.end_time > 0                              | r4 r2 r1 r5",
        // datasets: any input matches, each condition on its own
        "datasets.name = 'custom'                             | r2 r1",
        "datasets.name LIKE 'Custom'                          | r3",
        "datasets.name ILIKE 'custom'                         | r3 r2 r1",
        "datasets.name != 'custom'                            | r3 r1",
        "datasets.context IN ('test', 'eval')                 | r3 r1",
        "datasets.digest NOT IN ('d1')                        | r3 r1",
        "datasets.digest = 'd1'                               | r2 r1",
        "datasets.name = 'custom' AND datasets.context = 'test' | r1",
        "NOT datasets.name = 'custom'                         | r3 r4 r5",
        // OR, NOT, parentheses, precedence
        "params.lr = '0.01' OR tags.env = 'prod'              | r3 r2 r1",
        "metrics.auc > 0.8 OR params.lr = '0.1' AND tags.task = 'regression' | r4 r1 r5",
        "(metrics.auc > 0.8 OR params.lr = '0.1') AND attributes.status = 'FINISHED' | r1 r5",
        "NOT (tags.env = 'prod' OR tags.env = 'dev')          | r4 r5",
        "NOT NOT tags.env = 'dev'                             | r2",
        "NOT metrics.auc > 0.8 AND NOT metrics.loss > 0.3     | r3 r2",
      })
  void selectsTheExpectedRuns(String filter, String expected) throws SQLException {
    assertThat(select(filter, List.of())).isEqualTo(ids(expected));
    assertThat(FilterOracle.select(FilterParser.parse(filter), RUNS)).isEqualTo(ids(expected));
  }

  // ------------------------------------------------------------------ size and depth limits

  /** The longest OR chain the parser accepts; SQLite refused 999 terms when it was a chain. */
  @Test
  void largestAllowedOrChainRunsAndSelectsTheRightRuns() throws SQLException {
    int n = RunQuery.MAX_FILTER_COMPARISONS;
    List<String> terms = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      terms.add("params.lr = 'v" + i + "'");
    }
    terms.set(n / 3, "tags.env = 'dev'");
    terms.set(n - 1, "metrics.auc = 0.95");
    String filter = String.join(" OR ", terms);
    assertThat(select(filter, List.of())).containsExactly("r4", "r2");
    assertThat(SearchSql.depth(FilterParser.parse(filter), dialect()))
        .isLessThanOrEqualTo(SearchSql.COMPARISON_DEPTH + 12);
  }

  @Test
  void largestAllowedAndChainRunsAndSelectsTheRightRuns() throws SQLException {
    int n = RunQuery.MAX_FILTER_COMPARISONS;
    List<String> terms = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      terms.add(i % 2 == 0 ? "params.lr != 'v" + i + "'" : "NOT tags.env = 'x" + i + "'");
    }
    terms.set(n / 2, "tags.env = 'prod'");
    String filter = String.join(" AND ", terms);
    assertThat(select(filter, List.of())).containsExactly("r3", "r1");
  }

  /** Nesting at the limit, each level a NOT and a parenthesis with an OR and an AND inside. */
  @Test
  void deepestAllowedNestingRunsAndMatchesTheOracle() throws SQLException {
    Random random = new Random(42);
    for (int round = 0; round < 3; round++) {
      String filter = nested(random, RunQuery.MAX_FILTER_DEPTH, RunQuery.MAX_FILTER_COMPARISONS);
      Filter parsed = FilterParser.parse(filter);
      assertThat(SearchSql.depth(parsed, dialect())).isLessThan(SearchSql.MAX_DEPTH / 2);
      assertThat(select(filter, List.of())).isEqualTo(FilterOracle.select(parsed, RUNS));
    }
  }

  /**
   * The worst shape for the depth of the SQL: every level of parentheses holds an OR whose last
   * child is an AND whose last child opens the next level, with the comparisons spread evenly.
   */
  @Test
  void worstShapeWithinTheLimitsRunsAndMatchesTheOracle() throws SQLException {
    int levels = RunQuery.MAX_FILTER_DEPTH;
    int perGroup = RunQuery.MAX_FILTER_COMPARISONS / (2 * levels + 2);
    Random random = new Random(7);
    StringBuilder sb = new StringBuilder();
    int comparisons = 0;
    for (int level = 0; level <= levels; level++) {
      for (String op : List.of(" OR ", " AND ")) {
        for (int i = 0; i < perGroup - 1; i++) {
          sb.append(randomComparison(random)).append(op);
          comparisons++;
        }
      }
      if (level < levels) {
        sb.append('(');
      }
    }
    sb.append(randomComparison(random)).append(")".repeat(levels));
    assertThat(comparisons).isLessThan(RunQuery.MAX_FILTER_COMPARISONS);
    Filter parsed = FilterParser.parse(sb.toString());
    int depth = SearchSql.depth(parsed, dialect());
    assertThat(depth).isBetween(2 * levels, SearchSql.MAX_DEPTH / 2);
    assertThat(select(sb.toString(), List.of())).isEqualTo(FilterOracle.select(parsed, RUNS));
  }

  @Test
  void groupsCompileToBalancedTreesInOrder() {
    SearchSql.Fragment f =
        SearchSql.where(
            FilterParser.parse(
                "status = 'a' OR status = 'b' OR status = 'c' OR status = 'd'"
                    + " OR status = 'e'"),
            Dialect.SQLITE);
    // the shallowest two first: a with b, c with d, then e with (a OR b), then the two pairs
    assertThat(f.sql())
        .isEqualTo(
            "(((r.status = ? OR r.status = ?) OR r.status = ?)"
                + " OR (r.status = ? OR r.status = ?))");
    assertThat(f.params()).containsExactly("a", "b", "e", "c", "d");
  }

  /**
   * PostgreSQL plans each top-level ANDed {@code IN (SELECT ...)} as a semi-join, in time that
   * explodes with their number; beyond the first few they are written as {@code IS TRUE} tests.
   */
  @Test
  void postgresqlPlansOnlyTheFirstConjunctSubqueriesAsSemiJoins() {
    String filter =
        "params.a = '1' AND tags.b IS NOT NULL AND datasets.name = 'x'"
            + " AND metrics.m > 0 AND params.e = '5' AND status = 'FINISHED' AND tags.f IS NULL"
            + " AND (params.g = '7' OR params.h = '8') AND NOT params.i = '9'";
    String pg = SearchSql.where(FilterParser.parse(filter), Dialect.POSTGRESQL).sql();
    // five subqueries ANDed at the top: params.a, tags.b, datasets.name, metrics.m, params.e
    assertThat(pg.split(" IS TRUE", -1)).hasSize(2);
    assertThat(pg)
        .contains(
            "(r.run_id IN (SELECT run_id FROM params WHERE key = ? AND left(value, 200) = ?))"
                + " IS TRUE");
    SearchSql.Fragment fragment = SearchSql.where(FilterParser.parse(filter), Dialect.POSTGRESQL);
    int wrapped = pg.substring(0, pg.indexOf(" IS TRUE")).split("\\?", -1).length - 1;
    assertThat(fragment.params().subList(wrapped - 2, wrapped)).containsExactly("e", "5");
    assertThat(pg).contains("r.run_id NOT IN (SELECT run_id FROM tags WHERE key = ?)");
    assertThat(pg)
        .contains(
            "(r.run_id IN (SELECT run_id FROM params WHERE key = ? AND left(value, 200) = ?)"
                + " OR r.run_id IN (SELECT run_id FROM params WHERE key = ?"
                + " AND left(value, 200) = ?))");
    assertThat(pg)
        .contains(
            "NOT (r.run_id IN (SELECT run_id FROM params WHERE key = ?"
                + " AND left(value, 200) = ?))");
    assertThat(SearchSql.where(FilterParser.parse(filter), Dialect.SQLITE).sql())
        .doesNotContain("IS TRUE");
  }

  @Test
  void longestAllowedInListsRun() throws SQLException {
    int n = RunQuery.MAX_FILTER_LIST_VALUES;
    List<String> values = new ArrayList<>();
    for (int i = 0; i < n / 2; i++) {
      values.add("'x" + i + "'");
    }
    values.set(17, "'r5'");
    values.set(n / 2 - 1, "'r1'");
    String ids = String.join(", ", values);
    String filter = "attributes.run_id IN (" + ids + ") AND params.lr NOT IN (" + ids + ")";
    assertThat(select(filter, List.of())).containsExactly("r1", "r5");
  }

  @Test
  void aTreeDeeperThanTheCompilerAllowsIsRefused() {
    Filter f = comparison(Field.param("lr"), Op.EQ, "0.05");
    for (int i = 0; i < SearchSql.MAX_DEPTH; i++) {
      f = Filter.not(f);
    }
    Filter deep = f;
    assertThatThrownBy(() -> SearchSql.where(deep, dialect()))
        .isInstanceOf(InvalidFilterException.class)
        .hasMessageStartingWith(
            "The filter compiles to SQL "
                + (SearchSql.MAX_DEPTH + 5)
                + " deep; at most "
                + SearchSql.MAX_DEPTH);
  }

  /** Random filters of a few hundred comparisons select what the in-memory oracle selects. */
  @Test
  void randomLargeFiltersMatchTheInMemoryOracle() {
    qt().withFixedSeed(0xF117E5L)
        .withExamples(25)
        .forAll(integers().between(150, 400), longs().all())
        .checkAssert(
            (size, seed) -> {
              Random random = new Random(seed);
              Filter f = randomFilter(random, size, 0);
              String text = f.toString();
              Filter parsed = FilterParser.parse(text);
              assertThat(parsed).isEqualTo(f);
              try {
                assertThat(select(text, List.of()))
                    .as("seed %d", seed)
                    .isEqualTo(FilterOracle.select(parsed, RUNS));
              } catch (SQLException e) {
                throw new AssertionError(e);
              }
            });
  }

  /**
   * The FROM list of {@link SearchSql#search} (joins, on SQLite a CROSS JOIN led by an equality)
   * selects the same runs in the same order as the {@code IN (SELECT ...)} form of {@link
   * SearchSql#where}, for random conjunctions of comparisons with random nested groups among them.
   */
  @Test
  void joinedSearchSelectsWhatTheSubqueryFormSelects() {
    qt().withFixedSeed(0x5EA2C4L)
        .withExamples(400)
        .forAll(integers().between(1, 7), longs().all())
        .checkAssert(
            (size, seed) -> {
              Random random = new Random(seed);
              List<Filter> children = new ArrayList<>();
              for (int i = 0; i < size; i++) {
                children.add(
                    random.nextInt(4) == 0
                        ? randomFilter(random, 2 + random.nextInt(3), 5)
                        : randomComparison(random));
              }
              Filter f = size == 1 ? children.get(0) : new Filter.And(children);
              SearchSql.Fragment orderBy = SearchSql.orderBy(List.of(), dialect());
              try {
                List<String> expected =
                    SearchSqlQueries.runIds(db, SearchSql.where(f, dialect()), orderBy, "");
                assertThat(SearchSqlQueries.runIds(db, SearchSql.search(f, dialect()), orderBy))
                    .as("seed %d: %s", seed, f)
                    .isEqualTo(expected);
              } catch (SQLException e) {
                throw new AssertionError(e);
              }
            });
  }

  private static final List<String> KEYS =
      List.of("lr", "model", "env", "task", "note", "mlflow.user", "learning rate", "nope");
  private static final List<String> STRINGS =
      List.of(
          "0.05",
          "0.01",
          "0.1",
          "GPT-4",
          "gpt-3",
          "GPT-3.5",
          "prod",
          "dev",
          "alice",
          "bob",
          "Classification",
          "classification",
          "regression",
          "it's 100%",
          "high",
          "custom",
          "Custom",
          "holdout",
          "train",
          "test",
          "eval",
          "d1",
          "d2",
          "d3",
          "r1",
          "r2",
          "r3",
          "FINISHED",
          "RUNNING",
          "1",
          "2",
          "alpha",
          "Gamma",
          "delta",
          "active",
          "deleted",
          "GPT%",
          "gpt%",
          "%a%",
          "_lpha%",
          "%100_",
          "%",
          "_",
          "",
          "x");
  private static final List<String> METRICS = List.of("auc", "loss", "f1 score", "nope");
  private static final List<String> NUMBERS =
      List.of("0", "0.1", "0.2", "0.4", "0.5", "0.7", "0.9", "0.95", "1", "-1", "1e3");
  private static final List<String> TIMES =
      List.of("500", "900", "1000", "1500", "2000", "2500", "3000", "3100", "0", "2000.5");

  private static <T> T pick(Random random, List<T> list) {
    return list.get(random.nextInt(list.size()));
  }

  private static Comparison comparison(Field field, Op op, String value) {
    return new Comparison(field, op, new StringValue(value));
  }

  private static Comparison randomComparison(Random random) {
    switch (random.nextInt(5)) {
      case 0:
        {
          Op op = pick(random, List.of(Op.EQ, Op.NE, Op.GT, Op.GE, Op.LT, Op.LE));
          String n = pick(random, NUMBERS);
          return new Comparison(
              Field.metric(pick(random, METRICS)), op, new NumberValue(Double.parseDouble(n), n));
        }
      case 1:
      case 2:
        {
          Field field =
              random.nextBoolean()
                  ? Field.param(pick(random, KEYS))
                  : Field.tag(pick(random, KEYS));
          return stringComparison(random, field, true);
        }
      case 3:
        {
          if (random.nextInt(3) == 0) {
            Field field = Field.attribute(pick(random, List.of("start_time", "end_time")));
            Op op = pick(random, List.of(Op.EQ, Op.NE, Op.GT, Op.GE, Op.LT, Op.LE));
            String n = pick(random, TIMES);
            return new Comparison(field, op, new NumberValue(Double.parseDouble(n), n));
          }
          Field field =
              Field.attribute(
                  pick(
                      random,
                      List.of(
                          "run_id",
                          "run_name",
                          "status",
                          "user_id",
                          "lifecycle_stage",
                          "parent_run_id",
                          "experiment_id")));
          return stringComparison(random, field, false);
        }
      default:
        return stringComparison(
            random, Field.dataset(pick(random, List.of("name", "digest", "context"))), false);
    }
  }

  private static Comparison stringComparison(Random random, Field field, boolean keyed) {
    List<Op> ops = new ArrayList<>(List.of(Op.EQ, Op.NE, Op.LIKE, Op.ILIKE, Op.IN, Op.NOT_IN));
    if (keyed) {
      ops.add(Op.IS_NULL);
      ops.add(Op.IS_NOT_NULL);
    }
    Op op = pick(random, ops);
    if (op.takesNoValue()) {
      return new Comparison(field, op, Filter.NoValue.INSTANCE);
    }
    if (op.takesList()) {
      List<String> values = new ArrayList<>();
      for (int i = 1 + random.nextInt(3); i > 0; i--) {
        values.add(pick(random, STRINGS));
      }
      return new Comparison(field, op, new StringList(values));
    }
    return comparison(field, op, pick(random, STRINGS));
  }

  /** A random filter of exactly {@code size} comparisons, nesting at most about 12 deep. */
  private static Filter randomFilter(Random random, int size, int depth) {
    Filter f;
    if (size == 1) {
      f = randomComparison(random);
    } else {
      int parts = Math.min(size, depth > 10 ? size : 2 + random.nextInt(6));
      List<Integer> cuts = new ArrayList<>();
      for (int i = 1; i < size; i++) {
        cuts.add(i);
      }
      Collections.shuffle(cuts, random);
      List<Integer> bounds = new ArrayList<>(cuts.subList(0, parts - 1));
      bounds.add(0);
      bounds.add(size);
      Collections.sort(bounds);
      List<Filter> children = new ArrayList<>();
      for (int i = 0; i + 1 < bounds.size(); i++) {
        children.add(randomFilter(random, bounds.get(i + 1) - bounds.get(i), depth + 1));
      }
      f = random.nextBoolean() ? new Filter.And(children) : new Filter.Or(children);
    }
    return random.nextInt(5) == 0 ? Filter.not(f) : f;
  }

  /**
   * Filter text nesting exactly {@code depth} deep: NOT and '(' alternate down one path, with
   * random comparisons joined by OR and AND beside it, {@code comparisons} in all.
   */
  private static String nested(Random random, int depth, int comparisons) {
    int levels = depth / 2;
    int perLevel = Math.max(1, (comparisons - 1) / levels);
    StringBuilder sb = new StringBuilder();
    for (int level = 0; level < levels; level++) {
      for (int i = 0; i < perLevel - 1; i++) {
        sb.append(randomComparison(random)).append(random.nextBoolean() ? " OR " : " AND ");
      }
      sb.append("NOT (");
    }
    sb.append(randomComparison(random)).append(")".repeat(levels));
    return sb.toString();
  }

  @Test
  void matchAllCompilesToTrue() {
    assertThat(SearchSql.where(Filter.MATCH_ALL, Dialect.SQLITE))
        .isEqualTo(new SearchSql.Fragment("1=1", List.of()));
  }

  @Test
  void drivesFromTheKeyValueIndexes() {
    SearchSql.Fragment f =
        SearchSql.where(FilterParser.parse("params.lr = '0.05'"), Dialect.SQLITE);
    assertThat(f.sql())
        .isEqualTo("r.run_id IN (SELECT run_id FROM params WHERE key = ? AND value = ?)");
    assertThat(f.params()).containsExactly("lr", "0.05");
  }

  /**
   * On PostgreSQL an equality on a param or tag value is written on its indexed prefix ({@link
   * SearchSql#VALUE_PREFIX} characters): alone for literals shorter than that, followed by the
   * exact comparison for longer ones. Metrics, other operators and SQLite are unchanged.
   */
  @Test
  void postgresqlComparesTextEqualitiesOnTheIndexedPrefix() {
    String below = "v".repeat(SearchSql.VALUE_PREFIX - 1);
    String at = "v".repeat(SearchSql.VALUE_PREFIX);
    SearchSql.Fragment shortEq =
        SearchSql.where(FilterParser.parse("params.p = '" + below + "'"), Dialect.POSTGRESQL);
    assertThat(shortEq.sql())
        .isEqualTo(
            "r.run_id IN (SELECT run_id FROM params WHERE key = ? AND left(value, 200) = ?)");
    assertThat(shortEq.params()).containsExactly("p", below);

    SearchSql.Fragment longEq =
        SearchSql.where(FilterParser.parse("tags.t = '" + at + "'"), Dialect.POSTGRESQL);
    assertThat(longEq.sql())
        .isEqualTo(
            "r.run_id IN (SELECT run_id FROM tags WHERE key = ?"
                + " AND left(value, 200) = left(?, 200) AND value = ?)");
    assertThat(longEq.params()).containsExactly("t", at, at);

    SearchSql.Fragment shortIn =
        SearchSql.where(FilterParser.parse("params.p IN ('a', 'b')"), Dialect.POSTGRESQL);
    assertThat(shortIn.sql()).contains("AND left(value, 200) IN (?, ?))");
    SearchSql.Fragment longIn =
        SearchSql.where(FilterParser.parse("params.p IN ('a', '" + at + "')"), Dialect.POSTGRESQL);
    assertThat(longIn.sql())
        .contains("AND left(value, 200) IN (left(?, 200), left(?, 200)) AND value IN (?, ?))");
    assertThat(longIn.params()).containsExactly("p", "a", at, "a", at);

    for (String other :
        List.of(
            "params.p != 'a'", "params.p LIKE 'a%'", "params.p NOT IN ('a')", "metrics.m = 1")) {
      assertThat(SearchSql.where(FilterParser.parse(other), Dialect.POSTGRESQL).sql())
          .as(other)
          .doesNotContain("left(");
    }
    assertThat(SearchSql.search(FilterParser.parse("params.p = 'a'"), Dialect.SQLITE).from().sql())
        .doesNotContain("left(");
  }

  @Test
  void bindsTimestampsAsLongsAndMetricsAsDoubles() {
    SearchSql.Fragment f =
        SearchSql.where(
            FilterParser.parse("start_time > 1664067852747 AND metrics.a = 1"), Dialect.SQLITE);
    assertThat(f.params()).containsExactly(1664067852747L, "a", 1.0);
  }

  /** Integral literals bind as exact longs, others as doubles; huge ones never throw. */
  @ParameterizedTest
  @CsvSource({
    "1664067852747, 1664067852747",
    "1664067852747.000, 1664067852747",
    "1.5e3, 1500",
    "+15000E-1, 1500",
    "-9223372036854775808, -9223372036854775808",
    "9223372036854775807, 9223372036854775807",
    "0.000e99999999999999999999, 0",
    "9223372036854775808, 9.223372036854775808E18",
    "0.5, 0.5",
    "2600E4847256707, Infinity",
    "1e-99999999999999999999, 0.0",
    "1e9223372036854775807, Infinity",
  })
  void bindsExactLongsForIntegralTimestampLiterals(String literal, String expected) {
    SearchSql.Fragment f =
        SearchSql.where(FilterParser.parse("start_time > " + literal), Dialect.SQLITE);
    Object bound = f.params().get(0);
    if (expected.contains(".") || expected.contains("Infinity")) {
      assertThat(bound).isEqualTo(Double.parseDouble(expected));
    } else {
      assertThat(bound).isEqualTo(Long.parseLong(expected));
    }
  }

  @Test
  void aMillionDigitLiteralCompilesInLinearTime() {
    String literal = "0".repeat(500_000) + "1" + "." + "0".repeat(400_000);
    assertThat(
            SearchSql.where(FilterParser.parse("start_time > " + literal), Dialect.SQLITE).params())
        .containsExactly(1L);
    String big = "1" + "7".repeat(900_000);
    assertThat(SearchSql.where(FilterParser.parse("end_time < " + big), Dialect.SQLITE).params())
        .containsExactly(Double.POSITIVE_INFINITY);
  }

  @Test
  void postgresqlUsesNativeIlikeWithoutEscapes() {
    SearchSql.Fragment f =
        SearchSql.where(FilterParser.parse("tags.t ILIKE 'a\\%'"), Dialect.POSTGRESQL);
    assertThat(f.sql())
        .isEqualTo(
            "r.run_id IN (SELECT run_id FROM tags WHERE key = ? AND value ILIKE ? ESCAPE '')");
    assertThat(f.params()).containsExactly("t", "a\\%");
  }

  @Test
  void backslashIsAnOrdinaryCharacterInLikePatterns() throws SQLException {
    keyValue(db, "tags", "r4", "path", "C:\\data");
    try {
      assertThat(select("tags.path LIKE 'C:\\d%'", List.of())).containsExactly("r4");
    } finally {
      try (Statement s = db.createStatement()) {
        s.execute("DELETE FROM tags WHERE key = 'path'");
      }
    }
  }

  @Test
  void artifactUriAndTheNameTagNeedNoSubquery() {
    assertThat(
            SearchSql.where(
                    FilterParser.parse("attributes.artifact_uri LIKE '%/r1/%'"), Dialect.SQLITE)
                .sql())
        .doesNotContain("SELECT");
    assertThat(
            SearchSql.where(FilterParser.parse("tags.mlflow.runName = 'x'"), Dialect.SQLITE).sql())
        .isEqualTo("r.run_name = ?");
  }

  // ------------------------------------------------------------------ order by

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // no key: MLflow's default, start_time DESC then run_id ASC
        "                                   | r3 r4 r2 r1 r5",
        // numbers, then NaN, then missing, in either direction
        "metrics.auc DESC                   | r4 r1 r2 r3 r5",
        "metrics.auc ASC                    | r2 r1 r4 r3 r5",
        "metrics.loss                       | r4 r1 r5 r2 r3",
        // missing params last; ties broken by start_time DESC (r3 before r1)
        "params.lr                          | r2 r3 r1 r5 r4",
        "params.lr DESC                     | r5 r3 r1 r2 r4",
        "tags.noSuchTag                     | r3 r4 r2 r1 r5",
        // strings sort by code point, like MLflow's Python sort
        "attributes.run_name                | r3 r1 r5 r2 r4",
        "params.model DESC                  | r2 r1 r3 r4 r5",
        // nullable attribute: nulls last both ways
        "attributes.end_time DESC           | r4 r2 r1 r5 r3",
        "attributes.end_time ASC            | r5 r1 r2 r4 r3",
        "start_time                         | r5 r1 r2 r3 r4",
        "created DESC                       | r3 r4 r2 r1 r5",
        "attributes.status                  | r2 r1 r5 r4 r3",
        "experiment_id DESC                 | r4 r5 r3 r2 r1",
        "attributes.artifact_uri DESC       | r5 r4 r3 r2 r1",
        "tags.mlflow.runName                | r3 r1 r5 r2 r4",
        // several keys
        "tags.env, metrics.loss DESC        | r2 r1 r3 r5 r4",
        "attributes.user_id, params.lr DESC | r3 r1 r5 r2 r4",
      })
  void ordersWithMissingValuesLastAndStableTieBreakers(String orderBy, String expected)
      throws SQLException {
    List<OrderBy> keys = new ArrayList<>();
    if (orderBy != null) {
      for (String key : orderBy.split(",")) {
        keys.add(OrderBy.parse(key.strip()));
      }
    }
    assertThat(select("", keys)).isEqualTo(ids(expected));
  }

  @Test
  void orderByEndsWithMlflowsDefaultOrder() {
    SearchSql.Fragment f = SearchSql.orderBy(List.of(), Dialect.SQLITE);
    assertThat(f.sql()).isEqualTo("r.start_time DESC, r.run_id ASC");
    assertThat(SearchSql.orderBy(List.of(OrderBy.parse("params.lr")), Dialect.SQLITE).sql())
        .endsWith(", r.start_time DESC, r.run_id ASC");
  }

  @Test
  void pagesConcatenateToTheFullOrder() throws SQLException {
    List<OrderBy> keys = List.of(OrderBy.parse("params.lr"));
    List<String> all = select("", keys);
    List<String> paged = new ArrayList<>();
    for (int offset = 0; offset < all.size(); offset += 2) {
      paged.addAll(select("", keys, " LIMIT 2 OFFSET " + offset));
    }
    assertThat(paged).isEqualTo(all).hasSize(5);
  }

  @Test
  void filterAndOrderCombine() throws SQLException {
    assertThat(
            select(
                "metrics.auc >= 0.7 OR tags.env = 'prod'", List.of(OrderBy.parse("metrics.auc"))))
        .containsExactly("r2", "r1", "r4", "r3");
  }

  // ------------------------------------------------------------------ helpers

  private List<String> select(String filter, List<OrderBy> order) throws SQLException {
    return select(filter, order, "");
  }

  private List<String> select(String filter, List<OrderBy> order, String suffix)
      throws SQLException {
    SearchSql.Fragment where = SearchSql.where(FilterParser.parse(filter), dialect());
    SearchSql.Fragment orderBy = SearchSql.orderBy(order, dialect());
    return SearchSqlQueries.runIds(db, where, orderBy, suffix);
  }

  private static List<String> ids(String spaceSeparated) {
    String trimmed = spaceSeparated.replace("''", "").trim();
    return trimmed.isEmpty() ? List.of() : Arrays.asList(trimmed.split("\\s+"));
  }

  private static String migration(Dialect dialect, int version) throws IOException {
    String ddl =
        "/io/github/mlops4j/store/migrations/"
            + dialect.name().toLowerCase(java.util.Locale.ROOT)
            + "/tracking-V"
            + version
            + ".sql";
    try (InputStream in = SearchSqlTest.class.getResourceAsStream(ddl)) {
      return new String(Objects.requireNonNull(in, ddl).readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void run(
      Connection db,
      String id,
      long experiment,
      String name,
      String parent,
      String user,
      String status,
      long start,
      Long end,
      String stage)
      throws SQLException {
    try (PreparedStatement ps =
        db.prepareStatement(
            "INSERT INTO runs (run_id, experiment_id, run_name, parent_run_id, user_id, status,"
                + " start_time, end_time, lifecycle_stage) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, id);
      ps.setLong(2, experiment);
      ps.setString(3, name);
      ps.setString(4, parent);
      ps.setString(5, user);
      ps.setString(6, status);
      ps.setLong(7, start);
      if (end == null) {
        ps.setNull(8, Types.BIGINT);
      } else {
        ps.setLong(8, end);
      }
      ps.setString(9, stage);
      ps.executeUpdate();
    }
  }

  private static void keyValue(Connection db, String table, String runId, String key, String value)
      throws SQLException {
    try (PreparedStatement ps =
        db.prepareStatement("INSERT INTO " + table + " (run_id, key, value) VALUES (?, ?, ?)")) {
      ps.setString(1, runId);
      ps.setString(2, key);
      ps.setString(3, value);
      ps.executeUpdate();
    }
  }

  private static void metric(Connection db, String runId, String key, double value)
      throws SQLException {
    try (PreparedStatement ps =
        db.prepareStatement(
            "INSERT INTO latest_metrics (run_id, key, value, value_bits, step, ts)"
                + " VALUES (?, ?, ?, ?, 0, 0)")) {
      ps.setString(1, runId);
      ps.setString(2, key);
      if (Double.isNaN(value)) {
        ps.setNull(3, Types.DOUBLE);
      } else {
        ps.setDouble(3, value);
      }
      ps.setLong(4, Double.doubleToRawLongBits(value));
      ps.executeUpdate();
    }
  }

  private static void input(Connection db, String runId, String digest, String name, String context)
      throws SQLException {
    try (PreparedStatement ps =
        db.prepareStatement(
            "INSERT INTO run_inputs (run_id, digest, name, context, size_bytes, file_count)"
                + " VALUES (?, ?, ?, ?, 0, 0)")) {
      ps.setString(1, runId);
      ps.setString(2, digest);
      ps.setString(3, name);
      ps.setString(4, context);
      ps.executeUpdate();
    }
  }
}
