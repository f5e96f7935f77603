package io.github.mlops4j.benchmarks;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.Prediction;
import io.github.mlops4j.serving.PredictionEvent;
import io.github.mlops4j.serving.PredictionListener;
import io.github.mlops4j.serving.ServingEvent;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.tribuo.Model;
import org.tribuo.classification.Label;

/**
 * Hot swap under load: alias moves while predicting threads keep calling {@link
 * InferenceService#predict(Map)}. JMH measures one operation at a time, while this needs latency
 * percentiles of concurrent callers per phase, so it is a plain program with a {@code main}.
 *
 * <p>Setup: {@value #VERSIONS} versions of a logistic regression ({@value LogisticFixture#FEATURES}
 * features, each trained on its own 5,000 rows) in an embedded workspace; a service following alias
 * {@code champion} with 8 warm-up requests (and the default 1,000 warm-up calls of each version
 * loaded on a move, cycling over them), no metrics, and a listener that only counts lifecycle
 * events ({@code sampleRate(0)}: no prediction events). Predicting threads cycle through 1,024
 * request maps and time every call with {@code System.nanoTime()} into a per-thread histogram of
 * the current phase (1 % resolution).
 *
 * <p>The registry runs with its default poll interval (1 s). Phases: warm-up, then per round a
 * steady phase (no moves) and a phase of alias moves. A round moves {@code champion} {@code moves}
 * times, cycling over the {@value #VERSIONS} versions, and after each move waits until the service
 * answers with the new version before the next move. The service keeps the serving version and two
 * others loaded, so with four versions moves regularly load a version from the registry (digest
 * check, deserialization, warm-up) and release one; the printed event counts say how many. Before
 * and after each round the heap is measured after {@code System.gc()} (used heap, the least of
 * three collections), and the number of live versions is counted from the {@code VersionLoaded} and
 * {@code VersionReleased} events.
 *
 * <p>Baseline: the steady phase just before each round, in the same process, same threads. Targets:
 * zero failed requests; p99 during the moves &lt;= 2x the steady p99; no memory growth across the
 * rounds.
 *
 * <p>Run (from the repository root): {@code java -Xms1g -Xmx1g -cp
 * mlops-benchmarks/target/benchmarks.jar io.github.mlops4j.benchmarks.HotSwapBenchmark [moves
 * [threads [steadySeconds [rounds]]]]} (defaults 1000, 2, 10, 2).
 */
public final class HotSwapBenchmark {
  static final int VERSIONS = 4;
  static final int ROWS = 1024;

  private static final int IDLE = -1;

  private final int moves;
  private final int threads;
  private final Duration steady;
  private final int rounds;

  /** warm-up, then per round: steady r, moves r. */
  private final String[] phases;

  private volatile int phase = IDLE;
  private volatile boolean stop;

  private HotSwapBenchmark(int moves, int threads, Duration steady, int rounds) {
    this.moves = moves;
    this.threads = threads;
    this.steady = steady;
    this.rounds = rounds;
    this.phases = new String[1 + 2 * rounds];
    phases[0] = "warm-up";
    for (int r = 1; r <= rounds; r++) {
      phases[2 * r - 1] = "steady " + r;
      phases[2 * r] = "moves " + r;
    }
  }

  /**
   * Runs the harness and prints one line per phase and the memory readings.
   *
   * @param args optional: alias moves per round (default 1000), predicting threads (default 2),
   *     seconds of each steady phase (default 10), rounds (default 2)
   */
  public static void main(String[] args) throws Exception {
    int moves = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    if (moves < 1 || threads < 1 || seconds < 1 || rounds < 1) {
      throw new IllegalArgumentException(
          "moves, threads, seconds and rounds must be >= 1, were "
              + moves
              + ", "
              + threads
              + ", "
              + seconds
              + ", "
              + rounds);
    }
    new HotSwapBenchmark(moves, threads, Duration.ofSeconds(seconds), rounds).run();
  }

