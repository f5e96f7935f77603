package io.github.mlops4j.benchmarks;

import io.github.mlops4j.features.FeatureRow;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.features.FeatureView;
import io.github.mlops4j.features.OnlineFeatures;
import io.github.mlops4j.features.ValueType;
import io.github.mlops4j.governance.DataAccessDeniedException;
import io.github.mlops4j.governance.DataAccessPolicy;
import io.github.mlops4j.governance.ReadAudit;
import io.github.mlops4j.governance.ReadAuditSink;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.tracking.Run;
import io.github.mlops4j.tracking.RunInfo;
import io.github.mlops4j.tracking.RunPage;
import io.github.mlops4j.tracking.RunQuery;
import io.github.mlops4j.tracking.Tracker;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of the data access policy and the read audit on reads: the same online lookup, {@code
 * Tracker.findRun} and {@code Tracker.searchRuns} through services without either ({@code *Plain},
 * the default: one null check) and through services with both ({@code *Governed}), in the same run,
 * on the same workspace.
 *
 * <p>Setup: one embedded workspace; view {@code bench} (one STRING key, {@value #FEATURES} DOUBLE
 * features) with {@value #ENTITIES} materialized entities, read once so that both feature stores'
 * caches are warm (staleness bound 1 h); experiment {@code bench} with {@value #RUNS} finished runs
 * (a param, a tag and 5 metrics each). Two feature stores and two trackers share the store: one
 * plain pair, one governed pair whose policy checks the actor against a set and refuses writes to a
 * reader role (it allows every read here), with a constant actor supplier and a {@link ReadAudit}
 * (queue 10,000) writing to {@code -p sink=jdbc} (table {@code read_audit} of the same SQLite
 * workspace, so the audit thread's inserts compete with the reads, as in production) or {@code
 * discard} (a sink that drops the batch: the cost on the reader's side only). {@code -p
 * sampleRate=1.0,0.01}: full or sampled audit. Entries the queue could not hold are dropped and
 * counted (printed at tear-down): at lookup rates of a million per second a full JDBC audit cannot
 * keep up, by design the reader does not wait.
 *
 * <p>Baseline: the plain services ({@code *Plain}). The ratio {@code *Governed / *Plain} is the
 * overhead; the policy allocates one {@code DataOperation} per call, the audit one entry per kept
 * read and a lock to enqueue it.
 *
 * <p>Run (from the repository root): {@code java -jar mlops-benchmarks/target/benchmarks.jar
 * GovernanceOverheadBenchmark -f 1 -p sink=jdbc,discard -p sampleRate=1.0,0.01}. SampleTime gives
 * the percentiles; Throughput (1 thread) the calls per second.
 */
@BenchmarkMode({Mode.SampleTime, Mode.Throughput})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
@State(Scope.Benchmark)
public class GovernanceOverheadBenchmark {
  static final int FEATURES = 20;
  static final int ENTITIES = 10_000;
  static final int RUNS = 500;

  /** {@code jdbc}: the workspace's {@code read_audit} table; {@code discard}: drop every batch. */
  @Param({"jdbc"})
  public String sink;

  /** Share of reads the audit keeps. */
  @Param({"1.0"})
  public double sampleRate;

  Path workspace;
  Store store;
  FeatureStore plainFeatures;
  FeatureStore governedFeatures;
  Tracker plainTracker;
  Tracker governedTracker;
  ReadAudit audit;
  List<String> refs;
  List<Map<String, Object>> requests;
  List<String> runIds;
  RunQuery query;
  int next;

  @Setup(Level.Trial)
  public void setUp() {
    workspace = BenchmarkSupport.tempDir("governance");
    store = Store.open(workspace);
    ReadAuditSink target;
    if (sink.equals("jdbc")) {
      target = ReadAuditSink.jdbc(store);
    } else if (sink.equals("discard")) {
      target = batch -> {};
    } else {
      throw new IllegalArgumentException("sink must be jdbc or discard, was " + sink);
    }
    audit = ReadAudit.builder().sink(target).sampleRate(sampleRate).seed(42).build();
    Set<String> readers = Set.of("svc-scoring", "analyst");
    DataAccessPolicy policy =
        op -> {
          if (!readers.contains(op.actor())) {
            throw new DataAccessDeniedException(op, "unknown actor");
          }
          if (!op.action().isRead() && op.actor().equals("analyst")) {
            throw new DataAccessDeniedException(op, "analysts read only");
          }
        };
    Duration stale = Duration.ofHours(1);
    plainFeatures = FeatureStore.builder().store(store).cacheMaxStaleness(stale).build();
    governedFeatures =
        FeatureStore.builder()
            .store(store)
            .cacheMaxStaleness(stale)
            .accessPolicy(policy)
            .actor(() -> "svc-scoring")
            .readAudit(audit)
            .build();
    plainTracker = Tracker.builder().store(store).captureEnvironment(false).build();
    governedTracker =
        Tracker.builder()
            .store(store)
            .captureEnvironment(false)
            .accessPolicy(policy)
            .actor(() -> "svc-scoring")
            .readAudit(audit)
            .build();

    FeatureView.Builder view = FeatureView.builder("bench").entity("customer_id", ValueType.STRING);
    refs = new ArrayList<>();
    for (int f = 0; f < FEATURES; f++) {
      view.feature("f" + f, ValueType.DOUBLE);
      refs.add("bench:f" + f);
    }
    plainFeatures.apply(view.build());
    governedFeatures.refresh();
    Instant now = Instant.now();
    List<FeatureRow> rows = new ArrayList<>();
    for (int e = 0; e < ENTITIES; e++) {
      Map<String, Object> values = new HashMap<>();
      for (int f = 0; f < FEATURES; f++) {
        values.put("f" + f, e + f / 100.0);
      }
      rows.add(FeatureRow.of(Map.of("customer_id", "customer-" + e), now.minusSeconds(60), values));
    }
    plainFeatures.write("bench", rows);
    plainFeatures.materialize(Instant.now());
    SplittableRandom random = new SplittableRandom(42);
    requests = new ArrayList<>();
    for (int i = 0; i < ENTITIES; i++) {
      requests.add(Map.of("customer_id", "customer-" + random.nextInt(ENTITIES)));
    }
    for (int e = 0; e < ENTITIES; e++) {
      Map<String, Object> request = Map.of("customer_id", "customer-" + e);
      var unused = plainFeatures.online(request, refs);
      var unused2 = governedFeatures.online(request, refs);
    }

    runIds = new ArrayList<>();
    for (int r = 0; r < RUNS; r++) {
      try (Run run = plainTracker.startRun("bench")) {
        run.logParam("lr", Double.toString(r / 1000.0)).setTag("team", "t" + (r % 7));
        for (int m = 0; m < 5; m++) {
          run.logMetric("m" + m, r + m, 0);
        }
        runIds.add(run.id());
      }
    }
    if (!plainTracker.flush(Duration.ofMinutes(5))) {
      throw new IllegalStateException("metrics not stored in time");
    }
    query =
        RunQuery.builder()
            .experiments("bench")
            .filter("metrics.m0 > 100 and tags.team = 't3'")
            .maxResults(100)
            .build();
    if (governedTracker.searchRuns(query).runs().isEmpty()) {
      throw new IllegalStateException("the search matches no run");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    try {
      audit.flush(Duration.ofSeconds(30));
      System.out.printf(
          "%nread audit: %d written, %d dropped (queue full), %d sampled out, %d failed%n",
          audit.writtenEntries(),
          audit.droppedEntries(),
          audit.sampledOutEntries(),
          audit.failedEntries());
      plainFeatures.close();
      governedFeatures.close();
      plainTracker.close();
      governedTracker.close();
      audit.close();
      store.close();
    } finally {
      BenchmarkSupport.deleteRecursively(workspace);
    }
  }

  private int next(int bound) {
    int i = next++;
    if (next == Integer.MAX_VALUE) {
      next = 0;
    }
    return i % bound;
  }

  @Benchmark
  public OnlineFeatures onlinePlain() {
    return plainFeatures.online(requests.get(next(ENTITIES)), refs);
  }

  @Benchmark
  public OnlineFeatures onlineGoverned() {
    return governedFeatures.online(requests.get(next(ENTITIES)), refs);
  }

  @Benchmark
  public Optional<RunInfo> getRunPlain() {
    return plainTracker.findRun(runIds.get(next(RUNS)));
  }

  @Benchmark
  public Optional<RunInfo> getRunGoverned() {
    return governedTracker.findRun(runIds.get(next(RUNS)));
  }

  @Benchmark
  public RunPage searchRunsPlain() {
    return plainTracker.searchRuns(query);
  }

  @Benchmark
  public RunPage searchRunsGoverned() {
    return governedTracker.searchRuns(query);
  }
}
