package io.github.mlops4j.tracking;

import static io.github.mlops4j.tracking.MlflowCases.dataset;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run-search cases of MLflow's SQL store, mlflow/mlflow {@code
 * tests/store/tracking/test_sqlalchemy_store.py} (its {@code test_search_*} tests and the order-by,
 * run-name and latest-metric tests searches depend on), run through {@link Tracker#searchRuns} on a
 * real SQLite workspace. Each test names the MLflow test it ports; facts carry over, and where
 * MLflow's expectation differs on purpose the test says so and {@code docs/tracking.md} lists the
 * difference.
 */
class MlflowSqlStoreSearchCasesTest {
  @TempDir Path workspace;
  private MlflowCases cases;

  @BeforeEach
  void open() throws Exception {
    cases = new MlflowCases(freshStore(workspace));
  }

  /** A builder on an empty store; {@link MlflowSqlStoreSearchCasesPostgresIT} uses PostgreSQL. */
  Tracker.Builder freshStore(Path dir) throws Exception {
    return Tracker.builder().workspace(dir);
  }

  @AfterEach
  void close() {
    cases.close();
  }

  private List<String> search(String filter) {
    return cases.search(filter);
  }

  /** test_sqlalchemy_store.py::test_search_vanilla: view types, delete and restore. */
  @Test
  void searchVanilla() {
    List<String> runs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      runs.add(cases.start("search_vanilla", i).id());
    }
    assertThat(view(ViewType.ALL)).containsExactlyInAnyOrderElementsOf(runs);
    assertThat(view(ViewType.ACTIVE_ONLY)).containsExactlyInAnyOrderElementsOf(runs);
    assertThat(view(ViewType.DELETED_ONLY)).isEmpty();

    cases.tracker.deleteRun(runs.get(0));
    assertThat(view(ViewType.ALL)).containsExactlyInAnyOrderElementsOf(runs);
    assertThat(view(ViewType.ACTIVE_ONLY)).containsExactlyInAnyOrderElementsOf(runs.subList(1, 3));
    assertThat(view(ViewType.DELETED_ONLY)).containsExactly(runs.get(0));

    cases.tracker.restoreRun(runs.get(0));
    assertThat(view(ViewType.ALL)).containsExactlyInAnyOrderElementsOf(runs);
    assertThat(view(ViewType.ACTIVE_ONLY)).containsExactlyInAnyOrderElementsOf(runs);
    assertThat(view(ViewType.DELETED_ONLY)).isEmpty();
  }

  private List<String> view(ViewType type) {
    return cases.ids(RunQuery.builder().viewType(type).build(), Integer.MAX_VALUE);
  }

  /** test_sqlalchemy_store.py::test_search_params. */
  @Test
  void searchParams() {
    String r1 = cases.start("search_params", 0).logParams(paramsOrTags(true)).id();
    String r2 = cases.start("search_params", 0).logParams(paramsOrTags(false)).id();
    checkStringKeys("params", r1, r2);
  }

  /** test_sqlalchemy_store.py::test_search_tags. */
  @Test
  void searchTags() {
    String r1 = cases.start("search_tags", 0).setTags(paramsOrTags(true)).id();
    String r2 = cases.start("search_tags", 0).setTags(paramsOrTags(false)).id();
    checkStringKeys("tags", r1, r2);
    assertThat(search("tags.generic_tag = 'P_VAL'")).isEmpty();
    assertThat(search("tags.generic_tag != 'P_VAL'")).containsExactlyInAnyOrder(r1, r2);
    assertThat(search("tags.generic_2 ILIKE '%Other%' and tags.generic_tag = 'p_val'"))
        .containsExactly(r2);
    assertThat(search("tags.generic_2 ILIKE '%Other%' and tags.generic_tag ILIKE 'p_val'"))
        .containsExactly(r2);
  }

  /** The values both tests give their two runs, as params or as tags. */
  private static Map<String, String> paramsOrTags(boolean first) {
    return first
        ? Map.of(
            "generic_param",
            "p_val",
            "generic_tag",
            "p_val",
            "generic_2",
            "some value",
            "p_a",
            "abc")
        : Map.of(
            "generic_param",
            "p_val",
            "generic_tag",
            "p_val",
            "generic_2",
            "another value",
            "p_b",
            "ABC");
  }

  /** The expectations test_search_params and test_search_tags share. */
  private void checkStringKeys(String kind, String r1, String r2) {
    String generic = kind.equals("params") ? "params.generic_param" : "tags.generic_tag";
    assertThat(search(generic + " = 'p_val'")).containsExactlyInAnyOrder(r1, r2);
    assertThat(search(kind + ".generic_2 = 'some value'")).containsExactly(r1);
    assertThat(search(kind + ".generic_2 = 'another value'")).containsExactly(r2);
    assertThat(search(generic + " = 'wrong_val'")).isEmpty();
    assertThat(search(generic + " != 'p_val'")).isEmpty();
    assertThat(search(generic + " != 'wrong_val'")).containsExactlyInAnyOrder(r1, r2);
    assertThat(search(kind + ".generic_2 != 'wrong_val'")).containsExactlyInAnyOrder(r1, r2);
    assertThat(search(kind + ".p_a = 'abc'")).containsExactly(r1);
    assertThat(search(kind + ".p_a = 'ABC'")).isEmpty();
    assertThat(search(kind + ".p_a != 'ABC'")).containsExactly(r1);
    assertThat(search(kind + ".p_b = 'ABC'")).containsExactly(r2);
    assertThat(search(kind + ".generic_2 LIKE '%other%'")).containsExactly(r2);
    assertThat(search(kind + ".generic_2 LIKE 'other%'")).isEmpty();
    assertThat(search(kind + ".generic_2 LIKE '%other'")).isEmpty();
    assertThat(search(kind + ".generic_2 LIKE 'other'")).isEmpty();
    assertThat(search(kind + ".generic_2 LIKE '%Other%'")).isEmpty();
    assertThat(search(kind + ".generic_2 ILIKE '%Other%'")).containsExactly(r2);
  }

  /**
   * test_sqlalchemy_store.py::test_search_metrics: a metric compares by its latest value, the
   * highest step and then the latest timestamp ({@code Metric(key, value, timestamp, step)}).
   */
  @Test
  void searchMetrics() {
    Run run1 = cases.start("search_metric", 0);
    Run run2 = cases.start("search_metric", 0);
    String r1 = run1.id();
    String r2 = run2.id();
    cases.metric(run1, "common", 1.0, 1, 0);
    cases.metric(run2, "common", 1.0, 1, 0);
    cases.metric(run1, "measure_a", 1.0, 1, 0);
    cases.metric(run2, "measure_a", 200.0, 2, 0);
    cases.metric(run2, "measure_a", 400.0, 3, 0);
    cases.metric(run1, "m_a", 2.0, 2, 0);
    cases.metric(run2, "m_b", 3.0, 2, 0);
    cases.metric(run2, "m_b", 4.0, 8, 0); // the latest timestamp
    cases.metric(run2, "m_b", 8.0, 3, 0);

    for (String both :
        List.of(
            "metrics.common = 1.0",
            "metrics.common > 0.0",
            "metrics.common >= 0.0",
            "metrics.common < 4.0",
            "metrics.common <= 4.0",
            "metrics.measure_a > 0.0",
            "metrics.measure_a < 1000.0",
            "metrics.measure_a != -12.0")) {
      assertThat(search(both)).as(both).containsExactlyInAnyOrder(r1, r2);
    }
    for (String none :
        List.of(
            "metrics.common != 1.0",
            "metrics.common >= 3.0",
            "metrics.common <= 0.75",
            "metrics.m_b > 5.0")) {
      assertThat(search(none)).as(none).isEmpty();
    }
    assertThat(search("metrics.measure_a < 50.0")).containsExactly(r1);
    assertThat(search("metrics.measure_a > 50.0")).containsExactly(r2);
    assertThat(search("metrics.measure_a = 1.0")).containsExactly(r1);
    assertThat(search("metrics.measure_a = 400.0")).containsExactly(r2);
    assertThat(search("metrics.m_a > 1.0")).containsExactly(r1);
    assertThat(search("metrics.m_b > 1.0")).containsExactly(r2);
    assertThat(search("metrics.m_b = 4.0")).containsExactly(r2);
  }

  /**
   * test_sqlalchemy_store.py::test_search_attrs: status, and the artifact location. MLflow's is
   * {@code <artifact root>/<experiment id>/<run id>/artifacts}; here it is {@link
   * RunInfo#artifactUri()}, {@code mlflow-artifacts:/<experiment id>/<run id>/artifacts}. MLflow
   * refuses {@code attributes.experiment_id} and {@code attributes.lifecycle_stage}; this library
   * accepts them (a documented superset), checked at the end.
   */
  @Test
  void searchAttrs() {
    Run run1 = cases.start("search_attributes_1", 0);
    Run run2 = cases.start("search_attrs_2", 0);
    String r1 = run1.id();
    String r2 = run2.id();
    String e1 = run1.experimentId();
    String e2 = run2.experimentId();

    assertThat(search("")).containsExactlyInAnyOrder(r1, r2);
    assertThat(search("attribute.status != 'blah'")).containsExactlyInAnyOrder(r1, r2);
    assertThat(search("attribute.status = 'RUNNING'")).containsExactlyInAnyOrder(r1, r2);
    cases.end(run2, RunStatus.FAILED, 300);
    assertThat(search("attribute.status = 'RUNNING'")).containsExactly(r1);
    assertThat(search("attribute.status = 'FAILED'")).containsExactly(r2);
    assertThat(search("attribute.status != 'SCHEDULED'")).containsExactlyInAnyOrder(r1, r2);
    assertThat(search("attribute.status = 'SCHEDULED'")).isEmpty();
    assertThat(search("attribute.status = 'KILLED'")).isEmpty();

    String uri = cases.tracker.findRun(r1).orElseThrow().artifactUri();
    assertThat(uri).isEqualTo("mlflow-artifacts:/" + e1 + "/" + r1 + "/artifacts");
    assertThat(search("attr.artifact_uri = '" + uri + "'")).containsExactly(r1);
    String upper = "mlflow-artifacts:/" + e1 + "/" + r1.toUpperCase(Locale.ROOT) + "/artifacts";
    assertThat(search("attr.artifact_uri = '" + upper + "'")).isEmpty();
    assertThat(search("attr.artifact_uri != '" + upper + "'")).containsExactlyInAnyOrder(r1, r2);
    assertThat(search("attr.artifact_uri = 'mlflow-artifacts:/" + e2 + "/" + r1 + "/artifacts'"))
        .isEmpty();
    assertThat(search("attribute.artifact_uri = 'random_artifact_path'")).isEmpty();
    assertThat(search("attribute.artifact_uri != 'random_artifact_path'"))
        .containsExactlyInAnyOrder(r1, r2);
    String head = r1.substring(0, 16);
    String tail = r1.substring(r1.length() - 16);
    for (String part : List.of(r1, head, tail)) {
      assertThat(search("attribute.artifact_uri LIKE '%" + part + "%'")).containsExactly(r1);
      String up = part.toUpperCase(Locale.ROOT);
      assertThat(search("attribute.artifact_uri ILIKE '%" + up + "%'")).containsExactly(r1);
    }
    assertThat(search("attribute.artifact_uri LIKE '%" + r1.toUpperCase(Locale.ROOT) + "%'"))
        .isEmpty();

    // the superset: MLflow raises "Invalid attribute key" for these two
    assertThat(search("attribute.experiment_id = '" + e1 + "'")).containsExactly(r1);
    assertThat(search("attribute.lifecycle_stage = 'active'")).containsExactlyInAnyOrder(r1, r2);
  }

  /** test_sqlalchemy_store.py::test_search_full: params, metrics and LIKE together. */
  @Test
  void searchFull() {
    Run run1 = cases.start("search_params", 0);
    Run run2 = cases.start("search_params", 0);
    run1.logParam("generic_param", "p_val").logParam("p_a", "abc");
    run2.logParam("generic_param", "p_val").logParam("p_b", "ABC");
    cases.metric(run1, "common", 1.0, 1, 0);
    cases.metric(run2, "common", 1.0, 1, 0);
    cases.metric(run1, "m_a", 2.0, 2, 0);
    cases.metric(run2, "m_b", 3.0, 2, 0);
    cases.metric(run2, "m_b", 4.0, 8, 0);
    cases.metric(run2, "m_b", 8.0, 3, 0);
    String base = "params.generic_param = 'p_val' and metrics.common = 1.0";
    assertThat(search(base)).containsExactlyInAnyOrder(run1.id(), run2.id());
    assertThat(search(base + " and metrics.m_a > 1.0")).containsExactly(run1.id());
    assertThat(search(base + " and metrics.m_a > 1.0 and params.p_a LIKE 'a%'"))
        .containsExactly(run1.id());
    assertThat(search(base + " and metrics.m_a > 1.0 and params.p_a LIKE 'A%'")).isEmpty();
    assertThat(search(base + " and metrics.m_a > 1.0 and params.p_a ILIKE 'A%'"))
        .containsExactly(run1.id());
    assertThat(
            search(
                "params.random_bad_name = 'p_val' and metrics.common = 1.0 and metrics.m_a > 1.0"))
        .isEmpty();
    assertThat(search(base + " and metrics.m_a > 100.0")).isEmpty();
  }

  /**
   * test_sqlalchemy_store.py::test_search_with_max_results, with 30 runs instead of 1,200: the
   * newest first, and pages of any size up to the limit. MLflow also accepts a page size of 0
   * (answering nothing); here the smallest page is 1 (a documented difference).
   */
  @Test
  void searchWithMaxResults() {
    List<String> runs = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      runs.add(cases.start("search_with_max_results", i).id());
    }
    Collections.reverse(runs);
    assertThat(search("")).isEqualTo(runs);
    for (int n : new int[] {1, 2, 4, 8, 10, 20, 30, 50}) {
      assertThat(cases.ids(RunQuery.builder().maxResults(n).build(), 1))
          .isEqualTo(runs.subList(0, Math.min(30, n)));
    }
    assertThatThrownBy(() -> RunQuery.builder().maxResults(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RunQuery.builder().maxResults(RunQuery.MAX_RESULTS_LIMIT + 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * test_sqlalchemy_store.py::test_search_with_deterministic_max_results and
   * test_search_runs_pagination: runs started in the same millisecond come in run id order, in
   * pages of 4 with a token until the last.
   */
  @Test
  void searchWithDeterministicMaxResultsAndPagination() {
    List<String> runs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      runs.add(cases.start("deterministic", 10).id());
    }
    Collections.sort(runs);
    for (int n : new int[] {1, 2, 4, 8, 10, 20}) {
      assertThat(cases.ids(RunQuery.builder().maxResults(n).build(), 1))
          .isEqualTo(runs.subList(0, Math.min(10, n)));
    }
    RunPage page = cases.tracker.searchRuns(RunQuery.builder().maxResults(4).build());
    assertThat(page.runs()).extracting(RunInfo::runId).isEqualTo(runs.subList(0, 4));
    assertThat(page.nextPageToken()).isNotNull();
    page = nextPage(page);
    assertThat(page.runs()).extracting(RunInfo::runId).isEqualTo(runs.subList(4, 8));
    assertThat(page.nextPageToken()).isNotNull();
    page = nextPage(page);
    assertThat(page.runs()).extracting(RunInfo::runId).isEqualTo(runs.subList(8, 10));
    assertThat(page.nextPageToken()).isNull();
  }

  private RunPage nextPage(RunPage page) {
    return cases.tracker.searchRuns(
        RunQuery.builder().maxResults(4).pageToken(page.nextPageToken()).build());
  }

  /**
   * test_sqlalchemy_store.py::test_search_runs_run_name: the run name under its attribute spellings
   * and as the tag {@code mlflow.runName}, also after a rename. MLflow renames through {@code
   * update_run_info}; here setting the tag renames the run.
   */
  @Test
  void searchRunsRunName() {
    Run run1 = cases.tracker.newRun("run_name").name("run_name1").start();
    Run run2 = cases.tracker.newRun("run_name").name("run_name2").start();
    assertThat(search("attributes.run_name = 'run_name1'")).containsExactly(run1.id());
    assertThat(search("attributes.`Run name` = 'run_name1'")).containsExactly(run1.id());
    assertThat(search("attributes.`run name` = 'run_name2'")).containsExactly(run2.id());
    assertThat(search("attributes.`Run Name` = 'run_name2'")).containsExactly(run2.id());
    assertThat(search("tags.`mlflow.runName` = 'run_name2'")).containsExactly(run2.id());

    run1.setTag(Run.NAME_TAG, "new_run_name1");
    assertThat(run1.name()).isEqualTo("new_run_name1");
    assertThat(search("attributes.run_name = 'new_run_name1'")).containsExactly(run1.id());
    assertThat(search("tags.`mlflow.runName` = 'new_run_name1'")).containsExactly(run1.id());
    assertThat(search("tags.`mlflow.runName` = 'run_name1'")).isEmpty();
  }

  /**
   * test_sqlalchemy_store.py::test_update_run_name, as far as it applies: the tag mirrors the name
   * from the start and after a rename; setting the tag renames the run (MLflow's set_tag and
   * log_batch do too). MLflow lets the tag be deleted while the name stays; here a run cannot be
   * without the tag (a documented difference), and a name set both ways must agree.
   */
  @Test
  void updateRunName() {
    Run run = cases.tracker.newRun("update_run_name").name("name").start();
    assertThat(tags(run)).containsEntry(Run.NAME_TAG, "name");
    run.setTags(Map.of(Run.NAME_TAG, "newest name", "other", "x"));
    RunInfo info = cases.tracker.findRun(run.id()).orElseThrow();
    assertThat(info.runName()).isEqualTo("newest name");
    assertThat(info.tags()).containsEntry(Run.NAME_TAG, "newest name").containsEntry("other", "x");

    assertThatThrownBy(() -> run.setTag(Run.NAME_TAG, " "))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> cases.tracker.dao().deleteTag(run.id(), Run.NAME_TAG))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(tags(run)).containsEntry(Run.NAME_TAG, "newest name");

    // the name can come from the tag alone; a name and a tag that differ are refused
    Run tagged = cases.tracker.newRun("update_run_name").tag(Run.NAME_TAG, "from tag").start();
    assertThat(tagged.name()).isEqualTo("from tag");
    assertThat(search("attributes.run_name = 'from tag'")).containsExactly(tagged.id());
    assertThatThrownBy(
            () -> cases.tracker.newRun("update_run_name").name("a").tag(Run.NAME_TAG, "b").start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("differ");
    // an unnamed run's generated name is its tag too
    Run unnamed = cases.tracker.startRun("update_run_name");
    assertThat(tags(unnamed)).containsEntry(Run.NAME_TAG, unnamed.name());
  }

  private Map<String, String> tags(Run run) {
    return cases.tracker.findRun(run.id()).orElseThrow().tags();
  }

  /** test_sqlalchemy_store.py::test_search_runs_run_id: =, !=, IN and NOT IN on run ids. */
  @Test
  void searchRunsRunId() {
    Run run1 = cases.start("run_id", 1);
    Run run2 = cases.start("run_id", 2);
    String id1 = run1.id();
    String id2 = run2.id();
    assertThat(search("attributes.run_id = '" + id1 + "'")).containsExactly(id1);
    assertThat(search("attributes.run_id != '" + id1 + "'")).containsExactly(id2);
    assertThat(search("attributes.run_id IN ('" + id1 + "')")).containsExactly(id1);
    assertThat(search("attributes.run_id NOT IN ('" + id1 + "')")).containsExactly(id2);
    assertThat(search("run_name = '" + run1.name() + "' AND run_id IN ('" + id1 + "')"))
        .containsExactly(id1);
    for (String sep : List.of(",", ", ", ",  ")) {
      assertThat(search("attributes.run_id IN ('" + id1 + "'" + sep + "'" + id2 + "')"))
          .containsExactly(id2, id1);
    }
    assertThat(search("attributes.run_id NOT IN ('" + id1 + "', '" + id2 + "')")).isEmpty();
  }

  /** test_sqlalchemy_store.py::test_search_runs_start_time_alias: created and Created. */
  @Test
  void searchRunsStartTimeAlias() {
    cases.at(1);
    String id1 = cases.tracker.newRun("alias").name("name").start().id();
    cases.at(2);
    String id2 = cases.tracker.newRun("alias").name("name").start().id();
    assertThat(cases.search("attributes.run_name = 'name'", "attributes.start_time DESC"))
        .containsExactly(id2, id1);
    assertThat(cases.search("attributes.run_name = 'name'", "attributes.created ASC"))
        .containsExactly(id1, id2);
    assertThat(cases.search("attributes.run_name = 'name'", "attributes.Created DESC"))
        .containsExactly(id2, id1);
    assertThat(search("attributes.start_time > 0")).containsExactlyInAnyOrder(id1, id2);
    assertThat(search("attributes.created > 1")).containsExactly(id2);
    assertThat(search("attributes.Created > 2")).isEmpty();
  }

  /**
   * test_sqlalchemy_store.py::test_search_runs_datasets: each dataset condition may be met by a
   * different input of the run.
   */
  @Test
  void searchRunsDatasets() {
    Run run1 = cases.start("datasets", 1);
    Run run2 = cases.start("datasets", 3);
    Run run3 = cases.start("datasets", 2);
    run1.logInput(dataset("name1", "digest1"), "train");
    run1.logInput(dataset("name2", "digest2"), "eval");
    run2.logInput(dataset("name1", "digest1"), "train");
    run2.logInput(dataset("name3", "digest3"), "eval");
    run3.logInput(dataset("name2", "digest2"), "test");
    String id1 = run1.id();
    String id2 = run2.id();
    String id3 = run3.id();
    String d1 = MlflowCases.hexDigest("digest1");
    String d2 = MlflowCases.hexDigest("digest2");

    assertThat(search("dataset.name = 'name1'")).containsExactlyInAnyOrder(id1, id2);
    assertThat(search("dataset.digest = '" + d2 + "'")).containsExactlyInAnyOrder(id1, id3);
    assertThat(search("dataset.name = 'name4'")).isEmpty();
    assertThat(search("dataset.context = 'train'")).containsExactlyInAnyOrder(id1, id2);
    assertThat(search("dataset.context = 'test'")).containsExactly(id3);
    assertThat(search("dataset.context = 'test' and dataset.name = 'name2'")).containsExactly(id3);
    assertThat(search("dataset.name = 'name2' and dataset.context = 'test'")).containsExactly(id3);
    assertThat(search("datasets.name IN ('name1', 'name2')"))
        .containsExactlyInAnyOrder(id1, id2, id3);
    assertThat(search("datasets.digest IN ('" + d1 + "', '" + d2 + "')"))
        .containsExactlyInAnyOrder(id1, id2, id3);
    assertThat(search("datasets.name LIKE 'Name%'")).isEmpty();
    assertThat(search("datasets.name ILIKE 'Name%'")).containsExactlyInAnyOrder(id1, id2, id3);
    assertThat(search("datasets.context ILIKE 'test%'")).containsExactly(id3);
  }

  /**
   * test_sqlalchemy_store.py::test_order_by_metric_tag_param: eight runs started together, named
   * "x/y" for their metrics x and y (none for the first); ascending, -inf before numbers before
   * inf, then NaN, then runs without the metric; ties broken by the second key.
   */
  @Test
  void orderByMetricTagParam() {
    String[] xs = {null, "nan", "inf", "-inf", "-1000", "0", "0", "1000"};
    Map<String, String> names = new LinkedHashMap<>();
    for (int i = 0; i < xs.length; i++) {
      String y = Integer.toString(i + 1);
      String name = xs[i] + "/" + y;
      Run run = cases.tracker.newRun("order_by").name(name).tag("metric", y).start();
      if (xs[i] != null) {
        run.logMetric("x", number(xs[i]), 0);
        run.logMetric("y", Double.parseDouble(y), 0);
      }
      run.logParam("metric", y);
      names.put(run.id(), name);
    }
    List<String> asc = List.of("-inf/4", "-1000/5", "0/6", "0/7", "1000/8", "inf/3", "nan/2");
    assertThat(ordered(names, "metrics.x asc", "metrics.y asc")).isEqualTo(plusNone(asc));
    assertThat(ordered(names, "metrics.x asc", "tag.metric asc")).isEqualTo(plusNone(asc));
    List<String> ascDesc = List.of("-inf/4", "-1000/5", "0/7", "0/6", "1000/8", "inf/3", "nan/2");
    assertThat(ordered(names, "metrics.x asc", "metrics.y desc")).isEqualTo(plusNone(ascDesc));
    assertThat(ordered(names, "metrics.x asc", "tag.metric desc")).isEqualTo(plusNone(ascDesc));
    assertThat(ordered(names, "metrics.x desc", "metrics.y asc"))
        .isEqualTo(
            plusNone(List.of("inf/3", "1000/8", "0/6", "0/7", "-1000/5", "-inf/4", "nan/2")));
    assertThat(ordered(names, "metrics.x desc", "param.metric desc"))
        .isEqualTo(
            plusNone(List.of("inf/3", "1000/8", "0/7", "0/6", "-1000/5", "-inf/4", "nan/2")));
  }

  private static double number(String text) {
    return text.equals("nan") ? Double.NaN : Double.parseDouble(text.replace("inf", "Infinity"));
  }

  private static List<String> plusNone(List<String> names) {
    List<String> out = new ArrayList<>(names);
    out.add("null/1");
    return out;
  }

  private List<String> ordered(Map<String, String> names, String... orderBy) {
    return cases.search("", orderBy).stream().map(names::get).toList();
  }

  /**
   * test_sqlalchemy_store.py::test_order_by_attributes: end times with one run still running (no
   * end time), last in either direction; then start time before end time.
   */
  @Test
  void orderByAttributes() {
    Map<String, String> names = new LinkedHashMap<>();
    long start = 123;
    for (Long end : new Long[] {234L, null, 456L, -123L, 789L, 123L}) {
      Run run = cases.start("order_by_attributes", start);
      names.put(run.id(), String.valueOf(end));
      if (end != null) {
        cases.end(run, RunStatus.FINISHED, end);
      }
      start++;
    }
    assertThat(ordered(names, "attribute.end_time asc"))
        .containsExactly("-123", "123", "234", "456", "789", "null");
    assertThat(ordered(names, "attribute.end_time desc"))
        .containsExactly("789", "456", "234", "123", "-123", "null");
    assertThat(ordered(names, "attribute.start_time asc", "attribute.end_time desc"))
        .containsExactly("234", "null", "456", "-123", "789", "123");
  }

  /**
   * test_sqlalchemy_store.py::test_get_orderby_clauses: a field ordered by twice is refused, fields
   * of different kinds with one key are not. Here spellings of one field count as one ({@code
   * start_time} and {@code created}), whatever the direction.
   */
  @Test
  void duplicateOrderByFields() {
    cases.start("e", 0);
    for (String[] keys :
        List.of(
            new String[] {"attribute.start_time", "attribute.start_time"},
            new String[] {"param.p", "param.p"},
            new String[] {"metric.m", "metric.m"},
            new String[] {"tag.t", "tag.t"},
            new String[] {"start_time ASC", "created DESC"},
            new String[] {"params.p", "metrics.m", "params.`p` DESC"})) {
      assertThatThrownBy(() -> cases.search("", keys))
          .as(String.join(", ", keys))
          .isInstanceOf(InvalidFilterException.class)
          .hasMessageContaining("order by each field once");
    }
    assertThat(cases.search("", "param.a", "metric.a", "tag.a")).hasSize(1);
  }

  /**
   * test_sqlalchemy_store.py::test_log_metric_allows_multiple_values_at_same_ts_and_run_data_uses_max_ts_value:
   * the latest value is the maximum of (step, timestamp, value), logged in reverse; every point is
   * kept in the history. Logged in one batch and one point per batch, so that both the writer's
   * choice within a batch and the stored row's update across batches follow the rule.
   */
  @Test
  void latestMetricIsTheMaxOfStepTimestampValue() {
    long[][] points = {
      {0, 100, 1000},
      {3, 40, 100},
      {3, 50, 10},
      {3, 50, 20},
      {3, 50, 20},
      {-3, 900, 900},
      {-1, 800, 800},
    };
    for (boolean flushEach : new boolean[] {false, true}) {
      Run run = cases.start("latest", 0);
      for (int i = points.length - 1; i >= 0; i--) {
        cases.metric(run, "test-metric-1", points[i][2], points[i][1], points[i][0]);
        if (flushEach) {
          cases.tracker.flush(Duration.ofSeconds(30));
        }
      }
      cases.tracker.flush(Duration.ofSeconds(30));
      MetricPoint latest =
          cases.tracker.findRun(run.id()).orElseThrow().metrics().get("test-metric-1");
      assertThat(latest.step()).as("flush each: %s", flushEach).isEqualTo(3);
      assertThat(latest.timestamp().toEpochMilli()).isEqualTo(50);
      assertThat(latest.value()).isEqualTo(20.0);
      assertThat(cases.tracker.metricHistory(run.id(), "test-metric-1")).hasSize(points.length);
      assertThat(search("metrics.`test-metric-1` = 20")).contains(run.id());
    }
  }

  /**
   * The tie rule beyond MLflow's test: a number beats NaN at the same step and timestamp (MLflow
   * stores NaN as 0 with a flag, so there a negative number loses to it), and equal values keep the
   * first logged.
   */
  @Test
  void latestMetricTiesRankNanBelowNumbers() {
    for (boolean flushEach : new boolean[] {false, true}) {
      Run run = cases.start("nan ties", 0);
      for (double v : new double[] {Double.NaN, -5.0, Double.NaN}) {
        cases.metric(run, "m", v, 7, 1);
        if (flushEach) {
          cases.tracker.flush(Duration.ofSeconds(30));
        }
      }
      cases.tracker.flush(Duration.ofSeconds(30));
      assertThat(cases.tracker.findRun(run.id()).orElseThrow().metrics().get("m").value())
          .as("flush each: %s", flushEach)
          .isEqualTo(-5.0);
    }
  }
}
