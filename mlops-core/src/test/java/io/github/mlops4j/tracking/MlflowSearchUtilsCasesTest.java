package io.github.mlops4j.tracking;

import static io.github.mlops4j.tracking.MlflowCases.dataset;
import static io.github.mlops4j.tracking.MlflowCases.hexDigest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The run-level cases of mlflow/mlflow {@code tests/utils/test_search_utils.py} (MLflow's in-memory
 * filter and sort of {@code SearchUtils}), run through {@link Tracker#searchRuns} on a real SQLite
 * workspace. The parse-only cases of that file are in {@link FilterParserTest} and {@link
 * OrderByTest}. Facts carry over (runs, filters, expected matches and orders); MLflow's runs are
 * recreated with this library's API, and run ids, which MLflow's tests choose and this library
 * generates, are mapped as each test says.
 */
class MlflowSearchUtilsCasesTest {
  @TempDir Path workspace;
  private MlflowCases cases;

  @BeforeEach
  void open() {
    cases = new MlflowCases(workspace);
  }

  @AfterEach
  void close() {
    cases.close();
  }

  // ------------------------------------------------------------------ test_correct_filtering

  /**
   * test_search_utils.py::test_correct_filtering: three runs; run 0 FAILED with key1=121,
   * my_param=A and input name1/digest1 in context train; run 1 FINISHED with key1=123, my_param=A,
   * tag1=C and input name1/digest1 without that context; run 2, in another experiment, FAILED with
   * key1=125, my_param=B, tag1=D and input name2/digest2.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      value = {
        "~~                                                     | 0 1 2",
        "attributes.status = 'FAILED'                           | 0 2",
        "metrics.key1 = 123                                     | 1",
        "metrics.key1 != 123                                    | 0 2",
        "metrics.key1 >= 123                                    | 1 2",
        "params.my_param = 'A'                                  | 0 1",
        "tags.tag1 = 'D'                                        | 2",
        "tags.tag1 != 'D'                                       | 1",
        "params.my_param = 'A' AND attributes.status = 'FAILED' | 0",
        "datasets.name = 'name1'                                | 0 1",
        "datasets.name IN ('name1', 'name2')                    | 0 1 2",
        "datasets.digest IN ('$digest1', '$digest2')            | 0 1 2",
        "datasets.name = 'name1' AND datasets.digest = '$digest2' | ''",
        "datasets.context = 'train'                             | 0",
        "datasets.name = 'name1' AND datasets.context = 'train' | 0",
      })
  void correctFiltering(String filter, String expected) {
    Run r0 = cases.start("exp0", 0);
    r0.logMetric("key1", 121, 0).logParam("my_param", "A");
    r0.logInput(dataset("name1", "digest1"), "train");
    Run r1 = cases.start("exp0", 0);
    r1.logMetric("key1", 123, 0).logParam("my_param", "A").setTag("tag1", "C");
    r1.logInput(dataset("name1", "digest1"));
    Run r2 = cases.start("exp1", 0);
    r2.logMetric("key1", 125, 0).logParam("my_param", "B").setTag("tag1", "D");
    r2.logInput(dataset("name2", "digest2"));
    cases.end(r0, RunStatus.FAILED, 1);
    cases.end(r1, RunStatus.FINISHED, 1);
    cases.end(r2, RunStatus.FAILED, 1);

    String resolved =
        (filter == null ? "" : filter)
            .replace("$digest1", hexDigest("digest1"))
            .replace("$digest2", hexDigest("digest2"));
    assertThat(cases.search(resolved))
        .containsExactlyInAnyOrderElementsOf(pick(expected, r0, r1, r2));
  }

  // ------------------------------------------------------------------ attribute filters

  /** test_search_utils.py::test_filter_runs_by_start_time: runs started at 0, 1 and 2. */
  @Test
  void filterRunsByStartTime() {
    List<Run> runs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      runs.add(cases.start("e", i));
    }
    assertThat(cases.search("attribute.start_time >= 0"))
        .containsExactlyInAnyOrderElementsOf(ids(runs));
    assertThat(cases.search("attribute.start_time > 1")).containsExactly(runs.get(2).id());
    assertThat(cases.search("attribute.start_time = 2")).containsExactly(runs.get(2).id());
  }

  /** test_search_utils.py::test_filter_runs_by_end_time: runs ended at 0, 1 and 2. */
  @Test
  void filterRunsByEndTime() {
    List<Run> runs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      runs.add(cases.start("e", i));
    }
    for (int i = 0; i < 3; i++) {
      cases.end(runs.get(i), RunStatus.FINISHED, i);
    }
    assertThat(cases.search("attribute.end_time >= 0"))
        .containsExactlyInAnyOrderElementsOf(ids(runs));
    assertThat(cases.search("attribute.end_time > 1")).containsExactly(runs.get(2).id());
    assertThat(cases.search("attribute.end_time = 2")).containsExactly(runs.get(2).id());
  }

  /** test_search_utils.py::test_filter_runs_by_user_id: two users, one run each. */
  @Test
  void filterRunsByUserId() {
    cases.start("e", 1);
    try (Tracker other =
        Tracker.builder().workspace(workspace).user("user-id2").captureEnvironment(false).build()) {
      Run second = other.startRun("e");
      assertThat(cases.search("attribute.user_id = 'user-id2'")).containsExactly(second.id());
    }
  }

  /** test_search_utils.py::test_filter_runs_by_tag_and_param_is_null. */
  @Test
  void filterRunsByTagAndParamIsNull() {
    Run withTag = cases.start("e", 0).setTag("env", "prod");
    Run withParam = cases.start("e", 0).logParam("lr", "0.01");
    assertThat(cases.search("tags.env IS NOT NULL")).containsExactly(withTag.id());
    assertThat(cases.search("tags.env IS NULL")).containsExactly(withParam.id());
    assertThat(cases.search("params.lr IS NOT NULL")).containsExactly(withParam.id());
    assertThat(cases.search("params.lr IS NULL")).containsExactly(withTag.id());
  }

  /**
   * test_search_utils.py::test_bad_comparators: comparators a field does not take are refused when
   * searching, not only when parsing.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "metrics.abc ~ 1.0",
        "params.abc > 'my-param-value'",
        "tags.abc <= 'my-tag-value'",
        "attributes.status >= 'my-tag-value'",
        "attributes.start_time LIKE 1234",
        "attributes.start_time ILIKE 1234",
        "datasets.name < 'my-dataset-name'",
      })
  void badComparators(String filter) {
    cases.start("e", 0);
    assertThatThrownBy(() -> cases.search(filter)).isInstanceOf(InvalidFilterException.class);
  }

  // ------------------------------------------------------------------ test_correct_sorting

  /**
   * test_search_utils.py::test_correct_sorting. MLflow's runs "9" (index 0: FAILED, started at 0,
   * key1=121, my_param=A), "8" (index 1: FINISHED, started at 1, key1=123, my_param=A, tag1=C) and
   * "7" (index 2: FAILED, started at 1, key1=125, my_param=B, tag1=D) rely on "7" sorting before
   * "8" to break start-time ties; here the two runs started at 1 take the roles of "7" and "8" in
   * the order of their generated ids.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      value = {
        "~~                                                | 2 1 0",
        "tags.noSuchTag                                    | 2 1 0",
        "attributes.status                                 | 2 0 1",
        "attributes.start_time                             | 0 2 1",
        "metrics.key1 asc                                  | 0 1 2",
        "metrics.\"key1\"  desc                            | 2 1 0",
        "params.my_param                                   | 1 0 2",
        "params.my_param aSc; attributes.status  ASC       | 0 1 2",
        "params.my_param; attributes.status DESC           | 1 0 2",
        "params.my_param DESC; attributes.status   DESC    | 2 1 0",
        "params.`my_param` DESC; attributes.status DESC    | 2 1 0",
        "tags.tag1                                         | 1 2 0",
        "tags.tag1    DESC                                 | 2 1 0",
      })
  void correctSorting(String orderBy, String expected) {
    Run nine = cases.start("exp0", 0);
    Run a = cases.start("exp0", 1);
    Run b = cases.start("exp1", 1);
    boolean aFirst = a.id().compareTo(b.id()) < 0;
    Run seven = aFirst ? a : b;
    Run eight = aFirst ? b : a;
    nine.logMetric("key1", 121, 0).logParam("my_param", "A");
    eight.logMetric("key1", 123, 0).logParam("my_param", "A").setTag("tag1", "C");
    seven.logMetric("key1", 125, 0).logParam("my_param", "B").setTag("tag1", "D");
    cases.end(nine, RunStatus.FAILED, 1);
    cases.end(eight, RunStatus.FINISHED, 1);
    cases.end(seven, RunStatus.FAILED, 1);

    String[] keys = orderBy == null || orderBy.isEmpty() ? new String[0] : orderBy.split("; ");
    assertThat(cases.search("", keys))
        .containsExactlyElementsOf(pick(expected, nine, eight, seven));
  }

  /**
   * test_search_utils.py::test_order_by_metric_with_nans_infs_nones: numbers in order, then NaN,
   * then runs without the metric (MLflow's None), in either direction.
   */
  @Test
  void orderByMetricWithNansInfsNones() {
    Map<String, Run> byLabel = new java.util.LinkedHashMap<>();
    for (String label : List.of("nan", "inf", "-inf", "-1000", "0", "1000", "None")) {
      Run run = cases.start("e", 0);
      if (!label.equals("None")) {
        double x =
            label.equals("nan") ? Double.NaN : Double.parseDouble(label.replace("inf", "Infinity"));
        run.logMetric("x", x, 1);
      }
      byLabel.put(label, run);
    }
    assertThat(labels(cases.search("", "metrics.x asc"), byLabel))
        .containsExactly("-inf", "-1000", "0", "1000", "inf", "nan", "None");
    assertThat(labels(cases.search("", "metrics.x desc"), byLabel))
        .containsExactly("inf", "1000", "0", "-1000", "-inf", "nan", "None");
  }

  /**
   * test_search_utils.py::test_invalid_order_by_search_runs, the keys this library had accepted:
   * whitespace around the key. (The other invalid keys of that test are in {@link OrderByTest}.)
   */
  @ParameterizedTest
  @ValueSource(strings = {"params.my_param ", " params.my_param", "metrics.a DESC\t"})
  void invalidOrderBySearchRuns(String orderBy) {
    cases.start("e", 0);
    assertThatThrownBy(() -> cases.search("", orderBy))
        .isInstanceOf(InvalidFilterException.class)
        .hasMessageContaining("Whitespace");
  }

  // ------------------------------------------------------------------ helpers

  /** The runs at the indexes listed in {@code expected} ("0 2", or "''" for none). */
  private static List<String> pick(String expected, Run... runs) {
    if (expected == null || expected.isBlank() || expected.equals("''")) {
      return List.of();
    }
    return Arrays.stream(expected.trim().split("\\s+"))
        .map(i -> runs[Integer.parseInt(i)].id())
        .toList();
  }

  private static List<String> ids(List<Run> runs) {
    return runs.stream().map(Run::id).toList();
  }

  private static List<String> labels(List<String> ids, Map<String, Run> byLabel) {
    List<String> out = new ArrayList<>();
    for (String id : ids) {
      byLabel.forEach(
          (label, run) -> {
            if (run.id().equals(id)) {
              out.add(label);
            }
          });
    }
    return out;
  }
}
