package io.github.mlops4j.tracking;

import static io.github.mlops4j.tracking.Filter.and;
import static io.github.mlops4j.tracking.Filter.not;
import static io.github.mlops4j.tracking.Filter.or;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.github.mlops4j.tracking.Filter.Comparison;
import io.github.mlops4j.tracking.Filter.Field;
import io.github.mlops4j.tracking.Filter.NoValue;
import io.github.mlops4j.tracking.Filter.NumberValue;
import io.github.mlops4j.tracking.Filter.Op;
import io.github.mlops4j.tracking.Filter.StringList;
import io.github.mlops4j.tracking.Filter.StringValue;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class FilterParserTest {

  // ------------------------------------------------------------------ AST shorthands

  static Comparison metric(String key, Op op, String number) {
    return new Comparison(Field.metric(key), op, num(number));
  }

  static Comparison param(String key, Op op, String value) {
    return new Comparison(Field.param(key), op, new StringValue(value));
  }

  static Comparison tag(String key, Op op, String value) {
    return new Comparison(Field.tag(key), op, new StringValue(value));
  }

  static Comparison attr(String key, Op op, String value) {
    return new Comparison(Field.attribute(key), op, new StringValue(value));
  }

  static Comparison attrNum(String key, Op op, String number) {
    return new Comparison(Field.attribute(key), op, num(number));
  }

  static Comparison dataset(String key, Op op, String value) {
    return new Comparison(Field.dataset(key), op, new StringValue(value));
  }

  static Comparison in(Field field, String... values) {
    return new Comparison(field, Op.IN, StringList.of(values));
  }

  static Comparison notIn(Field field, String... values) {
    return new Comparison(field, Op.NOT_IN, StringList.of(values));
  }

  static Comparison isNull(Field field, boolean isNull) {
    return new Comparison(field, isNull ? Op.IS_NULL : Op.IS_NOT_NULL, NoValue.INSTANCE);
  }

  static NumberValue num(String text) {
    return new NumberValue(Double.parseDouble(text), text);
  }

  // ------------------------------------------------------------------ MLflow documentation

  /**
   * Every filter example of MLflow's search-runs documentation, with the AST of its meaning.
   *
   * <ul>
   *   <li>[mdx] mlflow/mlflow {@code docs/docs/classic-ml/search/search-runs/index.mdx} (current
   *       "Search Runs" guide).
   *   <li>[rst] mlflow/mlflow {@code docs/source/search-runs.rst} (MLflow 2.x "Search Runs" page).
   *   <li>[syntax] mlflow/mlflow {@code docs/source/search-syntax.rst} (its predecessor). Its
   *       {@code metrics.'prediction accuracy'} is left out: current MLflow rejects single-quoted
   *       keys ([mdx]: "Single quotes are not valid for enclosing field names"), and [rst] replaced
   *       it with backticks, which is covered.
   * </ul>
   *
   * Identifier-only examples ({@code params."model-type"}) are completed with a comparison.
   */
  static Stream<Arguments> mlflowDocumentationExamples() {
    Field runId = Field.attribute("run_id");
    return Stream.of(
        // [mdx] "Search Query Example"
        arguments("metrics.loss > 0.8", metric("loss", Op.GT, "0.8")),
        // [mdx] "Valid Syntax for Left and Right Side Elements"
        arguments("tag.`test` = 'abc'", tag("test", Op.EQ, "abc")),
        arguments("tag.`test` = \"abc\"", tag("test", Op.EQ, "abc")),
        arguments("tag.\"test\" = 'abc'", tag("test", Op.EQ, "abc")),
        // [mdx] "Search Query Syntax Deep Dive": the "Good" forms
        arguments("metrics.`cross-entropy-loss` < 0.5", metric("cross-entropy-loss", Op.LT, "0.5")),
        arguments(
            "params.`1st_iteration_timestamp` = \"2022-01-01\"",
            param("1st_iteration_timestamp", Op.EQ, "2022-01-01")),
        arguments(
            "attributes.run_id IN ('5984a3488161440f92de9847e846b342', "
                + "'babe221a676b4fa4b204f8240f2c4f14')",
            in(runId, "5984a3488161440f92de9847e846b342", "babe221a676b4fa4b204f8240f2c4f14")),
        // [mdx] comparators
        arguments("metrics.accuracy > 0.72", metric("accuracy", Op.GT, "0.72")),
        arguments("metrics.loss <= 0.15", metric("loss", Op.LE, "0.15")),
        arguments("metrics.accuracy != 0.15", metric("accuracy", Op.NE, "0.15")),
        arguments("params.model = \"GPT-4o\"", param("model", Op.EQ, "GPT-4o")),
        arguments("params.model LIKE \"GPT%\"", param("model", Op.LIKE, "GPT%")),
        arguments("params.model ILIKE \"gpt%\"", param("model", Op.ILIKE, "gpt%")),
        arguments(
            "datasets.name IN ('custom', 'also custom', 'another custom name')",
            in(Field.dataset("name"), "custom", "also custom", "another custom name")),
        arguments(
            "datasets.digest IN ('s8ds293b', 'jks834s2')",
            in(Field.dataset("digest"), "s8ds293b", "jks834s2")),
        arguments(
            "attributes.run_id IN ('5984a3488161440f92de9847e846b342')",
            in(runId, "5984a3488161440f92de9847e846b342")),
        // [mdx] 1 - Searching By Metrics
        arguments("metrics.\"accuracy\" > 0.72", metric("accuracy", Op.GT, "0.72")),
        arguments("metrics.`log-scale-loss` <= 0", metric("log-scale-loss", Op.LE, "0")),
        arguments("metrics.`f1 score` >= 0.5", metric("f1 score", Op.GE, "0.5")),
        arguments(
            "metrics.accuracy > 0.72 AND metrics.loss <= 0.15",
            and(metric("accuracy", Op.GT, "0.72"), metric("loss", Op.LE, "0.15"))),
        // [mdx] 2 - Searching By Params
        arguments("params.batch_size = \"2\"", param("batch_size", Op.EQ, "2")),
        arguments("params.model ILIKE \"gPt%\"", param("model", Op.ILIKE, "gPt%")),
        arguments(
            "params.model LIKE \"GPT%\" AND params.batch_size = \"2\"",
            and(param("model", Op.LIKE, "GPT%"), param("batch_size", Op.EQ, "2"))),
        // [mdx] 3 - Searching By Tags
        arguments("tags.\"environment\" = \"notebook\"", tag("environment", Op.EQ, "notebook")),
        arguments("tags.environment = \"notebook\"", tag("environment", Op.EQ, "notebook")),
        arguments("tags.task = \"Classification\"", tag("task", Op.EQ, "Classification")),
        arguments("tags.task ILIKE \"classif%\"", tag("task", Op.ILIKE, "classif%")),
        // [mdx] 4 - Searching By Dataset Information
        arguments("datasets.name LIKE \"custom\"", dataset("name", Op.LIKE, "custom")),
        arguments("datasets.context = \"train\"", dataset("context", Op.EQ, "train")),
        // [mdx] 5 - Searching By Run's Metadata
        arguments("attributes.status = \"ACTIVE\"", attr("status", Op.EQ, "ACTIVE")),
        arguments("attributes.user_id LIKE \"user1\"", attr("user_id", Op.LIKE, "user1")),
        arguments("attributes.run_name = \"my-run\"", attr("run_name", Op.EQ, "my-run")),
        arguments("attributes.run_id = \"a1b2c3d4\"", attr("run_id", Op.EQ, "a1b2c3d4")),
        arguments(
            "attributes.run_id IN ('a1b2c3d4', 'e5f6g7h8')", in(runId, "a1b2c3d4", "e5f6g7h8")),
        arguments(
            "attributes.start_time >= 1664067852747",
            attrNum("start_time", Op.GE, "1664067852747")),
        arguments(
            "attributes.end_time < 1664067852747", attrNum("end_time", Op.LT, "1664067852747")),
        arguments(
            "attributes.created > 1664067852747", attrNum("start_time", Op.GT, "1664067852747")),
        // [mdx] 6 - Searching over a Set
        arguments(
            "datasets.name IN ('custom', 'also custom')",
            in(Field.dataset("name"), "custom", "also custom")),
        // [mdx] 7 - Chained Queries
        arguments(
            "metrics.accuracy > 0.72 AND metrics.batch_size != 0",
            and(metric("accuracy", Op.GT, "0.72"), metric("batch_size", Op.NE, "0"))),
        arguments(
            "metrics.accuracy > 0.72 AND metrics.batch_size != 0 AND attributes.run_id IN "
                + "('a1b2c3d4', 'e5f6g7h8')",
            and(
                metric("accuracy", Op.GT, "0.72"),
                metric("batch_size", Op.NE, "0"),
                in(runId, "a1b2c3d4", "e5f6g7h8"))),
        arguments(
            "metrics.loss <= 0.15 AND metrics.loss >= 0.1",
            and(metric("loss", Op.LE, "0.15"), metric("loss", Op.GE, "0.1"))),
        // [mdx] 8 - Non-None Queries
        arguments("params.batch_size != \"None\"", param("batch_size", Op.NE, "None")),
        // [mdx] Python "1 - Complex Filter" (the f-string rendered, newlines included)
        arguments(
            "\nattributes.run_id IN ('22db81f070f6413588641c8c343cdd72',"
                + "'c3680e37d0fa44eb9c9fb7828f6b5481')\n"
                + "  AND metrics.loss > 0.3\n"
                + "  AND metrics.\"f1 score\" < 0.5\n"
                + "  AND params.model LIKE \"GPT%\"\n",
            and(
                in(runId, "22db81f070f6413588641c8c343cdd72", "c3680e37d0fa44eb9c9fb7828f6b5481"),
                metric("loss", Op.GT, "0.3"),
                metric("f1 score", Op.LT, "0.5"),
                param("model", Op.LIKE, "GPT%"))),
        // [mdx] "4 - Searching All Experiments" (f-string rendered)
        arguments("params.model = 'GPT-4'", param("model", Op.EQ, "GPT-4")),
        // [mdx] and [rst] R and Java examples
        arguments(
            "metrics.rmse < 0.9 and tags.production = 'true'",
            and(metric("rmse", Op.LT, "0.9"), tag("production", Op.EQ, "true"))),
        arguments("metrics.accuracy_score < 99.90", metric("accuracy_score", Op.LT, "99.90")),
        // [rst] "Example Expressions"
        arguments("metrics.accuracy > 0.92", metric("accuracy", Op.GT, "0.92")),
        arguments("attributes.status = \"FINISHED\"", attr("status", Op.EQ, "FINISHED")),
        arguments("attributes.status = \"FAILED\"", attr("status", Op.EQ, "FAILED")),
        arguments(
            "attributes.created > 1670628787527", attrNum("start_time", Op.GT, "1670628787527")),
        arguments(
            "attributes.Created > 1670628787527", attrNum("start_time", Op.GT, "1670628787527")),
        arguments(
            "attributes.start_time > 1670628787527", attrNum("start_time", Op.GT, "1670628787527")),
        arguments("metrics.`f1 score` > 0.5", metric("f1 score", Op.GT, "0.5")),
        arguments(
            "tags.`mlflow.user` = 'john@mlflow.com'", tag("mlflow.user", Op.EQ, "john@mlflow.com")),
        arguments("tags.`model` LIKE 'sklearn%'", tag("model", Op.LIKE, "sklearn%")),
        arguments("tags.`type` ILIKE '%Logistic%'", tag("type", Op.ILIKE, "%Logistic%")),
        arguments(
            "attributes.`run_name` IN ('alpha', 'beta', 'gamma')",
            in(Field.attribute("run_name"), "alpha", "beta", "gamma")),
        arguments(
            "attributes.`run name` IN ('alpha', 'beta', 'gamma')",
            in(Field.attribute("run_name"), "alpha", "beta", "gamma")),
        arguments(
            "attributes.`Run name` IN ('alpha', 'beta', 'gamma')",
            in(Field.attribute("run_name"), "alpha", "beta", "gamma")),
        arguments(
            "attributes.`Run Name` IN ('alpha', 'beta', 'gamma')",
            in(Field.attribute("run_name"), "alpha", "beta", "gamma")),
        arguments(
            "params.alpha = \"0.3\" and params.lambda = \"0.001\" and metrics.error <= 0.05",
            and(
                param("alpha", Op.EQ, "0.3"),
                param("lambda", Op.EQ, "0.001"),
                metric("error", Op.LE, "0.05"))),
        // [rst] identifiers (completed with a comparison)
        arguments("params.\"model-type\" = 'x'", param("model-type", Op.EQ, "x")),
        arguments("metrics.`error rate` > 0", metric("error rate", Op.GT, "0")),
        arguments(
            "metrics.\"2019-04-02 error rate\" > 0", metric("2019-04-02 error rate", Op.GT, "0")),
        arguments("tags.\"mlflow.user\" = 'x'", tag("mlflow.user", Op.EQ, "x")),
        arguments("tags.`mlflow.parentRunId` = 'x'", tag("mlflow.parentRunId", Op.EQ, "x")),
        // [rst] "Run Attributes" example block
        arguments(
            "attributes.artifact_uri = 'models:/mymodel/1'",
            attr("artifact_uri", Op.EQ, "models:/mymodel/1")),
        arguments("attributes.status = 'ACTIVE'", attr("status", Op.EQ, "ACTIVE")),
        arguments("attributes.user_id = 'user1'", attr("user_id", Op.EQ, "user1")),
        arguments("attributes.run_name = 'my-run'", attr("run_name", Op.EQ, "my-run")),
        arguments("attributes.run_id = 'a1b2c3d4'", attr("run_id", Op.EQ, "a1b2c3d4")),
        // [rst] Python examples
        arguments(
            "params.model = 'CNN' and params.layers = '10' and "
                + "metrics.`prediction accuracy` >= 0.945",
            and(
                param("model", Op.EQ, "CNN"),
                param("layers", Op.EQ, "10"),
                metric("prediction accuracy", Op.GE, "0.945"))),
        arguments("params.model = 'Inception'", param("model", Op.EQ, "Inception")),
        // [syntax]
        arguments(
            "params.model = \"LogisticRegression\" and params.lambda = \"0.001\" and "
                + "metrics.error <= 0.05",
            and(
                param("model", Op.EQ, "LogisticRegression"),
                param("lambda", Op.EQ, "0.001"),
                metric("error", Op.LE, "0.05"))),
        arguments(
            "tags.\"mlflow.runName\" = \"keras-hyperparam-search\"",
            tag("mlflow.runName", Op.EQ, "keras-hyperparam-search")));
  }

  @ParameterizedTest
  @MethodSource("mlflowDocumentationExamples")
  void parsesEveryMlflowDocumentationExample(String filter, Filter expected) {
    Filter parsed = FilterParser.parse(filter);
    assertThat(parsed).isEqualTo(expected);
    assertThat(FilterParser.parse(parsed.toString())).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "\n\t "})
  void emptyOrBlankFilterMatchesAll(String filter) {
    // [rst] filter_string="" ; MLflow's test_search_utils: ("", [])
    assertThat(FilterParser.parse(filter)).isSameAs(Filter.MATCH_ALL);
    assertThat(Filter.MATCH_ALL.toString()).isEmpty();
  }

  /** Filters MLflow's documentation gives as invalid, which stay invalid here. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "tag.`test` = `abc`", // [mdx] backticks cannot quote values
        "tag.`test` = abc", // [mdx] values must be quoted
        "tag.'test' = 'abc'", // [mdx] single quotes cannot quote field names
        "metrics.cross-entropy-loss < 0.5", // [mdx] "Bad"
        "metrics.accuracy != \"None\"", // [mdx] non-None on numeric fields is not supported
      })
  void rejectsWhatTheDocumentationCallsInvalid(String filter) {
    assertThatThrownBy(() -> FilterParser.parse(filter)).isInstanceOf(InvalidFilterException.class);
  }

  // ------------------------------------------------------------------ MLflow's test suite

  /** Accepted filters of mlflow/mlflow tests/utils/test_search_utils.py (test_filter etc.). */
  static Stream<Arguments> mlflowTestSuiteAccepted() {
    return Stream.of(
        arguments("metric.acc >= 0.94", metric("acc", Op.GE, "0.94")),
        arguments("metric.acc>=100", metric("acc", Op.GE, "100")),
        arguments("params.m!='tf'", param("m", Op.NE, "tf")),
        arguments("params.\"m\"!=\"tf\"", param("m", Op.NE, "tf")),
        arguments("metric.\"legit name\" >= 0.243", metric("legit name", Op.GE, "0.243")),
        arguments("metrics.XYZ = 3", metric("XYZ", Op.EQ, "3")),
        arguments("params.\"cat dog\" = \"pets\"", param("cat dog", Op.EQ, "pets")),
        arguments("metrics.\"X-Y-Z\" = 3", metric("X-Y-Z", Op.EQ, "3")),
        arguments("metrics.\"X//Y#$$@&Z\" = 3", metric("X//Y#$$@&Z", Op.EQ, "3")),
        arguments("params.model = 'LinearRegression'", param("model", Op.EQ, "LinearRegression")),
        arguments(
            "metrics.rmse < 1 and params.model_class = 'LR'",
            and(metric("rmse", Op.LT, "1"), param("model_class", Op.EQ, "LR"))),
        arguments("`metric`.a >= 0.1", metric("a", Op.GE, "0.1")),
        arguments("tags.version = 'commit-hash'", tag("version", Op.EQ, "commit-hash")),
        arguments("`tags`.source_name = 'a notebook'", tag("source_name", Op.EQ, "a notebook")),
        arguments("metrics.\"accuracy.2.0\" > 5", metric("accuracy.2.0", Op.GT, "5")),
        arguments("metrics.`spacey name` > 5", metric("spacey name", Op.GT, "5")),
        arguments("params.\"p.a.r.a.m\" != \"a\"", param("p.a.r.a.m", Op.NE, "a")),
        arguments("tags.\"t.a.g\" = \"a\"", tag("t.a.g", Op.EQ, "a")),
        arguments("attribute.artifact_uri = '1/23/4'", attr("artifact_uri", Op.EQ, "1/23/4")),
        arguments("attribute.start_time >= 1234", attrNum("start_time", Op.GE, "1234")),
        arguments("run.status = 'RUNNING'", attr("status", Op.EQ, "RUNNING")),
        arguments("dataset.name = 'my_dataset'", dataset("name", Op.EQ, "my_dataset")),
        arguments("tags.version IS NULL", isNull(Field.tag("version"), true)),
        arguments("tags.version IS NOT NULL", isNull(Field.tag("version"), false)),
        arguments("params.lr IS NULL", isNull(Field.param("lr"), true)),
        arguments("params.lr IS NOT NULL", isNull(Field.param("lr"), false)),
        arguments(
            "tags.a IS NULL AND params.b = 'val'",
            and(isNull(Field.tag("a"), true), param("b", Op.EQ, "val"))),
        arguments("params.m = 'LR'", param("m", Op.EQ, "LR")),
        arguments("params.m = \"LR\"", param("m", Op.EQ, "LR")),
        arguments("params.m = \"L'Hosp\"", param("m", Op.EQ, "L'Hosp")),
        arguments(
            "datasets.name IN ('name1', 'name2')", in(Field.dataset("name"), "name1", "name2")),
        arguments(
            "datasets.name = 'name1' AND datasets.context = 'train'",
            and(dataset("name", Op.EQ, "name1"), dataset("context", Op.EQ, "train"))),
        arguments("attribute.end_time = 2", attrNum("end_time", Op.EQ, "2")),
        arguments("attribute.user_id = 'user-id2'", attr("user_id", Op.EQ, "user-id2")));
  }

  @ParameterizedTest
  @MethodSource("mlflowTestSuiteAccepted")
  void parsesWhatMlflowsTestSuiteAccepts(String filter, Filter expected) {
    assertThat(FilterParser.parse(filter)).isEqualTo(expected);
  }

  /**
   * Rejected filters of tests/utils/test_search_utils.py (test_error_filter,
   * test_error_comparison_clauses, test_bad_quotes, test_invalid_clauses, test_bad_comparators),
   * except those this superset accepts on purpose (see {@link #acceptsExtensions}).
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "metric.acc >= 0.94; metrics.rmse < 1",
        "m.acc >= 0.94",
        "acc >= 0.94",
        "p.model >= 'LR'",
        "attri.x != 1",
        "a.x != 1",
        "model >= 'LR'",
        "metrics.A > 0.1 NAND params.B = 'LR'",
        "`metrics.A > 0.1",
        "param`.A > 0.1",
        "`dummy.A > 0.1",
        "dummy`.A > 0.1",
        "attribute.start != 1",
        "attribute.experiment_id != 1",
        "attribute.name != 1",
        "attribute.time != 1",
        "attribute._status != 'RUNNING'",
        "attribute.status = true",
        "dataset.status = 'true'",
        "dataset.profile = 'num_rows: 10'",
        "metrics.acc IS NULL",
        "attribute.status IS NULL",
        "metric.model = 'LR'",
        "metric.model = '5'",
        "params.acc = 5",
        "tags.acc = 5",
        "metrics.acc != metrics.acc",
        "1.0 > metrics.acc",
        "attribute.status = 1",
        "params.acc = LR",
        "tags.acc = LR",
        "params.acc = `LR`",
        "params.'acc = LR",
        "params.acc = 'LR",
        "params.acc = LR'",
        "params.acc = \"LR'",
        "tags.acc = \"LR'",
        "tags.acc = = 'LR'",
        "attribute.status IS 'RUNNING'",
        "params.acc LR !=",
        "params.acc LR",
        "metric.acc !=",
        "acc != 1.0",
        "foo is null",
        "1=1",
        "1==2",
        "metrics.abc ~ 1.0",
        "metrics.abc ~= 1.0",
        "params.abc > 'my-param-value'",
        "params.abc <= 'my-param-value'",
        "params.abc ~ 'my-param-value'",
        "tags.abc >= 'my-tag-value'",
        "attributes.status < 'my-tag-value'",
        "attributes.start_time LIKE 1234",
        "attributes.start_time ILIKE 1234",
        "datasets.name > 'my-dataset-name'",
        "`params`.model >= 'LR'", // MLflow parses it but rejects it when searching
      })
  void rejectsWhatMlflowRejects(String filter) {
    assertThatThrownBy(() -> FilterParser.parse(filter)).isInstanceOf(InvalidFilterException.class);
  }

  /** The superset: what MLflow rejects but this language accepts on purpose. */
  static Stream<Arguments> extensions() {
    return Stream.of(
        arguments(
            "metrics.A > 0.1 OR params.B = 'LR'",
            or(metric("A", Op.GT, "0.1"), param("B", Op.EQ, "LR"))),
        arguments(
            "metrics.A > 0.1 AND (params.B = 'LR')",
            and(metric("A", Op.GT, "0.1"), param("B", Op.EQ, "LR"))),
        arguments("NOT params.B = 'LR'", not(param("B", Op.EQ, "LR"))),
        // keys starting with a digit need no quotes
        arguments(
            "params.1st_iteration_timestamp = \"2022-01-01\"",
            param("1st_iteration_timestamp", Op.EQ, "2022-01-01")),
        // IN lists in double quotes; IN on any string attribute, params and tags
        arguments("attributes.run_id IN (\"a\", \"b\")", in(Field.attribute("run_id"), "a", "b")),
        arguments(
            "attributes.status NOT IN ('KILLED')", notIn(Field.attribute("status"), "KILLED")),
        arguments("params.lr IN ('0.1', '0.01')", in(Field.param("lr"), "0.1", "0.01")),
        arguments("tags.env NOT IN ('dev')", notIn(Field.tag("env"), "dev")),
        // more attributes
        arguments(
            "attributes.lifecycle_stage = 'ACTIVE'", attr("lifecycle_stage", Op.EQ, "ACTIVE")),
        arguments("attributes.experiment_id = '1'", attr("experiment_id", Op.EQ, "1")),
        arguments("parent_run_id = 'abc'", attr("parent_run_id", Op.EQ, "abc")),
        // case-insensitive prefixes and attribute names
        arguments("METRICS.auc > 1", metric("auc", Op.GT, "1")),
        arguments("Attributes.STATUS = 'x'", attr("status", Op.EQ, "x")),
        arguments("datasets.Name = 'x'", dataset("name", Op.EQ, "x")),
        // doubled quotes inside strings and keys
        arguments("tags.note = 'it''s'", tag("note", Op.EQ, "it's")),
        arguments("tags.note = \"say \"\"hi\"\"\"", tag("note", Op.EQ, "say \"hi\"")),
        arguments("tags.`a``b` = 'x'", tag("a`b", Op.EQ, "x")),
        // number forms
        arguments("metrics.a > -1.5e-3", metric("a", Op.GT, "-1.5e-3")),
        arguments("metrics.a > .5", metric("a", Op.GT, ".5")),
        arguments("metrics.a > +2", metric("a", Op.GT, "+2")));
  }

  @ParameterizedTest
  @MethodSource("extensions")
  void acceptsExtensions(String filter, Filter expected) {
    assertThat(FilterParser.parse(filter)).isEqualTo(expected);
  }

  // ------------------------------------------------------------------ structure

  @Test
  void andBindsTighterThanOr() {
    Comparison a = param("a", Op.EQ, "1");
    Comparison b = param("b", Op.EQ, "2");
    Comparison c = param("c", Op.EQ, "3");
    assertThat(FilterParser.parse("params.a = '1' OR params.b = '2' AND params.c = '3'"))
        .isEqualTo(or(a, and(b, c)));
    assertThat(FilterParser.parse("params.a = '1' AND params.b = '2' OR params.c = '3'"))
        .isEqualTo(or(and(a, b), c));
    assertThat(FilterParser.parse("(params.a = '1' OR params.b = '2') AND params.c = '3'"))
        .isEqualTo(and(or(a, b), c));
  }

  @Test
  void notBindsTighterThanAnd() {
    Comparison a = param("a", Op.EQ, "1");
    Comparison b = param("b", Op.EQ, "2");
    assertThat(FilterParser.parse("NOT params.a = '1' AND params.b = '2'"))
        .isEqualTo(and(not(a), b));
    assertThat(FilterParser.parse("NOT (params.a = '1' AND params.b = '2')"))
        .isEqualTo(not(and(a, b)));
    assertThat(FilterParser.parse("NOT NOT params.a = '1'")).isEqualTo(not(not(a)));
    assertThat(FilterParser.parse("not(params.a = '1')")).isEqualTo(not(a));
  }

  @Test
  void chainsAreFlatButParenthesesNest() {
    Comparison a = param("a", Op.EQ, "1");
    Comparison b = param("b", Op.EQ, "2");
    Comparison c = param("c", Op.EQ, "3");
    assertThat(FilterParser.parse("params.a = '1' AND params.b = '2' AND params.c = '3'"))
        .isEqualTo(and(a, b, c));
    assertThat(FilterParser.parse("(params.a = '1' AND params.b = '2') AND params.c = '3'"))
        .isEqualTo(and(and(a, b), c));
    assertThat(FilterParser.parse("((params.a = '1'))")).isEqualTo(a);
  }

  @Test
  void keywordsAreCaseInsensitive() {
    Filter expected =
        or(
            and(param("model", Op.LIKE, "G%"), not(param("x", Op.ILIKE, "y"))),
            and(
                in(Field.param("a"), "1"),
                notIn(Field.tag("b"), "2"),
                isNull(Field.tag("c"), false)));
    assertThat(
            FilterParser.parse(
                "params.model like 'G%' aNd NoT params.x iLiKe 'y' oR params.a in ('1') "
                    + "AND tags.b nOt In ('2') and tags.c is not null"))
        .isEqualTo(expected);
  }

  @Test
  void keysAreQuotedWithBackticksOrDoubleQuotesAndMayHoldDots() {
    Filter expected = tag("mlflow.parentRunId", Op.EQ, "abc");
    assertThat(FilterParser.parse("tags.mlflow.parentRunId = 'abc'")).isEqualTo(expected);
    assertThat(FilterParser.parse("tags.`mlflow.parentRunId` = 'abc'")).isEqualTo(expected);
    assertThat(FilterParser.parse("tags.\"mlflow.parentRunId\" = 'abc'")).isEqualTo(expected);
    assertThat(FilterParser.parse("\"tags\".mlflow.parentRunId = 'abc'")).isEqualTo(expected);
    // keys keep their case; a bare identifier is an attribute, quoted or not
    assertThat(FilterParser.parse("params.LR = 'x'")).isEqualTo(param("LR", Op.EQ, "x"));
    assertThat(FilterParser.parse("`status` = 'x'")).isEqualTo(attr("status", Op.EQ, "x"));
    assertThat(FilterParser.parse("created >= 5")).isEqualTo(attrNum("start_time", Op.GE, "5"));
  }

  @Test
  void typeSynonymsAreCanonical() {
    for (String prefix : new String[] {"param", "params", "parameter", "parameters"}) {
      assertThat(FilterParser.parse(prefix + ".x = 'y'")).isEqualTo(param("x", Op.EQ, "y"));
    }
    for (String prefix : new String[] {"attribute", "attributes", "attr", "run"}) {
      assertThat(FilterParser.parse(prefix + ".status = 'y'"))
          .isEqualTo(attr("status", Op.EQ, "y"));
    }
    assertThat(FilterParser.parse("metric.x = 1")).isEqualTo(FilterParser.parse("metrics.x = 1"));
    assertThat(FilterParser.parse("tag.x = 'y'")).isEqualTo(FilterParser.parse("tags.x = 'y'"));
    assertThat(FilterParser.parse("dataset.name = 'y'"))
        .isEqualTo(FilterParser.parse("datasets.name = 'y'"));
  }

  @Test
  void printsCanonically() {
    assertThat(
            FilterParser.parse(
                    "attr.Created>=1 and not (tag.`a b`='it''s' or param.\"x.y\" in (\"p\",'q'))"
                        + " or metric.`f1` != -0.5 and tags.t is null")
                .toString())
        .isEqualTo(
            "attributes.start_time >= 1 AND NOT (tags.`a b` = 'it''s' OR params.x.y IN ('p', 'q'))"
                + " OR metrics.f1 != -0.5 AND tags.t IS NULL");
    assertThat(
            and(or(param("a", Op.EQ, "1"), param("b", Op.EQ, "2")), param("c", Op.EQ, "3"))
                .toString())
        .isEqualTo("(params.a = '1' OR params.b = '2') AND params.c = '3'");
    assertThat(Field.metric("1x..y").toString()).isEqualTo("metrics.`1x..y`");
    assertThat(Field.metric("a`b").toString()).isEqualTo("metrics.`a``b`");
  }

  @Test
  void astRejectsComparisonsTheParserWouldRefuse() {
    assertThatThrownBy(() -> new Comparison(Field.metric("a"), Op.LIKE, new StringValue("x")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Comparison(Field.param("a"), Op.EQ, num("1")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Comparison(Field.param("a"), Op.IN, new StringValue("1")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Field.attribute("nope")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Field.param("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Filter.And(java.util.List.of(param("a", Op.EQ, "1"))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> not(Filter.MATCH_ALL)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NumberValue.of(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ------------------------------------------------------------------ error positions

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      value = {
        // unterminated string / quoted key: at the opening quote
        "params.acc = 'LR                  | 13 | Unterminated string starting at position 13",
        "params.acc = \"LR'                | 13 | Unterminated string",
        "tags.`mlflow.user = 'x'           | 5  | Unterminated quoted key",
        "`metrics.A > 0.1                  | 0  | Unterminated quoted name",
        // missing value: where the value should start
        "metric.acc !=                     | 13 | Expected a number at position 13 but found the end",
        "~params.a = ~                     | 11 | Expected a quoted string at position 11",
        "params.a IN ()                    | 13 | Expected a quoted string in the IN list",
        "params.a IN ('x',)                | 17 | Expected a quoted string in the IN list",
        "params.a IN 'x'                   | 12 | Expected '(' to start the list",
        // wrong value type: at the value
        "params.acc = 5                    | 13 | Expected a quoted string at position 13",
        "metric.model = 'LR'               | 15 | Expected a number at position 15",
        "params.acc = LR                   | 13 | Expected a quoted string at position 13",
        "params.acc = `LR`                 | 13 | backticks quote keys",
        "attributes.start_time = '1'       | 24 | Expected a number",
        "params.a = ('x')                  | 11 | only allowed after IN",
        "metrics.a > 1x                    | 12 | Malformed number at position 12",
        // bad operator for the type: at the operator
        "params.lr > '1'                   | 10 | Operator > at position 10 cannot be used with param",
        "attributes.start_time LIKE '1%'   | 22 | Operator LIKE at position 22",
        "metrics.a IS NULL                 | 10 | Operator IS NULL at position 10",
        "datasets.name IS NOT NULL         | 14 | Operator IS NOT NULL",
        // no operator
        "params.acc LR                     | 11 | Expected a comparison operator at position 11 but found 'LR'",
        "metrics.cross-entropy < 1         | 13 | Expected a comparison operator at position 13 but found '-'",
        "metrics.a == 1                    | 10 | Expected a comparison operator",
        "params.a NOT LIKE 'x'             | 13 | Expected IN after NOT",
        "tags.a IS 'x'                     | 10 | Expected NULL after IS",
        // unknown field type, attribute, dataset field: at the name
        "foo.bar = 1                       | 0  | Unknown field type 'foo' at position 0",
        "~  m.acc >= 0.94~                 | 2  | Unknown field type 'm'",
        "acc >= 0.94                       | 0  | Unknown attribute 'acc' at position 0",
        "attributes.foo = 'x'              | 11 | Unknown attribute 'foo' at position 11",
        "dataset.status = 'true'           | 8  | Unknown dataset field 'status'",
        "params.'acc' = 'x'                | 7  | Expected a key after 'params.'",
        "params.`` = 'x'                   | 7  | Empty key at position 7",
        "1=1                               | 0  | Expected a field",
        "metrics.a > 1 AND                 | 17 | Expected a field",
        // trailing garbage: at its first character
        "metrics.a > 1 metrics.b > 2       | 14 | Expected AND, OR or the end of the filter at position 14 but found 'metrics.b'",
        "metric.acc >= 0.94; metrics.b < 1 | 18 | but found ';'",
        "metrics.A > 0.1 NAND params.B='x' | 16 | but found 'NAND'",
        // unbalanced parentheses
        "(params.a = 'x'                   | 15 | Unbalanced '(' at position 0: expected ')' at position 15",
        "((params.a = 'x') OR tags.b = 'y' | 33 | Unbalanced '(' at position 0",
        "params.a = 'x')                   | 14 | Unbalanced ')' at position 14",
        "()                                | 1  | Expected a field",
      })
  void reportsTheExactErrorPosition(String filter, int position, String message) {
    InvalidFilterException e =
        catchThrowableOfType(InvalidFilterException.class, () -> FilterParser.parse(filter));
    assertThat(e).as("no exception for %s", filter).isNotNull();
    assertThat(e.position()).isEqualTo(position);
    assertThat(e.filter()).isEqualTo(filter);
    assertThat(e.getMessage()).contains(message);
  }

  @Test
  void messageShowsTheFilterWithACaret() {
    InvalidFilterException e =
        catchThrowableOfType(
            InvalidFilterException.class, () -> FilterParser.parse("params.acc LR"));
    assertThat(e)
        .hasMessage(
            "Expected a comparison operator at position 11 but found 'LR'; use one of =, !=, >, >=,"
                + " <, <=, LIKE, ILIKE, IN, NOT IN, IS NULL, IS NOT NULL:\n"
                + "  params.acc LR\n"
                + "             ^");
  }

  /**
   * What callers of the search API catch: the parser's exception, and the compiler's (thrown inside
   * the store's read), reach them as themselves, not wrapped in a {@code StoreException}.
   */
  @Test
  void searchSurfacesFilterErrorsUnwrapped(@TempDir Path workspace) {
    try (Tracker tracker = Tracker.open(workspace)) {
      InvalidFilterException parse =
          catchThrowableOfType(
              InvalidFilterException.class, () -> tracker.searchRuns("e", "params.acc LR"));
      assertThat(parse).as("searchRuns with a malformed filter").isNotNull();
      assertThat(parse.position()).isEqualTo(11);
      assertThat(parse).hasNoCause().hasMessageStartingWith("Expected a comparison operator");

      Throwable duplicate =
          catchThrowable(
              () -> tracker.searchRuns(RunQuery.builder().orderBy("params.p", "params.p").build()));
      assertThat(duplicate)
          .isExactlyInstanceOf(InvalidFilterException.class)
          .hasNoCause()
          .hasMessageContaining("like key 1");

      Throwable order =
          catchThrowable(
              () -> tracker.searchRuns(RunQuery.builder().orderBy("metrics.auc SIDEWAYS").build()));
      assertThat(order).isExactlyInstanceOf(InvalidFilterException.class).hasNoCause();
    }
  }

  @Test
  void caretPointsIntoTheRightLineOfAMultiLineFilter() {
    String filter = "metrics.a > 1\n\tAND params.b ~ 'x'";
    InvalidFilterException e =
        catchThrowableOfType(InvalidFilterException.class, () -> FilterParser.parse(filter));
    assertThat(e.position()).isEqualTo(filter.indexOf('~'));
    assertThat(e.getMessage()).endsWith(":\n  \tAND params.b ~ 'x'\n  \t" + " ".repeat(13) + "^");
  }

  // ------------------------------------------------------------------ limits

  @Test
  void nestingDeeperThanTheLimitIsAnInvalidFilterNotAStackOverflow() {
    String parens = "(".repeat(2_000) + "params.a = 'x'" + ")".repeat(2_000);
    InvalidFilterException e =
        catchThrowableOfType(InvalidFilterException.class, () -> FilterParser.parse(parens));
    assertThat(e).as("no exception for 2,000 nested parentheses").isNotNull();
    assertThat(e.position()).isEqualTo(RunQuery.MAX_FILTER_DEPTH);
    assertThat(e.getMessage())
        .startsWith(
            "Parentheses and NOT nest more than "
                + RunQuery.MAX_FILTER_DEPTH
                + " deep at position "
                + RunQuery.MAX_FILTER_DEPTH);

    String nots = "NOT ".repeat(5_000) + "params.a = 'x'";
    e = catchThrowableOfType(InvalidFilterException.class, () -> FilterParser.parse(nots));
    assertThat(e).as("no exception for 5,000 NOTs").isNotNull();
    assertThat(e.position()).isEqualTo(4 * RunQuery.MAX_FILTER_DEPTH);

    String mixed = "NOT (".repeat(3_000) + "params.a = 'x'" + ")".repeat(3_000);
    e = catchThrowableOfType(InvalidFilterException.class, () -> FilterParser.parse(mixed));
    assertThat(e).isNotNull();
    assertThat(e.position()).isEqualTo(5 * RunQuery.MAX_FILTER_DEPTH / 2);
  }

  @Test
  void nestingUpToTheLimitParses() {
    int depth = RunQuery.MAX_FILTER_DEPTH;
    Filter leaf = param("a", Op.EQ, "x");
    assertThat(FilterParser.parse("(".repeat(depth) + "params.a = 'x'" + ")".repeat(depth)))
        .isEqualTo(leaf);
    Filter nots = leaf;
    for (int i = 0; i < depth; i++) {
      nots = not(nots);
    }
    assertThat(FilterParser.parse("NOT ".repeat(depth) + "params.a = 'x'")).isEqualTo(nots);
    assertThat(FilterParser.parse(nots.toString())).isEqualTo(nots);
    // depth counts what is open at once, not the total
    String siblings =
        String.join(" OR ", java.util.Collections.nCopies(depth * 3, "NOT (params.a = 'x')"));
    assertThat(FilterParser.parse(siblings)).isInstanceOf(Filter.Or.class);
  }

  @Test
  void moreComparisonsThanTheLimitAreRefusedAtTheFirstOneOver() {
    int max = RunQuery.MAX_FILTER_COMPARISONS;
    String term = "params.lr = '0.05'";
    String allowed = String.join(" OR ", java.util.Collections.nCopies(max, term));
    Filter parsed = FilterParser.parse(allowed);
    assertThat(((Filter.Or) parsed).children()).hasSize(max);

    String tooMany = allowed + " OR " + term;
    InvalidFilterException e =
        catchThrowableOfType(InvalidFilterException.class, () -> FilterParser.parse(tooMany));
    assertThat(e).isNotNull();
    assertThat(e.position()).isEqualTo(allowed.length() + 4);
    assertThat(e.getMessage()).startsWith("More than " + max + " comparisons");
  }

  @Test
  void moreListValuesThanTheLimitAreRefused() {
    int max = RunQuery.MAX_FILTER_LIST_VALUES;
    String values = String.join(", ", java.util.Collections.nCopies(max, "'v'"));
    assertThat(FilterParser.parse("params.a IN (" + values + ")")).isNotNull();
    String tooMany = "params.a IN (" + values + ", 'w')";
    InvalidFilterException e =
        catchThrowableOfType(InvalidFilterException.class, () -> FilterParser.parse(tooMany));
    assertThat(e).isNotNull();
    assertThat(e.position()).isEqualTo(tooMany.indexOf("'w'"));
    assertThat(e.getMessage()).startsWith("More than " + max + " values in IN lists");
  }

  @Test
  void longerThanTheLimitIsRefusedBeforeParsing() {
    int max = RunQuery.MAX_FILTER_LENGTH;
    String tooLong = "params.a = '" + "x".repeat(max) + "'";
    InvalidFilterException e =
        catchThrowableOfType(InvalidFilterException.class, () -> FilterParser.parse(tooLong));
    assertThat(e).isNotNull();
    assertThat(e.position()).isEqualTo(max);
    assertThat(e.getMessage())
        .startsWith(
            "The filter is "
                + tooLong.length()
                + " characters long; at most "
                + max
                + " are allowed");
    assertThat(e.getMessage()).hasSizeLessThan(500);
    InvalidFilterException o =
        catchThrowableOfType(InvalidFilterException.class, () -> OrderBy.parse(tooLong));
    assertThat(o).isNotNull();
    assertThat(o.getMessage()).hasSizeLessThan(500);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "params.a = 'x\\u0000y'       | 13 | NUL character at position 13",
        "params.`a\\u0000` = 'x'      | 9  | NUL character at position 9",
        "tags.t = 's\\ud800'          | 11 | Unpaired surrogate U+D800 at position 11",
        "tags.t = '\\udc00\\ud83d\\ude00' | 10 | Unpaired surrogate U+DC00 at position 10",
        "tags.`\\ud83d` = 'x'         | 6  | Unpaired surrogate U+D83D at position 6",
      })
  void refusesTextNoStoredKeyOrValueCanHold(String escaped, int position, String message) {
    String filter = unescape(escaped);
    InvalidFilterException e =
        catchThrowableOfType(InvalidFilterException.class, () -> FilterParser.parse(filter));
    assertThat(e).isNotNull();
    assertThat(e.position()).isEqualTo(position);
    assertThat(e.getMessage()).startsWith(message);
    assertThat(catchThrowableOfType(InvalidFilterException.class, () -> OrderBy.parse(filter)))
        .isNotNull();
    // a pair is fine
    assertThat(FilterParser.parse("tags.t = '\ud83d\ude00'"))
        .isEqualTo(tag("t", Op.EQ, "\ud83d\ude00"));
  }

  private static String unescape(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      if (s.startsWith("\\u", i)) {
        sb.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
        i += 5;
      } else {
        sb.append(s.charAt(i));
      }
    }
    return sb.toString();
  }

  /** The message never copies a long filter or a long name whole. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "params.a = 'x' AND %s",
        "%s.a = 'x'",
        "attributes.%s = 'x'",
        "datasets.%s = 'x'",
        "metrics.a = '%s'",
        "params.a = 1%s",
        "metrics.`a` > 1 OR params.`%s",
      })
  void messagesStayShortWhateverTheInput(String template) {
    String filter = template.replace("%s", "y".repeat(100_000));
    InvalidFilterException e =
        catchThrowableOfType(InvalidFilterException.class, () -> FilterParser.parse(filter));
    assertThat(e).as(template).isNotNull();
    assertThat(e.getMessage()).as(template).hasSizeLessThan(600);
    assertThat(e.filter()).isEqualTo(filter);
  }

  @Test
  void excerptOfALongLineIsAWindowAroundThePosition() {
    String filter =
        "params.a = 'x' AND ".repeat(100) + "params.b ~ 'y'" + " AND params.c = 'z'".repeat(100);
    int at = filter.indexOf('~');
    InvalidFilterException e =
        catchThrowableOfType(InvalidFilterException.class, () -> FilterParser.parse(filter));
    assertThat(e.position()).isEqualTo(at);
    String[] lines = e.getMessage().split("\n");
    String line = lines[lines.length - 2];
    String caret = lines[lines.length - 1];
    assertThat(line).hasSizeLessThan(140).startsWith("  …").endsWith("…");
    assertThat(caret.indexOf('^')).isEqualTo(line.indexOf('~'));
  }
}
