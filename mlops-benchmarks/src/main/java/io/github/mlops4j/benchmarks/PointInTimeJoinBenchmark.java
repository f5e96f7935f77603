package io.github.mlops4j.benchmarks;

import io.github.mlops4j.features.EntityRow;
import io.github.mlops4j.features.FeatureRow;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.features.FeatureView;
import io.github.mlops4j.features.TrainingRow;
import io.github.mlops4j.features.ValueType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
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
 * A point-in-time training set of {@code spineRows} spine rows against 3 views of {@code rows}
 * stored rows each, in an embedded (SQLite) workspace, with a 4 GiB heap: {@link
 * FeatureStore#historical} of 9 features (3 per view). Both sizes default to 1,000,000.
 *
 * <p>Data: each view has one STRING key over {@code rows / 5} entities, 5 rows per entity at random
 * event times within 30 days, and 3 features (DOUBLE, LONG, DOUBLE); views have TTLs of 7 days, 2
 * days and none. The spine has random entities at random times in the same 30 days and a label
 * column.
 *
 * <p>Fixture: the workspace is written once through {@link FeatureStore#write} (3 M rows take 30 to
 * 40 s on a quiet 2-core machine, much longer on a loaded one) into a directory named after its
 * parameters under {@code ${mlops4j.bench.cache}} (default {@code
 * ${java.io.tmpdir}/mlops4j-bench-cache}), and reused by every later trial, fork and run: only the
 * first run pays for it. It is built in a sibling directory and renamed into place when complete,
 * so an interrupted build is never reused. To build it ahead of a measured run: {@code java -cp
 * benchmarks.jar io.github.mlops4j.benchmarks.PointInTimeJoinBenchmark [rows]}. Delete the
 * directory to rebuild it.
 *
 * <p>{@code joinAndRead}: the join, then every value of every row read once (the result decodes
 * values when they are read).
 *
 * <p>Baseline {@code scanRows}: a raw JDBC read of the same 3 x {@code rows} stored rows (every
 * column, no decoding, no join) in the join's order on the same file: the I/O floor the join cannot
 * go below. {@code threads} is how many views are joined at once ({@link
 * FeatureStore.Builder#executor}).
 *
 * <p>Run (from the repository root): {@code java -jar mlops-benchmarks/target/benchmarks.jar
 * PointInTimeJoinBenchmark -f 1}. SingleShotTime, one measured run after one warm-up run. A small
 * check: {@code -p rows=100000 -p spineRows=100000}.
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
  static final List<String> VIEWS = List.of("orders", "payments", "sessions");
  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  static final long SPAN_SECONDS = Duration.ofDays(30).toSeconds();
  static final int ROWS_PER_ENTITY = 5;
  static final long SEED = 7;

  /** Version of the fixture's layout: part of the cache directory's name. */
  static final int FIXTURE_VERSION = 1;

  @Param({"1", "2"})
  public int threads;

  @Param({"1000000"})
  public int rows;

  @Param({"1000000"})
  public int spineRows;

  Path workspace;
  FeatureStore features;
  ExecutorService pool;
  List<EntityRow> spine;
  List<String> refs;

  @Setup(Level.Trial)
  public void setUp() {
    workspace = fixture(rows);
    refs = new ArrayList<>();
    for (String name : VIEWS) {
      for (String f : List.of("a", "b", "c")) {
        refs.add(name + ":" + f);
      }
    }
    int entities = entities(rows);
    SplittableRandom random = new SplittableRandom(SEED + 1);
    spine = new ArrayList<>(spineRows);
    for (int i = 0; i < spineRows; i++) {
      spine.add(
          EntityRow.of(
              Map.of("customer_id", key(random.nextInt(entities)), "label", random.nextBoolean()),
              START.plusSeconds(random.nextLong(SPAN_SECONDS))));
    }
    pool = Executors.newFixedThreadPool(threads);
    FeatureStore.Builder b = FeatureStore.builder().workspace(workspace);
    features = (threads > 1 ? b.executor(pool) : b).build();
  }

  static int entities(int rows) {
    return Math.max(1, rows / ROWS_PER_ENTITY);
  }

  /**
   * Builds the cached fixture of {@code args[0]} rows per view (default 1,000,000) and prints it.
   */
  public static void main(String[] args) {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    System.out.println(fixture(rows));
  }

  /**
   * The workspace of {@code rows} rows per view, from the cache or written into it (see the class
   * Javadoc).
   */
  static Path fixture(int rows) {
    Path cache =
        Path.of(
            System.getProperty(
                "mlops4j.bench.cache",
                Path.of(System.getProperty("java.io.tmpdir"), "mlops4j-bench-cache").toString()));
    Path dir =
        cache.resolve(
            "pit-v"
                + FIXTURE_VERSION
                + "-rows"
                + rows
                + "-entities"
                + entities(rows)
                + "-seed"
                + SEED);
    if (Files.isRegularFile(dir.resolve(COMPLETE))) {
      System.out.printf("%n[setup] reusing %s%n", dir);
      return dir;
    }
    try {
      Files.createDirectories(cache);
      Path building = Files.createTempDirectory(cache, dir.getFileName() + ".building-");
      long start = System.nanoTime();
      write(building, rows);
      Files.writeString(building.resolve(COMPLETE), "rows=" + rows + "\n");
      try {
        Files.move(building, dir, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
        BenchmarkSupport.deleteRecursively(building); // built meanwhile by another run
      }
      System.out.printf(
          "%n[setup] wrote %,d rows in %d views in %.1f s into %s%n",
          (long) rows * VIEWS.size(), VIEWS.size(), (System.nanoTime() - start) / 1e9, dir);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final String COMPLETE = "fixture-complete";

  private static void write(Path workspace, int rows) {
    Duration[] ttls = {Duration.ofDays(7), Duration.ofDays(2), Duration.ZERO};
    int entities = entities(rows);
    SplittableRandom random = new SplittableRandom(SEED);
    try (FeatureStore writer =
        FeatureStore.builder()
            .workspace(workspace)
            .clock(Clock.fixed(START.plusSeconds(SPAN_SECONDS), ZoneOffset.UTC))
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
        List<FeatureRow> batch = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
          Instant e = START.plusSeconds(random.nextLong(SPAN_SECONDS));
          Map<String, Object> values = new HashMap<>();
          values.put("a", random.nextDouble());
          values.put("b", random.nextLong(1_000));
          values.put("c", random.nextDouble());
          batch.add(FeatureRow.of(Map.of("customer_id", key(r % entities)), e, e, values));
          if (batch.size() == 100_000) {
            writer.write(name, batch);
            batch.clear();
          }
        }
        if (!batch.isEmpty()) {
          writer.write(name, batch);
        }
      }
    }
  }

  static String key(int e) {
    return "customer-" + e;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    try {
      features.close();
    } finally {
      pool.shutdownNow();
    }
  }

  @Benchmark
  public List<TrainingRow> join() {
    List<TrainingRow> out = features.historical(spine, refs);
    if (out.size() != spineRows) {
      throw new IllegalStateException("got " + out.size() + " rows");
    }
    return out;
  }

  /**
   * The join, then every value of every row read once ({@link TrainingRow#value}): values are
   * decoded when read, so this is the cost of a training set that is used.
   */
  @Benchmark
  public long joinAndRead() {
    long present = 0;
    for (TrainingRow row : join()) {
      for (String ref : refs) {
        if (row.value(ref).isPresent()) {
          present++;
        }
      }
    }
    return present;
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
