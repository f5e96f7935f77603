package io.github.mlops4j.benchmarks;

import io.github.mlops4j.features.EntityRow;
import io.github.mlops4j.features.FeatureRow;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.features.FeatureView;
import io.github.mlops4j.features.TrainingRow;
import io.github.mlops4j.features.ValueType;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A point-in-time training set of {@value #SPINE} spine rows against 3 views of {@value #ROWS}
 * stored rows each, in an embedded (SQLite) workspace, with a 4 GiB heap: {@link
 * FeatureStore#historical} of 9 features (3 per view).
 *
 * <p>Data: each view has one STRING key over {@value #ENTITIES} entities, {@value #ROWS} / {@value
 * #ENTITIES} rows per entity at random event times within 30 days, and 3 features (DOUBLE, LONG,
 * DOUBLE); views have TTLs of 7 days, 2 days and none. The spine has random entities at random
 * times in the same 30 days and a label column. Building the workspace (3 M rows written through
 * {@link FeatureStore#write}) takes a while and is not measured.
 *
 * <p>Baseline {@code scanRows}: a raw JDBC read of the same 3 x {@value #ROWS} stored rows (every
 * column, no decoding, no join) on the same file: the I/O floor the join cannot go below. {@code
 * threads} is how many views are joined at once ({@link FeatureStore.Builder#executor}).
 *
 * <p>Run (from the repository root): {@code java -jar mlops-benchmarks/target/benchmarks.jar
 * PointInTimeJoinBenchmark -f 1}. SingleShotTime, one measured run after one warm-up run.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@State(Scope.Benchmark)
public class PointInTimeJoinBenchmark {
  static final int SPINE = 1_000_000;
  static final int ROWS = 1_000_000;
  static final int ENTITIES = 200_000;
  static final List<String> VIEWS = List.of("orders", "payments", "sessions");
  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  static final long SPAN_SECONDS = Duration.ofDays(30).toSeconds();

  @Param({"1", "2"})
  public int threads;

  Path workspace;
  FeatureStore features;
  ExecutorService pool;
  List<EntityRow> spine;
  List<String> refs;

  @Setup(Level.Trial)
  public void setUp() {
    workspace = BenchmarkSupport.tempDir("pit");
    long start = System.nanoTime();
    Duration[] ttls = {Duration.ofDays(7), Duration.ofDays(2), Duration.ZERO};
    refs = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(7);
    try (FeatureStore writer =
        FeatureStore.builder()
            .workspace(workspace)
            .clock(java.time.Clock.fixed(START.plusSeconds(SPAN_SECONDS), java.time.ZoneOffset.UTC))
            .build()) {
      for (int v = 0; v < VIEWS.size(); v++) {
        String name = VIEWS.get(v);
        writer.apply(
            FeatureView.builder(name)
                .entity("customer_id", ValueType.STRING)
                .feature("a", ValueType.DOUBLE)
                .feature("b", ValueType.LONG)
                .feature("c", ValueType.DOUBLE)
                .ttl(ttls[v])
                .build());
        for (String f : List.of("a", "b", "c")) {
          refs.add(name + ":" + f);
        }
        List<FeatureRow> batch = new ArrayList<>();
        for (int r = 0; r < ROWS; r++) {
          Instant e = START.plusSeconds(random.nextLong(SPAN_SECONDS));
          Map<String, Object> values = new HashMap<>();
          values.put("a", random.nextDouble());
          values.put("b", random.nextLong(1_000));
          values.put("c", random.nextDouble());
          batch.add(FeatureRow.of(Map.of("customer_id", key(r % ENTITIES)), e, e, values));
          if (batch.size() == 100_000) {
            writer.write(name, batch);
            batch.clear();
          }
        }
      }
    }
    spine = new ArrayList<>(SPINE);
    for (int i = 0; i < SPINE; i++) {
      spine.add(
          EntityRow.of(
              Map.of("customer_id", key(random.nextInt(ENTITIES)), "label", random.nextBoolean()),
              START.plusSeconds(random.nextLong(SPAN_SECONDS))));
    }
    System.out.printf(
        "%n[setup] wrote %,d rows in %d views in %.1f s%n",
        ROWS * VIEWS.size(), VIEWS.size(), (System.nanoTime() - start) / 1e9);
    pool = Executors.newFixedThreadPool(threads);
    FeatureStore.Builder b = FeatureStore.builder().workspace(workspace);
    features = (threads > 1 ? b.executor(pool) : b).build();
  }

  static String key(int e) {
    return "customer-" + e;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    try {
      features.close();
      pool.shutdownNow();
    } finally {
      BenchmarkSupport.deleteRecursively(workspace);
    }
  }

  @Benchmark
  public List<TrainingRow> join() {
    List<TrainingRow> rows = features.historical(spine, refs);
    if (rows.size() != SPINE) {
      throw new IllegalStateException("got " + rows.size() + " rows");
    }
    return rows;
  }

  @Benchmark
  public void scanRows(Blackhole bh) throws SQLException {
    try (Connection c = BenchmarkSupport.sqlite(workspace.resolve("mlops.db"));
        PreparedStatement p =
            c.prepareStatement(
                "SELECT entity_key, event_time, created_time,"
                    + " seq, vals FROM feature_rows WHERE view_id = ?"
                    + " ORDER BY entity_key, event_time, created_time, seq")) {
      for (int v = 1; v <= VIEWS.size(); v++) {
        p.setLong(1, v);
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            bh.consume(rs.getBytes(1));
            bh.consume(rs.getLong(2));
            bh.consume(rs.getLong(3));
            bh.consume(rs.getLong(4));
            bh.consume(rs.getBytes(5));
          }
        }
      }
    }
  }
}
