package io.github.mlops4j.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.artifacts.ArtifactCorruptedException;
import io.github.mlops4j.data.DatasetVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every tracking backend must show. Extended once per store: SQLite ({@link
 * SqliteTrackerIT}) and PostgreSQL ({@link PostgresTrackerIT}).
 */
abstract class TrackerContract {
  @TempDir Path temp;
  Tracker tracker;

  /** A builder for a tracker over a fresh, empty store whose artifacts go under {@code temp}. */
  abstract Tracker.Builder freshStore(Path temp) throws Exception;

  /** The file holding the stored bytes of object {@code digest}, for tampering with it. */
  Path storedBytes(String digest) throws IOException {
    return ((io.github.mlops4j.artifacts.DirectoryArtifactStore) tracker.store().artifacts())
        .path(digest);
  }

  @BeforeEach
  void openTracker() throws Exception {
    tracker = freshStore(temp).captureEnvironment(true).workingDirectory(temp).build();
  }

  @AfterEach
  void closeTracker() {
    tracker.close(Duration.ofSeconds(30));
  }

  private RunInfo info(Run run) {
    return tracker.findRun(run.id()).orElseThrow();
  }

  @Test
  void run_roundTripsParamsTagsMetricsAndStatus() {
    String id;
    try (Run run = tracker.newRun("churn").name("baseline").tag("team", "risk").start()) {
      id = run.id();
      run.logParam("lr", "0.05").logParams(Map.of("epochs", "10", "model", "sgd"));
      run.setTag("stage", "dev");
      run.logMetric("loss", 0.9, 0).logMetric("loss", 0.5, 1).logMetric("loss", 0.41, 2);
      run.logMetric("auc", 0.8);
      assertThat(info(run).status()).isEqualTo(RunStatus.RUNNING);
    }
    RunInfo info = tracker.findRun(id).orElseThrow();
    assertThat(info.status()).isEqualTo(RunStatus.FINISHED);
    assertThat(info.endTime()).isPresent();
    assertThat(info.runName()).isEqualTo("baseline");
    assertThat(info.params())
        .containsExactlyInAnyOrderEntriesOf(Map.of("lr", "0.05", "epochs", "10", "model", "sgd"));
    assertThat(info.tags())
        .containsEntry("team", "risk")
        .containsEntry("stage", "dev")
        .containsKey(Environment.JAVA_VERSION)
        .containsKey(Environment.OS_ARCH)
        .containsKey(Environment.HOST)
        .containsKey(Tracker.USER_TAG);
    assertThat(info.metrics().get("loss").value()).isEqualTo(0.41);
    assertThat(info.metrics().get("loss").step()).isEqualTo(2);
    assertThat(info.metrics().get("auc").value()).isEqualTo(0.8);
    assertThat(tracker.metricHistory(id, "loss"))
        .extracting(MetricPoint::value)
        .containsExactly(0.9, 0.5, 0.41);
    assertThat(tracker.experiments()).extracting(Experiment::name).containsExactly("churn");
  }

  @Test
  void latestMetric_isHighestStepThenLatestTime() {
    try (Run run = tracker.startRun("e")) {
      run.logMetric("m", 5, 10).logMetric("m", 1, 3).logMetric("m", 7, 10);
      tracker.flush(Duration.ofSeconds(10));
      run.logMetric("m", 2, 9);
      tracker.flush(Duration.ofSeconds(10));
      assertThat(info(run).metrics().get("m").value()).isEqualTo(7);
    }
  }

