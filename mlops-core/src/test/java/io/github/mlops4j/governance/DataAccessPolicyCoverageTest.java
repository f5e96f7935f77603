package io.github.mlops4j.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.artifacts.SymlinkPolicy;
import io.github.mlops4j.data.DatasetVersion;
import io.github.mlops4j.features.EntityRow;
import io.github.mlops4j.features.ErasurePlan;
import io.github.mlops4j.features.FeatureRow;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.features.FeatureView;
import io.github.mlops4j.features.JoinOptions;
import io.github.mlops4j.features.OnDemandView;
import io.github.mlops4j.features.ValueType;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.store.internal.StoreAccess;
import io.github.mlops4j.testing.MutableClock;
import io.github.mlops4j.tracking.ImportedRun;
import io.github.mlops4j.tracking.MetricAxis;
import io.github.mlops4j.tracking.Run;
import io.github.mlops4j.tracking.RunBuilder;
import io.github.mlops4j.tracking.RunQuery;
import io.github.mlops4j.tracking.Tracker;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every public method of {@link Tracker}, {@link Run}, {@link RunBuilder} and {@link FeatureStore}
 * either touches no stored data (listed in {@link #UNCHECKED}) or is checked (listed in {@link
 * #checked()} with the action it asks and a call that succeeds when allowed). A checked call asks
 * the {@link DataAccessPolicy} exactly once; under a denying policy it fails with {@link
 * DataAccessDeniedException} and changes nothing in the database, the artifact store or the metric
 * queue; a read is recorded by the {@link ReadAudit} (denied or not), a write never. A new public
 * method in neither list fails {@link #everyPublicMethodIsClassified()}.
 */
class DataAccessPolicyCoverageTest {
  /** Public methods that read and write no stored data: building, lifecycle, local state. */
  private static final Set<String> UNCHECKED =
      Set.of(
          "Tracker.open(Path)",
          "Tracker.builder()",
          "Tracker.store()",
          "Tracker.flush(Duration)",
          "Tracker.droppedMetricPoints()",
          "Tracker.rejectedMetricPoints()",
          "Tracker.storedMetricPoints()",
          "Tracker.pendingMetricPoints()",
          "Tracker.metricWriterLag()",
          "Tracker.limits()",
          "Tracker.addListener(RunListener)",
          "Tracker.close()",
          "Tracker.close(Duration)",
          "Run.id()",
          "Run.experimentId()",
          "Run.name()",
          "Run.status()",
          "Run.toString()",
          "RunBuilder.name(String)",
          "RunBuilder.parent(String)",
          "RunBuilder.tag(String,String)",
          "RunBuilder.tags(Map)",
          "FeatureStore.open(Path)",
          "FeatureStore.builder()",
          "FeatureStore.store()",
          "FeatureStore.refresh()",
          "FeatureStore.cacheStats()",
          "FeatureStore.addListener(MaterializationListener)",
          "FeatureStore.close()");

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final String STATS = "customer_stats";
  private static final List<String> REFS = List.of(STATS + ":avg_spend");

  @TempDir Path temp;

  private final AtomicBoolean deny = new AtomicBoolean();
  private final List<DataOperation> asked = new CopyOnWriteArrayList<>();
  private final List<ReadAuditEntry> audited = new CopyOnWriteArrayList<>();
  private Fixture f;

  @FunctionalInterface
  private interface Call {
    void on(Fixture f) throws Exception;
  }

  private record Checked(DataAction asks, Call call) {}

  /** The services under a switchable policy, and what the calls work on. */
  private static final class Fixture {
    Tracker tracker;
    FeatureStore features;
    ReadAudit audit;
    Run held;
    Run toClose;
    Run toFail;
    Run toKill;
    String endedId;
    String deletedId;
    DatasetVersion dataset;
    Path file;
    ErasurePlan erasure;
  }

  private static Map<String, Checked> checked() {
    Map<String, Checked> c = new LinkedHashMap<>();
    DataAction rr = DataAction.RUN_READ;
    DataAction rw = DataAction.RUN_WRITE;
    c.put("Tracker.startRun(String)", new Checked(rw, f -> f.tracker.startRun("exp")));
    c.put("Tracker.newRun(String)", new Checked(rw, f -> f.tracker.newRun("exp").start()));
    c.put("RunBuilder.start()", new Checked(rw, f -> f.tracker.newRun("exp").name("n").start()));
    c.put("Tracker.resumeRun(String)", new Checked(rw, f -> f.tracker.resumeRun(f.held.id())));
    c.put("Tracker.deleteRun(String)", new Checked(rw, f -> f.tracker.deleteRun(f.endedId)));
    c.put("Tracker.restoreRun(String)", new Checked(rw, f -> f.tracker.restoreRun(f.deletedId)));
    c.put(
        "Tracker.createExperiment(String)",
        new Checked(rw, f -> f.tracker.createExperiment("new")));
    c.put(
        "Tracker.importRun(ImportedRun)",
        new Checked(
            rw,
            f ->
                assertThat(
                        f.tracker.importRun(
                            ImportedRun.builder("imported1", "exp").startTime(NOW).build()))
                    .isTrue()));
    c.put(
        "Tracker.findRun(String)",
        new Checked(rr, f -> assertThat(f.tracker.findRun(f.held.id())).isPresent()));
    c.put(
        "Tracker.metricHistory(String,String)",
        new Checked(rr, f -> assertThat(f.tracker.metricHistory(f.held.id(), "loss")).hasSize(3)));
    c.put(
        "Tracker.metricHistory(String,String,int,String)",
        new Checked(rr, f -> f.tracker.metricHistory(f.held.id(), "loss", 10, null)));
    c.put(
        "Tracker.downsampleMetric(String,String,int,MetricAxis)",
        new Checked(rr, f -> f.tracker.downsampleMetric(f.held.id(), "loss", 2, MetricAxis.STEP)));
    c.put(
        "Tracker.searchRuns(String,String)",
        new Checked(rr, f -> assertThat(f.tracker.searchRuns("exp", "")).isNotEmpty()));
    c.put(
        "Tracker.searchRuns(RunQuery)",
        new Checked(rr, f -> f.tracker.searchRuns(RunQuery.builder().experiments("exp").build())));
    c.put("Tracker.childRuns(String)", new Checked(rr, f -> f.tracker.childRuns(f.held.id())));
    c.put("Tracker.experiments()", new Checked(rr, f -> f.tracker.experiments()));
    c.put(
        "Tracker.findExperiment(String)",
        new Checked(rr, f -> assertThat(f.tracker.findExperiment("exp")).isPresent()));
    c.put(
        "Tracker.runsUsingDataset(String)",
        new Checked(
            rr, f -> assertThat(f.tracker.runsUsingDataset(f.dataset.digest())).isNotEmpty()));
    c.put(
        "Tracker.inputs(String)",
        new Checked(rr, f -> assertThat(f.tracker.inputs(f.held.id())).isNotEmpty()));
    c.put(
        "Tracker.openArtifact(String,String)",
        new Checked(
            DataAction.ARTIFACT_READ,
            f -> {
              try (InputStream in = f.tracker.openArtifact(f.held.id(), "model.txt")) {
                assertThat(in.readAllBytes()).isNotEmpty();
              }
            }));
    c.put("Run.logParam(String,String)", new Checked(rw, f -> f.held.logParam("p2", "v")));
    c.put("Run.logParams(Map)", new Checked(rw, f -> f.held.logParams(Map.of("p3", "v"))));
    c.put("Run.logMetric(String,double)", new Checked(rw, f -> f.held.logMetric("m", 1.0)));
    c.put("Run.logMetric(String,double,long)", new Checked(rw, f -> f.held.logMetric("m", 1, 3)));
    c.put(
        "Run.logMetric(String,double,long,Instant)",
        new Checked(rw, f -> f.held.logMetric("m", 1, 4, NOW)));
    c.put("Run.logMetrics(Map,long)", new Checked(rw, f -> f.held.logMetrics(Map.of("m", 2.0), 5)));
    c.put("Run.setTag(String,String)", new Checked(rw, f -> f.held.setTag("t", "v")));
    c.put("Run.setTags(Map)", new Checked(rw, f -> f.held.setTags(Map.of("t2", "v"))));
    c.put("Run.deleteTag(String)", new Checked(rw, f -> f.held.deleteTag("team")));
    c.put("Run.logInput(DatasetVersion)", new Checked(rw, f -> f.held.logInput(f.dataset)));
    c.put(
        "Run.logInput(DatasetVersion,String)",
        new Checked(rw, f -> f.held.logInput(f.dataset, "eval")));
    DataAction aw = DataAction.ARTIFACT_WRITE;
    c.put("Run.logArtifact(Path)", new Checked(aw, f -> f.held.logArtifact(f.file)));
    c.put(
        "Run.logArtifact(Path,String)",
        new Checked(aw, f -> f.held.logArtifact(f.file, "a/b.txt")));
    c.put(
        "Run.logArtifact(Path,String,SymlinkPolicy)",
        new Checked(aw, f -> f.held.logArtifact(f.file, "c.txt", SymlinkPolicy.WITHIN_TREE)));
    c.put("Run.newChildRun()", new Checked(rw, f -> f.held.newChildRun().start()));
    c.put("Run.close()", new Checked(rw, f -> f.toClose.close()));
    c.put("Run.fail(Throwable)", new Checked(rw, f -> f.toFail.fail(new RuntimeException("x"))));
    c.put("Run.kill()", new Checked(rw, f -> f.toKill.kill()));
    DataAction vr = DataAction.FEATURE_VIEW_READ;
    DataAction vw = DataAction.FEATURE_VIEW_WRITE;
    c.put(
        "FeatureStore.apply(FeatureView)",
        new Checked(
            vw,
            f ->
                f.features.apply(
                    FeatureView.builder("orders")
                        .entity("customer_id", ValueType.STRING)
                        .feature("count", ValueType.LONG)
                        .build())));
    c.put(
        "FeatureStore.apply(OnDemandView)",
        new Checked(
            vw,
            f ->
                f.features.apply(
                    OnDemandView.builder("risk")
                        .input(REFS.get(0))
                        .feature("big", ValueType.BOOLEAN, in -> in.value(REFS.get(0)) != null)
                        .build())));
    c.put("FeatureStore.views()", new Checked(vr, f -> f.features.views()));
    c.put("FeatureStore.view(String)", new Checked(vr, f -> f.features.view(STATS)));
    c.put("FeatureStore.versions(String)", new Checked(vr, f -> f.features.versions(STATS)));
    c.put("FeatureStore.freshness()", new Checked(vr, f -> f.features.freshness()));
    c.put("FeatureStore.freshness(String)", new Checked(vr, f -> f.features.freshness(STATS)));
    DataAction fw = DataAction.FEATURE_WRITE;
    c.put(
        "FeatureStore.write(String,List)",
        new Checked(fw, f -> f.features.write(STATS, List.of(row("c3", 7.0)))));
    c.put(
        "FeatureStore.write(String,List,String)",
        new Checked(fw, f -> f.features.write(STATS, List.of(row("c4", 8.0)), "job-1/0")));
    c.put("FeatureStore.materialize(Instant)", new Checked(fw, f -> f.features.materialize(NOW)));
    c.put(
        "FeatureStore.materialize(Instant,Instant)",
        new Checked(fw, f -> f.features.materialize(Instant.EPOCH, NOW)));
    DataAction off = DataAction.FEATURE_READ_OFFLINE;
    c.put(
        "FeatureStore.historical(List,List)",
        new Checked(off, f -> assertThat(f.features.historical(spine(), REFS)).hasSize(2)));
    c.put(
        "FeatureStore.historical(List,List,JoinOptions)",
        new Checked(off, f -> f.features.historical(spine(), REFS, JoinOptions.defaults())));
    DataAction on = DataAction.FEATURE_READ_ONLINE;
    c.put(
        "FeatureStore.online(Map,List)",
        new Checked(
            on,
            f ->
                assertThat(f.features.online(Map.of("customer_id", "c1"), REFS).get(0, REFS.get(0)))
                    .isEqualTo(10.0)));
    c.put(
        "FeatureStore.online(List,List)",
        new Checked(on, f -> f.features.online(List.of(Map.of("customer_id", "c1")), REFS)));
    DataAction erase = DataAction.FEATURE_ERASE;
    c.put(
        "FeatureStore.planErasure(Map)",
        new Checked(erase, f -> f.features.planErasure(Map.of("customer_id", "c1"))));
    c.put(
        "FeatureStore.erase(ErasurePlan,String,String)",
        new Checked(erase, f -> f.features.erase(f.erasure, "dpo", "ticket 7")));
    return c;
  }

  private static FeatureRow row(String customer, double avg) {
    return FeatureRow.of(
        Map.of("customer_id", customer), NOW.minusSeconds(60), Map.of("avg_spend", avg));
  }

  private static List<EntityRow> spine() {
    return List.of(
        EntityRow.of(Map.of("customer_id", "c1"), NOW),
        EntityRow.of(Map.of("customer_id", "c2"), NOW));
  }

  @BeforeEach
  void fixture() throws Exception {
    MutableClock clock = new MutableClock(NOW);
    DataAccessPolicy policy =
        op -> {
          asked.add(op);
          if (deny.get()) {
            throw new DataAccessDeniedException(op, "read-only replica");
          }
        };
    f = new Fixture();
    f.audit = ReadAudit.builder().sink(audited::addAll).clock(clock).build();
    f.tracker =
        Tracker.builder()
            .workspace(temp.resolve("ws"))
            .clock(clock)
            .captureEnvironment(false)
            .runLease(Duration.ofHours(1)) // no heartbeat write while a test compares the database
            .accessPolicy(policy)
            .actor(() -> "alice")
            .readAudit(f.audit)
            .build();
    f.features =
        FeatureStore.builder()
            .store(f.tracker.store())
            .clock(clock)
            .accessPolicy(policy)
            .actor(() -> "alice")
            .readAudit(f.audit)
            .build();
    f.file = Files.writeString(temp.resolve("model.txt"), "weights");
    f.dataset = DatasetVersion.of(Files.writeString(temp.resolve("train.csv"), "a,b\n1,2\n"));
    f.held = f.tracker.startRun("exp");
    f.held.logParam("lr", "0.1").setTag("team", "risk").logInput(f.dataset, "train");
    for (int i = 0; i < 3; i++) {
      f.held.logMetric("loss", 1.0 / (i + 1), i);
    }
    f.held.logArtifact(f.file);
    try (Run child = f.held.newChildRun().start()) {
      f.endedId = child.id();
    }
    try (Run deleted = f.tracker.startRun("exp")) {
      f.deletedId = deleted.id();
    }
    f.tracker.deleteRun(f.deletedId);
    f.toClose = f.tracker.startRun("exp");
    f.toFail = f.tracker.startRun("exp");
    f.toKill = f.tracker.startRun("exp");
    f.features.apply(
        FeatureView.builder(STATS)
            .entity("customer_id", ValueType.STRING)
            .feature("avg_spend", ValueType.DOUBLE)
            .build());
    f.features.write(STATS, List.of(row("c1", 10.0), row("c2", 20.0)));
    f.features.materialize(NOW);
    f.erasure = f.features.planErasure(Map.of("customer_id", "c2"));
    assertThat(f.tracker.flush(Duration.ofSeconds(30))).isTrue();
    assertThat(f.audit.flush(Duration.ofSeconds(30))).isTrue();
    asked.clear();
    audited.clear();
  }

  @org.junit.jupiter.api.AfterEach
  void close() {
    f.features.close();
    f.tracker.close();
    f.audit.close();
  }

  private static String signature(Class<?> type, Method m) {
    return type.getSimpleName()
        + "."
        + m.getName()
        + Arrays.stream(m.getParameterTypes())
            .map(Class::getSimpleName)
            .collect(Collectors.joining(",", "(", ")"));
  }

  @Test
  void everyPublicMethodIsClassified() {
    Set<String> methods = new TreeSet<>();
    for (Class<?> type : List.of(Tracker.class, Run.class, RunBuilder.class, FeatureStore.class)) {
      Arrays.stream(type.getDeclaredMethods())
          .filter(m -> Modifier.isPublic(m.getModifiers()) && !m.isSynthetic() && !m.isBridge())
          .map(m -> signature(type, m))
          .forEach(methods::add);
    }
    Set<String> classified = new TreeSet<>(UNCHECKED);
    classified.addAll(checked().keySet());
    assertThat(methods)
        .as(
            "public methods of Tracker, Run, RunBuilder and FeatureStore: list each new one as"
                + " unchecked or as checked (with the action it asks and a call) in this test")
        .containsExactlyInAnyOrderElementsOf(classified);
    assertThat(UNCHECKED).doesNotContainAnyElementsOf(checked().keySet());
  }

  /** Everything a call could change: every table's rows, the artifact files, the metric queue. */
  private record State(Map<String, List<String>> tables, List<Path> artifacts, int queued) {}

  private State state() throws Exception {
    Store store = f.tracker.store();
    Map<String, List<String>> tables =
        StoreAccess.read(
            store,
            c -> {
              Map<String, List<String>> out = new TreeMap<>();
              List<String> names = new ArrayList<>();
              try (Statement s = c.createStatement();
                  ResultSet rs =
                      s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
                while (rs.next()) {
                  names.add(rs.getString(1));
                }
              }
              for (String table : names) {
                List<String> rows = new ArrayList<>();
                try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT * FROM \"" + table + "\"")) {
                  ResultSetMetaData md = rs.getMetaData();
                  while (rs.next()) {
                    StringBuilder row = new StringBuilder();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                      Object v = rs.getObject(i);
                      row.append(v instanceof byte[] b ? Arrays.toString(b) : v).append('|');
                    }
                    rows.add(row.toString());
                  }
                }
                rows.sort(null);
                out.put(table, rows);
              }
              return out;
            });
    List<Path> artifacts;
    try (Stream<Path> files = Files.walk(store.artifactRoot().orElseThrow())) {
      artifacts = files.filter(Files::isRegularFile).sorted().toList();
    }
    return new State(tables, artifacts, f.tracker.pendingMetricPoints());
  }

  @Test
  void underADenyingPolicy_everyCheckedCallIsRefused_changesNothing_andReadsAreAudited()
      throws Exception {
    deny.set(true);
    State before = state();
    for (Map.Entry<String, Checked> call : checked().entrySet()) {
      asked.clear();
      audited.clear();
      DataAction action = call.getValue().asks();
      assertThatThrownBy(() -> call.getValue().call().on(f))
          .as(call.getKey())
          .isInstanceOfSatisfying(
              DataAccessDeniedException.class,
              e -> {
                assertThat(e.operation().action()).isEqualTo(action);
                assertThat(e)
                    .hasMessageStartingWith("Access denied: 'alice' may not " + action)
                    .hasMessageEndingWith(": read-only replica");
              });
      assertThat(asked)
          .as(call.getKey())
          .singleElement()
          .satisfies(
              op -> {
                assertThat(op.action()).isEqualTo(action);
                assertThat(op.actor()).isEqualTo("alice");
              });
      assertThat(state()).as(call.getKey()).isEqualTo(before); // nothing queued either
      assertThat(f.audit.flush(Duration.ofSeconds(30))).isTrue();
      if (action.isRead()) {
        assertThat(audited)
            .as(call.getKey())
            .singleElement()
            .satisfies(
                e -> {
                  assertThat(e.action()).isEqualTo(action);
                  assertThat(e.outcome()).isEqualTo(ReadAuditEntry.Outcome.DENIED);
                  assertThat(e.actor()).isEqualTo("alice");
                  assertThat(e.time()).isEqualTo(NOW);
                });
      } else {
        assertThat(audited).as(call.getKey()).isEmpty();
      }
    }
    assertThat(f.held.status()).isEqualTo(io.github.mlops4j.tracking.RunStatus.RUNNING);
    assertThat(f.toClose.status()).isEqualTo(io.github.mlops4j.tracking.RunStatus.RUNNING);
  }

  @Test
  void whenAllowed_eachCheckedCallAsksOnce_andEachReadIsAuditedOnce() throws Exception {
    for (Map.Entry<String, Checked> call : checked().entrySet()) {
      asked.clear();
      audited.clear();
      DataAction action = call.getValue().asks();
      call.getValue().call().on(f);
      assertThat(asked).as(call.getKey()).extracting(DataOperation::action).containsExactly(action);
      assertThat(f.audit.flush(Duration.ofSeconds(30))).isTrue();
      assertThat(audited)
          .as(call.getKey())
          .extracting(ReadAuditEntry::action, ReadAuditEntry::outcome)
          .containsExactlyElementsOf(
              action.isRead()
                  ? List.of(
                      org.assertj.core.groups.Tuple.tuple(action, ReadAuditEntry.Outcome.SUCCEEDED))
                  : List.of());
    }
  }
}