  private void run() throws Exception {
    Path dir = BenchmarkSupport.tempDir("hotswap");
    AtomicInteger loadedEvents = new AtomicInteger();
    AtomicInteger releasedEvents = new AtomicInteger();
    AtomicInteger swappedEvents = new AtomicInteger();
    AtomicInteger failedLoads = new AtomicInteger();
    PredictionListener listener =
        new PredictionListener() {
          @Override
          public void onPrediction(PredictionEvent event) {}

          @Override
          public void onEvent(ServingEvent event) {
            if (event instanceof ServingEvent.VersionLoaded) {
              loadedEvents.incrementAndGet();
            } else if (event instanceof ServingEvent.VersionReleased) {
              releasedEvents.incrementAndGet();
            } else if (event instanceof ServingEvent.Swapped) {
              swappedEvents.incrementAndGet();
            } else if (event instanceof ServingEvent.LoadFailed) {
              failedLoads.incrementAndGet();
            }
          }
        };
    SplittableRandom random = new SplittableRandom(3);
    List<Map<String, Object>> requests = new ArrayList<>(ROWS);
    for (int i = 0; i < ROWS; i++) {
      requests.add(LogisticFixture.request(LogisticFixture.row(random)));
    }
    // the default poll interval (1 s), as deployed: with polling off, the registry keeps the
    // sequence number of every change it made itself until refresh() is called
    try (ModelRegistry registry = ModelRegistry.builder().workspace(dir).build()) {
      for (int v = 1; v <= VERSIONS; v++) {
        Model<Label> model = LogisticFixture.train(5_000, 100 + v);
        registry.register("churn", model, null);
      }
      registry.setAlias("churn", "champion", 1);
      try (InferenceService service =
          InferenceService.builder()
              .registry(registry)
              .model("churn")
              .alias("champion")
              .warmUp(requests.subList(0, 8))
              .listener(listener)
              .sampleRate(0)
              .build()) {
        int n = phases.length;
        Histogram[][] histograms = new Histogram[threads][n];
        AtomicLongArray failures = new AtomicLongArray(n);
        AtomicLongArray wrongVersion = new AtomicLongArray(n);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          Histogram[] mine = histograms[t];
          for (int p = 0; p < n; p++) {
            mine[p] = new Histogram();
          }
          int offset = t * 97;
          Thread w =
              new Thread(
                  () -> predictLoop(service, requests, offset, mine, failures, wrongVersion),
                  "predictor-" + t);
          w.setDaemon(true);
          workers.add(w);
        }
        workers.forEach(Thread::start);

        long[] durations = new long[n];
        long[][] moveStats = new long[rounds][];
        Memory[] memory = new Memory[rounds + 1];
        phase = 0;
        sleep(steady);
        durations[0] = steady.toNanos();
        for (int r = 0; r < rounds; r++) {
          phase = 2 * r + 1;
          sleep(steady);
          durations[2 * r + 1] = steady.toNanos();
          phase = IDLE;
          if (r == 0) {
            memory[0] = memory(loadedEvents, releasedEvents);
          }
          phase = 2 * r + 2;
          moveStats[r] = moveAlias(registry, service, r * moves);
          durations[2 * r + 2] = moveStats[r][0];
          phase = IDLE;
          memory[r + 1] = memory(loadedEvents, releasedEvents);
        }
        stop = true;
        for (Thread w : workers) {
          w.join();
        }

        System.out.printf(
            Locale.ROOT,
            "%d predicting threads, %d alias moves per round over %d"
                + " versions, steady phases of %d s, %d cores%n",
            threads,
            moves,
            VERSIONS,
            steady.toSeconds(),
            Runtime.getRuntime().availableProcessors());
        System.out.printf(
            Locale.ROOT,
            "%-9s %12s %9s %8s %8s %8s %9s %10s %8s %6s%n",
            "phase",
            "calls",
            "calls/s",
            "p50 ns",
            "p90 ns",
            "p99 ns",
            "p99.9 ns",
            "max ns",
            "failed",
            "wrong");
        for (int p = 0; p < n; p++) {
          Histogram all = new Histogram();
          for (int t = 0; t < threads; t++) {
            all.add(histograms[t][p]);
          }
          System.out.printf(
              Locale.ROOT,
              "%-9s %12d %9.0f %8d %8d %8d %9d %10d %8d %6d%n",
              phases[p],
              all.count(),
              all.count() / (durations[p] / 1e9),
              all.percentile(0.50),
              all.percentile(0.90),
              all.percentile(0.99),
              all.percentile(0.999),
              all.max(),
              failures.get(p),
              wrongVersion.get(p));
        }
        for (int r = 0; r < rounds; r++) {
          System.out.printf(
              Locale.ROOT,
              "round %d: %d moves in %.2f s (mean %.0f us, max %.0f us"
                  + " from move to serving)%n",
              r + 1,
              moves,
              moveStats[r][0] / 1e9,
              moveStats[r][1] / 1e3 / moves,
              moveStats[r][2] / 1e3);
        }
        System.out.printf(
            Locale.ROOT,
            "events: %d versions loaded, %d released, %d swaps, %d" + " load failures%n",
            loadedEvents.get(),
            releasedEvents.get(),
            swappedEvents.get(),
            failedLoads.get());
        StringBuilder heap = new StringBuilder("heap after GC (live versions): before ");
        for (int r = 0; r <= rounds; r++) {
          if (r > 0) {
            heap.append(", after round ").append(r).append(' ');
          }
          heap.append(
              String.format(
                  Locale.ROOT, "%.2f MiB (%d)", memory[r].mib(), memory[r].liveVersions()));
        }
        System.out.println(heap);
      }
    } finally {
      BenchmarkSupport.deleteRecursively(dir);
    }
  }

  private void predictLoop(
      InferenceService service,
      List<Map<String, Object>> requests,
      int offset,
      Histogram[] histograms,
      AtomicLongArray failures,
      AtomicLongArray wrong) {
    int i = offset;
    while (!stop) {
      Map<String, Object> request = requests.get(i);
      i = (i + 1) & (ROWS - 1);
      int p = phase;
      long t0 = System.nanoTime();
      try {
        Prediction prediction = service.predict(request);
        long nanos = System.nanoTime() - t0;
        if (p >= 0) {
          histograms[p].record(nanos);
          if (prediction.version() < 1 || prediction.version() > VERSIONS) {
            wrong.incrementAndGet(p);
          }
        }
      } catch (RuntimeException e) {
        if (p >= 0) {
          failures.incrementAndGet(p);
        }
      }
    }
  }

  /**
   * Moves the alias {@code moves} times and waits after each move until the service answers with
   * the new version. Returns {total nanos, sum of move-to-serving nanos, max move-to-serving}.
   */
  private long[] moveAlias(ModelRegistry registry, InferenceService service, int start) {
    long begin = System.nanoTime();
    long sum = 0;
    long max = 0;
    for (int i = 0; i < moves; i++) {
      int current = service.activeVersion();
      int target = (start + i + 1) % VERSIONS + 1;
      if (target == current) {
        target = target % VERSIONS + 1;
      }
      long t0 = System.nanoTime();
      registry.setAlias("churn", "champion", target);
      long deadline = t0 + Duration.ofSeconds(30).toNanos();
      while (service.activeVersion() != target) {
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException(
              "The service did not move to v" + target + " within 30 s");
        }
        LockSupport.parkNanos(100_000);
      }
      long took = System.nanoTime() - t0;
      sum += took;
      max = Math.max(max, took);
    }
    return new long[] {System.nanoTime() - begin, sum, max};
  }

  private record Memory(long usedBytes, int liveVersions) {
    double mib() {
      return usedBytes / (1024.0 * 1024.0);
    }
  }

  /** Heap used after a full collection (least of three), and versions loaded but not released. */
  private static Memory memory(AtomicInteger loaded, AtomicInteger released) {
    // released versions are announced from the loader and event threads; give them a moment
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (loaded.get() - released.get() > VERSIONS && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(1_000_000);
    }
    LockSupport.parkNanos(200_000_000);
    MemoryMXBean bean = ManagementFactory.getMemoryMXBean();
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      least = Math.min(least, bean.getHeapMemoryUsage().getUsed());
    }
    return new Memory(least, loaded.get() - released.get());
  }

  private static void sleep(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis());
  }

  /**
   * Latency histogram with about 1 % resolution: exact below 1,024 ns, then 128 sub-buckets per
   * power of two. Written by one thread.
   */
  static final class Histogram {
    private static final int SUB = 128;
    private final long[] counts = new long[1024 + 54 * SUB];
    private long total;
    private long max;

    void record(long nanos) {
      long v = Math.max(0, nanos);
      counts[index(v)]++;
      total++;
      max = Math.max(max, v);
    }

    void add(Histogram other) {
      for (int i = 0; i < counts.length; i++) {
        counts[i] += other.counts[i];
      }
      total += other.total;
      max = Math.max(max, other.max);
    }

    long count() {
      return total;
    }

    long max() {
      return max;
    }

    /** The value at quantile {@code q} (upper end of its bucket), 0 when empty. */
    long percentile(double q) {
      if (total == 0) {
        return 0;
      }
      long rank = (long) Math.ceil(q * total);
      long seen = 0;
      for (int i = 0; i < counts.length; i++) {
        seen += counts[i];
        if (seen >= Math.max(1, rank)) {
          return Math.min(max, upper(i));
        }
      }
      return max;
    }

    private static int index(long v) {
      if (v < 1024) {
        return (int) v;
      }
      int e = 63 - Long.numberOfLeadingZeros(v); // >= 10
      int sub = (int) (v >>> (e - 7)) & (SUB - 1);
      return 1024 + (e - 10) * SUB + sub;
    }

    private static long upper(int index) {
      if (index < 1024) {
        return index;
      }
      int e = (index - 1024) / SUB + 10;
      int sub = (index - 1024) % SUB;
      return ((long) (SUB + sub + 1) << (e - 7)) - 1;
    }
  }
}