  @Test
  void nanAndInfinitiesRoundTripExactly() {
    double weirdNan = Double.longBitsToDouble(0x7ff8_0000_dead_beefL);
    double[] values = {
      Double.NaN,
      weirdNan,
      Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY,
      -0.0,
      Double.MIN_VALUE,
      Double.MAX_VALUE
    };
    try (Run run = tracker.startRun("e")) {
      for (int i = 0; i < values.length; i++) {
        run.logMetric("x", values[i], i);
        run.logMetric("last" + i, values[i], 0);
      }
      tracker.flush(Duration.ofSeconds(10));
      List<MetricPoint> history = tracker.metricHistory(run.id(), "x");
      assertThat(history).hasSize(values.length);
      RunInfo info = info(run);
      for (int i = 0; i < values.length; i++) {
        assertThat(Double.doubleToRawLongBits(history.get(i).value()))
            .isEqualTo(Double.doubleToRawLongBits(values[i]));
        assertThat(Double.doubleToRawLongBits(info.metrics().get("last" + i).value()))
            .isEqualTo(Double.doubleToRawLongBits(values[i]));
      }
      // NaN never satisfies a comparison; infinity does.
      assertThat(tracker.searchRuns("e", "metrics.last0 > 0 or metrics.last0 <= 0")).isEmpty();
      assertThat(tracker.searchRuns("e", "metrics.last2 > 1e308")).hasSize(1);
    }
  }

  @Test
  void params_areImmutable_andLogParamsIsAllOrNothing() {
    try (Run run = tracker.startRun("e")) {
      run.logParam("lr", "0.05");
      run.logParam("lr", "0.05");
      assertThatThrownBy(() -> run.logParam("lr", "0.1"))
          .isInstanceOf(ParamConflictException.class)
          .hasMessageContaining("'lr'")
          .hasMessageContaining("0.05")
          .hasMessageContaining("0.1");
      Map<String, String> batch = new LinkedHashMap<>();
      batch.put("a", "1");
      batch.put("lr", "0.2");
      assertThatThrownBy(() -> run.logParams(batch)).isInstanceOf(ParamConflictException.class);
      assertThat(info(run).params()).containsExactly(Map.entry("lr", "0.05"));
    }
  }

