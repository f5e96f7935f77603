package io.github.mlops4j.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.monitoring.drift.DriftReport;
import io.github.mlops4j.store.EmbeddedPostgresExtension;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.testing.MutableClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replicas sharing windows through one real PostgreSQL database: each has its own {@link Store}
 * (its own connection pool, as separate processes would), they migrate the schema at the same time
 * and flush their parts concurrently, and every one of them computes the same merged window.
 */
class SharedWindowsPostgresIT {
  @RegisterExtension
  static final EmbeddedPostgresExtension postgres = new EmbeddedPostgresExtension("monitoring");

  static final Instant T0 = Instant.parse("2025-11-25T10:00:00Z");
  static final Duration WINDOW = Duration.ofMinutes(1);
  static final int REPLICAS = 4;

  @TempDir Path dir;

  @Test
  void replicasFlushingAtOnceIntoOnePostgresDatabaseMergeToTheUnion() throws Exception {
    DataSource db = postgres.fresh();
    ReplicaData data = ReplicaData.of(8_000, 13, 0.5);
    int slice = data.size() / REPLICAS;
    List<Store> stores = new ArrayList<>();
    List<Monitor> monitors = new CopyOnWriteArrayList<>();
    List<MutableClock> clocks = new ArrayList<>();
    List<List<DriftReport>> reports = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(REPLICAS);
    try {
      for (int r = 0; r < REPLICAS; r++) {
        stores.add(Store.builder().dataSource(db).artifactRoot(dir.resolve("artifacts")).build());
        clocks.add(new MutableClock(T0.plusSeconds(1)));
        reports.add(new CopyOnWriteArrayList<>());
      }
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Monitor>> built = new ArrayList<>();
      for (int r = 0; r < REPLICAS; r++) {
        int replica = r;
        built.add(
            pool.submit(
                () -> {
                  start.await();
                  // every replica migrates the schema at the same time, then flushes as it goes
                  Monitor m =
                      Monitor.builder()
                          .model("churn")
                          .reference(ReplicaData.reference())
                          .window(WindowSpec.time(WINDOW))
                          .clock(clocks.get(replica))
                          .store(stores.get(replica))
                          .executor(Runnable::run) // store I/O runs on the executor
                          .replicaId("replica-" + replica)
                          .flushInterval(Duration.ofSeconds(2))
                          .gracePeriod(Duration.ofSeconds(30))
                          .listener((w, report) -> reports.get(replica).add(report))
                          .build();
                  for (int i = replica * slice; i < (replica + 1) * slice; i++) {
                    m.observe(data.row(i));
                    if (i % 100 == 99) {
                      clocks.get(replica).advance(Duration.ofSeconds(1));
                      m.tick();
                    }
                  }
                  return m;
                }));
      }
      start.countDown();
      for (Future<Monitor> f : built) {
        monitors.add(f.get(5, TimeUnit.MINUTES)); // a safety net, not a timing assertion
      }
      for (int r = 0; r < REPLICAS; r++) {
        clocks.get(r).set(T0.plus(WINDOW).plusSeconds(1));
        monitors.get(r).tick();
      }
      for (int r = 0; r < REPLICAS; r++) {
        clocks.get(r).set(T0.plus(WINDOW).plusSeconds(31));
        monitors.get(r).tick();
      }

      List<String> ids = List.of("replica-0", "replica-1", "replica-2", "replica-3");
      Double score = null;
      for (int r = 0; r < REPLICAS; r++) {
        Monitor m = monitors.get(r);
        assertThat(m.stats().evaluationFailures()).isZero();
        WindowSummary w = m.lastWindow().orElseThrow();
        assertThat(w.replicas()).contains(new ReplicaParts(ids, List.of(), List.of(), data.size()));
        data.assertProfileOfFirst(data.size(), w.profile());
        assertThat(reports.get(r)).hasSize(1);
        double s = reports.get(r).get(0).column("c").orElseThrow().score();
        if (score == null) {
          score = s;
        }
        assertThat(s).isEqualTo(score); // from exact counts: every replica computes the same
      }
    } finally {
      pool.shutdownNow();
      monitors.forEach(Monitor::close);
      stores.forEach(Store::close);
    }
  }

  @Test
  void partsNeverShrinkAndOverLongIdsAreRejectedOnPostgres() throws Exception {
    DataSource db = postgres.fresh();
    ReplicaData data = ReplicaData.of(100, 41, 0);
    long start = T0.toEpochMilli();
    long end = T0.plus(WINDOW).toEpochMilli();
    try (Store store = Store.builder().dataSource(db).artifactRoot(dir.resolve("a")).build()) {
      WindowParts parts = new WindowParts(store, "churn", "a", ReplicaData.SCHEMA, 1 << 20, 1000);
      parts.write(start, end, SharedWindowsTest.profileOfFirst(data, 70), false, start + 2);
      parts.write(start, end, SharedWindowsTest.profileOfFirst(data, 60), false, start + 1);
      parts.write(start, end, SharedWindowsTest.profileOfFirst(data, 80), true, start + 3);
      parts.write(start, end, SharedWindowsTest.profileOfFirst(data, 90), false, start + 4);
      try (Connection c = db.getConnection();
          PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO monitor_window_parts VALUES ('churn', ?, ?, ?, 10, 1, 0, ?)")) {
        p.setLong(1, start);
        p.setString(2, "x".repeat(100_000));
        p.setLong(3, end);
        p.setBytes(4, SharedWindowsTest.profileOfFirst(data, 10).toBytes());
        p.executeUpdate();
      }
      WindowParts.Merged merged = parts.read(start, end);
      assertThat(merged.parts())
          .isEqualTo(
              new ReplicaParts(
                  List.of("a"), List.of(), List.of("x".repeat(100) + "... (100000 chars)"), 80));
      data.assertProfileOfFirst(80, merged.profile());
    }
  }
}