  @Test
  void limits_rejectOverlongValuesAndBadKeys_withoutTruncating() {
    try (Run run = tracker.startRun("e")) {
      assertThatThrownBy(() -> run.logParam("k".repeat(251), "v"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("251");
      run.logParam("k".repeat(250), "v".repeat(6000));
      assertThatThrownBy(() -> run.logParam("p", "v".repeat(6001)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not truncated");
      run.setTag("t", "v".repeat(8000));
      assertThatThrownBy(() -> run.setTag("t2", "v".repeat(8001)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("8000");
      for (String bad :
          List.of("", "../x", "/abs", "a//b", "a\u0000b", "semi;colon", "a/./b", ".")) {
        assertThatThrownBy(() -> run.logMetric(bad, 1.0))
            .as(bad)
            .isInstanceOf(IllegalArgumentException.class);
      }
      run.logMetric("ok key/with-all_chars.1", 1.0);
      assertThat(info(run).params()).doesNotContainKey("p");
      assertThat(info(run).tags()).doesNotContainKey("t2").containsEntry("t", "v".repeat(8000));
    }
  }

  @Test
  void endedRun_refusesLogging() {
    Run run = tracker.startRun("e");
    run.fail(new IllegalStateException("diverged"));
    run.close();
    assertThat(info(run).status()).isEqualTo(RunStatus.FAILED);
    assertThat(info(run).tags().get(Run.ERROR_TAG)).contains("diverged");
    assertThatThrownBy(() -> run.logMetric("x", 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("FAILED");
    assertThatThrownBy(() -> run.logParam("x", "1")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> tracker.resumeRun(run.id())).isInstanceOf(IllegalStateException.class);
    Run killed = tracker.startRun("e");
    killed.kill();
    assertThat(info(killed).status()).isEqualTo(RunStatus.KILLED);
  }

  @Test
  void staleHandle_ofARunEndedThroughAnotherTracker_writesNothing() throws IOException {
    Run run = tracker.startRun("e");
    run.logParam("lr", "0.1").setTag("stage", "train").logMetric("loss", 1.0, 0);
    try (Tracker other =
        Tracker.builder().store(tracker.store()).captureEnvironment(false).build()) {
      Run stale = other.resumeRun(run.id());
      run.close(); // another process finishes the run
      Path file = Files.writeString(temp.resolve("late.txt"), "late");

      assertThatThrownBy(() -> stale.logParam("late", "1"))
          .isInstanceOfSatisfying(
              RunEndedException.class,
              e -> {
                assertThat(e.runId()).isEqualTo(run.id());
                assertThat(e.status()).isEqualTo(RunStatus.FINISHED);
              })
          .hasMessageContaining(run.id())
          .hasMessageContaining("FINISHED");
      assertThatThrownBy(() -> stale.setTag("late", "1")).isInstanceOf(RunEndedException.class);
      assertThatThrownBy(() -> stale.logArtifact(file)).isInstanceOf(RunEndedException.class);
      assertThatThrownBy(() -> stale.logInput(DatasetVersion.of(file)))
          .isInstanceOf(RunEndedException.class);
      stale.fail(new IllegalStateException("late failure"));
      assertThat(stale.status()).isEqualTo(RunStatus.FINISHED);

      RunInfo info = info(run);
      assertThat(info.status()).isEqualTo(RunStatus.FINISHED);
      assertThat(info.params()).containsOnlyKeys("lr");
      assertThat(info.tags()).doesNotContainKeys("late", Run.ERROR_TAG);
      assertThat(info.artifacts()).isEmpty();
      assertThat(info.inputs()).isEmpty();
    }
  }

  @Test
  void staleHandle_metricsForAnEndedRun_areDroppedAndCounted_andLaterOnesRefused() {
    Run run = tracker.startRun("e");
    try (Tracker other =
        Tracker.builder().store(tracker.store()).captureEnvironment(false).build()) {
      Run stale = other.resumeRun(run.id());
      stale.logMetric("loss", 1.0, 0);
      assertThat(other.flush(Duration.ofSeconds(30))).isTrue();
      run.kill(); // ended elsewhere while the stale handle keeps logging

      // Queued (no I/O here); the writer finds the run ended when it stores the point. One call
      // only: after that point is dropped, the handle fails fast (asserted below).
      stale.logMetric("acc", 0.5, 1);
      assertThat(other.flush(Duration.ofSeconds(30))).isTrue();

      assertThat(other.rejectedMetricPoints()).isEqualTo(1);
      assertThat(other.storedMetricPoints()).isEqualTo(1);
      assertThat(tracker.metricHistory(run.id(), "loss"))
          .extracting(MetricPoint::step)
          .containsExactly(0L);
      assertThat(info(run).metrics()).containsOnlyKeys("loss");
      assertThatThrownBy(() -> stale.logMetric("loss", 0.1, 2))
          .isInstanceOf(RunEndedException.class)
          .hasMessageContaining("KILLED");
      assertThat(stale.status()).isEqualTo(RunStatus.KILLED);
    }
  }

  @Test
  void secondHandleInTheSameTracker_isStaleOnceTheRunEnds() {
    Run run = tracker.startRun("e");
    Run resumed = tracker.resumeRun(run.id());
    resumed.close();

    assertThatThrownBy(() -> run.setTag("after", "end")).isInstanceOf(RunEndedException.class);
    run.fail(new RuntimeException("too late"));
    assertThat(info(run).status()).isEqualTo(RunStatus.FINISHED);
    assertThat(info(run).tags()).doesNotContainKeys("after", Run.ERROR_TAG);
  }

  @Test
  void unknownRunIds_areClearErrors() {
    assertThat(tracker.findRun("nope")).isEmpty();
    assertThatThrownBy(() -> tracker.metricHistory("nope", "loss"))
        .isInstanceOf(RunNotFoundException.class)
        .hasMessageContaining("nope");
    assertThatThrownBy(() -> tracker.resumeRun("nope")).isInstanceOf(RunNotFoundException.class);
    assertThatThrownBy(() -> tracker.deleteRun("nope")).isInstanceOf(RunNotFoundException.class);
    assertThatThrownBy(() -> tracker.newRun("e").parent("nope").start())
        .isInstanceOf(RunNotFoundException.class);
  }

  @Test
  void closedTracker_refusesEverything() {
    Run run = tracker.startRun("e");
    run.logMetric("x", 1, 0);
    tracker.close();
    assertThatThrownBy(() -> run.logMetric("x", 2, 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> tracker.startRun("e")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> tracker.findRun(run.id())).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void nestedRuns_andResume() {
    try (Run parent = tracker.startRun("cv")) {
      List<String> children = new ArrayList<>();
      for (int fold = 0; fold < 3; fold++) {
        try (Run child = parent.newChildRun().name("fold-" + fold).start()) {
          child.logMetric("acc", 0.8 + fold / 100.0, fold);
          children.add(child.id());
        }
      }
      // Oldest first; children started within one millisecond are ordered by run id.
      assertThat(tracker.childRuns(parent.id())).containsExactlyInAnyOrderElementsOf(children);
      assertThat(tracker.findRun(children.get(0)).orElseThrow().parentRunId())
          .contains(parent.id());
      assertThat(tracker.searchRuns("cv", "attributes.parent_run_id = '" + parent.id() + "'"))
          .extracting(RunInfo::runId)
          .containsExactlyInAnyOrderElementsOf(children);
      Run again = tracker.resumeRun(parent.id());
      again.logParam("folds", "3");
      assertThat(info(parent).params()).containsEntry("folds", "3");
    }
  }

  @Test
  void deleteAndRestore_hideRunsFromSearch() {
    Run a = tracker.startRun("e");
    Run b = tracker.startRun("e");
    a.close();
    b.close();
    tracker.deleteRun(a.id());
    assertThat(tracker.searchRuns("e", "")).extracting(RunInfo::runId).containsExactly(b.id());
    assertThat(
            tracker
                .searchRuns(
                    RunQuery.builder().experiments("e").viewType(ViewType.DELETED_ONLY).build())
                .runs())
        .extracting(RunInfo::runId)
        .containsExactly(a.id());
    assertThat(tracker.findRun(a.id()).orElseThrow().deleted()).isTrue();
    tracker.restoreRun(a.id());
    assertThat(tracker.searchRuns("e", "")).hasSize(2);
  }

  @Test
  void search_filtersOrdersAndPages() {
    for (int i = 0; i < 25; i++) {
      try (Run run = tracker.newRun("grid").name("r" + i).start()) {
        run.logParam("lr", i % 2 == 0 ? "0.05" : "0.1");
        run.setTag("family", i % 3 == 0 ? "tree" : "linear");
        run.logMetric("auc", 0.5 + i / 100.0);
      }
    }
    try (Run other = tracker.startRun("other")) {
      other.logMetric("auc", 0.99);
    }
    assertThat(tracker.searchRuns("grid", "metrics.auc > 0.6 and params.lr = '0.05'"))
        .extracting(RunInfo::runName)
        .containsExactlyInAnyOrder("r12", "r14", "r16", "r18", "r20", "r22", "r24");
    assertThat(
            tracker.searchRuns(
                "grid", "(tags.family = 'tree' or params.lr = '0.1') and not metrics.auc >= 0.52"))
        .extracting(RunInfo::runName)
        .containsExactlyInAnyOrder("r0", "r1");
    assertThat(tracker.searchRuns("grid", "attributes.run_name LIKE 'r2%'")).hasSize(6);

    RunQuery.Builder query =
        RunQuery.builder().experiments("grid").orderBy("metrics.auc DESC").maxResults(10);
    List<String> seen = new ArrayList<>();
    RunPage page = tracker.searchRuns(query.build());
    seen.addAll(page.runs().stream().map(RunInfo::runName).toList());
    while (page.nextPageToken() != null) {
      page = tracker.searchRuns(query.pageToken(page.nextPageToken()).build());
      seen.addAll(page.runs().stream().map(RunInfo::runName).toList());
    }
    List<String> expected = new ArrayList<>();
    for (int i = 24; i >= 0; i--) {
      expected.add("r" + i);
    }
    assertThat(seen).containsExactlyElementsOf(expected);

    assertThatThrownBy(
            () ->
                tracker.searchRuns(
                    RunQuery.builder()
                        .experiments("other")
                        .pageToken(
                            tracker.searchRuns(query.pageToken(null).build()).nextPageToken())
                        .build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not issued");
    assertThatThrownBy(() -> tracker.searchRuns("grid", "metrics.auc >> 1"))
        .isInstanceOf(InvalidFilterException.class)
        .satisfies(e -> assertThat(((InvalidFilterException) e).position()).isEqualTo(13));
    // An unknown experiment used to answer no runs; it is an error naming the known ones.
    assertThatThrownBy(() -> tracker.searchRuns("missing-experiment", ""))
        .isInstanceOf(ExperimentNotFoundException.class)
        .hasMessageContaining("'grid'");
  }

  @Test
  void artifacts_areContentAddressedAndVerified() throws IOException {
    Path model = Files.writeString(temp.resolve("model.txt"), "weights v1");
    Path dir = Files.createDirectories(temp.resolve("report"));
    Files.writeString(dir.resolve("index.html"), "<h1>ok</h1>");
    Files.createDirectories(dir.resolve("img"));
    Files.writeString(dir.resolve("img/a.txt"), "weights v1");
    String first;
    try (Run run = tracker.startRun("e")) {
      first = run.id();
      List<ArtifactInfo> a = run.logArtifact(model);
      assertThat(a)
          .singleElement()
          .satisfies(
              x -> {
                assertThat(x.path()).isEqualTo("model.txt");
                assertThat(x.sizeBytes()).isEqualTo(10);
              });
      List<ArtifactInfo> tree = run.logArtifact(dir, "reports/r1");
      assertThat(tree)
          .extracting(ArtifactInfo::path)
          .containsExactly("reports/r1/img/a.txt", "reports/r1/index.html");
      assertThat(tree.get(0).digest()).isEqualTo(a.get(0).digest());
      for (String bad : List.of("../escape", "/etc/passwd", "a/../../b", "nul\u0000")) {
        assertThatThrownBy(() -> run.logArtifact(model, bad))
            .as(bad)
            .isInstanceOf(IllegalArgumentException.class);
      }
    }
    try (Run second = tracker.startRun("e")) {
      second.logArtifact(model, "copy.txt");
    }
    try (InputStream in = tracker.openArtifact(first, "model.txt")) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("weights v1");
    }
    // Tamper with the stored object: reading it back must fail, not return the wrong bytes.
    String digest = tracker.findRun(first).orElseThrow().artifacts().get(0).digest();
    Path object = storedBytes(digest);
    object.toFile().setWritable(true);
    Files.writeString(object, "weights v2");
    assertThatThrownBy(
            () -> {
              try (InputStream in = tracker.openArtifact(first, "model.txt")) {
                in.readAllBytes();
              }
            })
        .isInstanceOf(ArtifactCorruptedException.class);
    assertThatThrownBy(() -> tracker.openArtifact(first, "missing.txt"))
        .isInstanceOf(TrackingException.class)
        .hasMessageContaining("missing.txt");
  }

  @Test
  void datasetInputs_andLineage() throws IOException {
    Path csv = Files.writeString(temp.resolve("train.csv"), "a,b\n1,2\n3,4\n");
    DatasetVersion data = DatasetVersion.of(csv);
    String r1;
    String r2;
    try (Run run = tracker.startRun("e")) {
      r1 = run.id();
      run.logInput(data, "train");
      run.logInput(data, "train");
    }
    try (Run run = tracker.startRun("e")) {
      r2 = run.id();
      run.logInput(data, "eval");
    }
    assertThat(tracker.inputs(r1))
        .singleElement()
        .satisfies(
            in -> {
              assertThat(in.context()).isEqualTo("train");
              assertThat(in.dataset().digest()).isEqualTo(data.digest());
              assertThat(in.dataset().rowCount()).isEqualTo(2);
              assertThat(in.dataset().name()).isEqualTo("train.csv");
            });
    assertThat(tracker.runsUsingDataset(data.digest())).containsExactlyInAnyOrder(r1, r2);
    assertThat(
            tracker.searchRuns(
                "e",
                "datasets.digest = '" + data.digest() + "'" + " and datasets.context = 'eval'"))
        .extracting(RunInfo::runId)
        .containsExactly(r2);
  }

  @Test
  void manyThreads_manyRuns_loseNothing() throws Exception {
    int threads = 8;
    int points = 5_000;
    List<Run> runs = List.of(tracker.startRun("load"), tracker.startRun("load"));
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      done.add(
          pool.submit(
              () -> {
                start.await();
                Run run = runs.get(thread % 2);
                for (int i = 0; i < points; i++) {
                  run.logMetric("t" + thread, i, i);
                  run.logMetric("shared", thread, (long) thread * points + i);
                }
                return null;
              }));
    }
    start.countDown();
    for (Future<?> f : done) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    runs.forEach(Run::close);
    for (int t = 0; t < threads; t++) {
      List<MetricPoint> h = tracker.metricHistory(runs.get(t % 2).id(), "t" + t);
      assertThat(h).hasSize(points);
      for (int i = 0; i < points; i++) {
        assertThat(h.get(i).step()).isEqualTo(i); // one producer per series keeps its order
      }
    }
    for (Run run : runs) {
      Set<Long> steps = new HashSet<>();
      tracker.metricHistory(run.id(), "shared").forEach(p -> steps.add(p.step()));
      assertThat(steps).hasSize(threads / 2 * points);
    }
  }

  @Test
  void experimentGetOrCreate_neverDuplicates() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    ConcurrentLinkedQueue<String> ids = new ConcurrentLinkedQueue<>();
    List<Future<?>> futures = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      futures.add(pool.submit(() -> ids.add(tracker.createExperiment("racy").id())));
    }
    for (Future<?> f : futures) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(new HashSet<>(ids)).hasSize(1);
    assertThat(tracker.experiments()).filteredOn(e -> e.name().equals("racy")).hasSize(1);
  }

  @Test
  void fullQueue_policies() throws Exception {
    try (Tracker failing =
        freshStore(temp.resolve("f"))
            .backpressure(Backpressure.FAIL)
            .queueCapacity(1)
            .captureEnvironment(false)
            .build()) {
      Run run = failing.startRun("e");
      assertThatThrownBy(
              () -> {
                for (int i = 0; i < 1_000_000; i++) {
                  run.logMetric("x", i, i);
                }
              })
          .isInstanceOf(MetricQueueFullException.class)
          .hasMessageContaining("queue is full");
    }
    try (Tracker dropping =
        freshStore(temp.resolve("d"))
            .backpressure(Backpressure.DROP)
            .queueCapacity(1)
            .captureEnvironment(false)
            .build()) {
      Run run = dropping.startRun("e");
      for (int i = 0; i < 100_000; i++) {
        run.logMetric("x", i, i);
      }
      run.close();
      assertThat(dropping.droppedMetricPoints()).isPositive();
      assertThat(dropping.metricHistory(run.id(), "x").size() + dropping.droppedMetricPoints())
          .isEqualTo(100_000);
    }
  }
}
