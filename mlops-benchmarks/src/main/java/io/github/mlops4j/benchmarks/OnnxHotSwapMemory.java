package io.github.mlops4j.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.Prediction;
import io.github.mlops4j.serving.PredictionEvent;
import io.github.mlops4j.serving.PredictionListener;
import io.github.mlops4j.serving.ServingEvent;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Native memory across hot swaps between ONNX versions: the alias moves {@code moves} times while
 * threads predict, and the process's resident set ({@code VmRSS} of {@code /proc/self/status}) and
 * used heap are printed before and after every {@value #STEP} moves. A plain program with a {@code
 * main}, like {@link HotSwapBenchmark}.
 *
 * <p>Setup: two logistic regressions of the {@link LogisticFixture} workload (seeds 101 and 102),
 * exported to ONNX by Tribuo ({@link OnnxLogistic}), are registered in an embedded workspace; with
 * {@code versions} = 2 as versions 1 and 2, with {@code versions} = 4 each file twice (versions 1
 * and 3 are the first file, 2 and 4 the second). A service follows alias {@code champion} with 8
 * warm-up requests and the default {@code OnnxLoader} (intra-op threads 1, CPU arena on); a
 * listener counts lifecycle events ({@code sampleRate(0)}). Predicting threads cycle through 1,024
 * request maps and compare each answer with a plain {@code OrtSession.run} of the answering
 * version's file on the same row (probability of {@code yes} within 1e-6); a failed call, a version
 * outside 1 .. {@code versions} or a different probability is counted.
 *
 * <p>Moves cycle the alias over the versions; after each move the mover waits until the service
 * answers with the new version. The service keeps the serving version and the two that served
 * before it loaded, so with 2 versions no move loads or closes a session (the literal case of two
 * versions), while with 4 versions every move from the fourth on loads a version (a new onnxruntime
 * session) and retires one (its session closed): the case that leaks if sessions, session options
 * or their native buffers are not released.
 *
 * <p>Memory readings, taken after the retired versions' release events arrived: used heap after
 * {@code System.gc()} (least of three), then RSS, used non-heap memory (metaspace, code cache) and
 * direct buffers not yet freed; live versions = {@code VersionLoaded} - {@code VersionReleased}
 * events.
 *
 * <p>Run (from the repository root): {@code java -Xms256m -Xmx256m -cp
 * mlops-benchmarks/target/benchmarks.jar io.github.mlops4j.benchmarks.OnnxHotSwapMemory [moves
 * [versions [threads]]]} (defaults 1000, 4, 2).
 */
public final class OnnxHotSwapMemory {
  static final int ROWS = 1024;

  /** Moves between two memory readings. */
  static final int STEP = 250;

  private final int moves;
  private final int versions;
  private final int threads;
  private final AtomicInteger loaded = new AtomicInteger();
  private final AtomicInteger released = new AtomicInteger();
  private final AtomicInteger swapped = new AtomicInteger();
  private final AtomicInteger loadFailures = new AtomicInteger();
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong wrongVersions = new AtomicLong();
  private final AtomicLong wrongAnswers = new AtomicLong();
  private volatile boolean stop;

  private OnnxHotSwapMemory(int moves, int versions, int threads) {
    this.moves = moves;
    this.versions = versions;
    this.threads = threads;
  }

  /**
   * Runs the harness and prints the memory readings.
   *
   * @param args optional: alias moves (default 1000), versions 2 or 4 (default 4), predicting
   *     threads (default 2)
   */
  public static void main(String[] args) throws Exception {
    int moves = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int versions = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    if (moves < 1 || (versions != 2 && versions != 4) || threads < 1) {
      throw new IllegalArgumentException(
          "moves >= 1, versions 2 or 4, threads >= 1; were "
              + moves
              + ", "
              + versions
              + ", "
              + threads);
    }
    LogisticFixture.nextGaussian(new SplittableRandom(0)); // quiets Tribuo's training log
    new OnnxHotSwapMemory(moves, versions, threads).run();
  }

  private void run() throws Exception {
    Path dir = BenchmarkSupport.tempDir("onnx-hotswap");
    try {
      OnnxLogistic[] files = {
        OnnxLogistic.train(5_000, 101, dir.resolve("a.onnx")),
        OnnxLogistic.train(5_000, 102, dir.resolve("b.onnx"))
      };
      SplittableRandom random = new SplittableRandom(3);
      List<Map<String, Object>> requests = new ArrayList<>(ROWS);
      double[][] rows = new double[ROWS][];
      for (int i = 0; i < ROWS; i++) {
        rows[i] = LogisticFixture.row(random);
        requests.add(LogisticFixture.request(rows[i]));
      }
      // expected[f][i]: P(yes) of file f on row i, from a plain OrtSession.run
      float[][] expected = {rawYes(files[0], rows), rawYes(files[1], rows)};
      PredictionListener listener =
          new PredictionListener() {
            @Override
            public void onPrediction(PredictionEvent event) {}

            @Override
            public void onEvent(ServingEvent event) {
              if (event instanceof ServingEvent.VersionLoaded) {
                loaded.incrementAndGet();
              } else if (event instanceof ServingEvent.VersionReleased) {
                released.incrementAndGet();
              } else if (event instanceof ServingEvent.Swapped) {
                swapped.incrementAndGet();
              } else if (event instanceof ServingEvent.LoadFailed) {
                loadFailures.incrementAndGet();
              }
            }
          };
      // the default poll interval (1 s), as deployed (see HotSwapBenchmark)
      try (ModelRegistry registry = ModelRegistry.builder().workspace(dir).build()) {
        for (int v = 1; v <= versions; v++) {
          registry.register("churn", files[(v - 1) % 2].artifact(), null);
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
          List<Thread> workers = new ArrayList<>();
          for (int t = 0; t < threads; t++) {
            int offset = t * 97;
            Thread w =
                new Thread(
                    () -> predictLoop(service, requests, expected, offset), "predictor-" + t);
            w.setDaemon(true);
            workers.add(w);
          }
          workers.forEach(Thread::start);
          // one pass over every version first, so that "before" includes each one loaded once
          moveAlias(registry, service, 0, versions);
          System.out.printf(
              Locale.ROOT,
              "%d moves over %d versions (2 ONNX files), %d predicting threads, %d cores, max"
                  + " heap %d MiB%n",
              moves,
              versions,
              threads,
              Runtime.getRuntime().availableProcessors(),
              Runtime.getRuntime().maxMemory() >> 20);
          System.out.printf(
              Locale.ROOT,
              "%-8s %9s %9s %8s %7s %5s %7s %8s %6s %11s %7s %7s %7s%n",
              "moves",
              "RSS MiB",
              "heap MiB",
              "nonheap",
              "direct",
              "live",
              "loaded",
              "released",
              "swaps",
              "calls",
              "failed",
              "wrongV",
              "wrongP");
          print("before");
          int done = 0;
          long begin = System.nanoTime();
          while (done < moves) {
            int n = Math.min(STEP, moves - done);
            moveAlias(registry, service, versions + done, n);
            done += n;
            print(String.valueOf(done));
          }
          System.out.printf(
              Locale.ROOT,
              "%d moves in %.1f s; %d load failures%n",
              moves,
              (System.nanoTime() - begin) / 1e9,
              loadFailures.get());
          stop = true;
          for (Thread w : workers) {
            w.join();
          }
        }
      }
    } finally {
      BenchmarkSupport.deleteRecursively(dir);
    }
  }

  private void print(String label) {
    waitForReleases();
    long heap = heapAfterGc();
    long rss = rssKiB();
    System.out.printf(
        Locale.ROOT,
        "%-8s %9.1f %9.2f %8.2f %7.2f %5d %7d %8d %6d %11d %7d %7d %7d%n",
        label,
        rss / 1024.0,
        heap / MIB,
        nonHeap() / MIB,
        direct() / MIB,
        loaded.get() - released.get(),
        loaded.get(),
        released.get(),
        swapped.get(),
        calls.get(),
        failures.get(),
        wrongVersions.get(),
        wrongAnswers.get());
  }

  private void predictLoop(
      InferenceService service,
      List<Map<String, Object>> requests,
      float[][] expected,
      int offset) {
    int i = offset;
    while (!stop) {
      int row = i;
      i = (i + 1) & (ROWS - 1);
      try {
        Prediction p = service.predict(requests.get(row));
        calls.incrementAndGet();
        if (p.version() < 1 || p.version() > versions) {
          wrongVersions.incrementAndGet();
        } else if (Math.abs(p.score("yes") - expected[(p.version() - 1) % 2][row]) > 1e-6) {
          wrongAnswers.incrementAndGet();
        }
      } catch (RuntimeException e) {
        failures.incrementAndGet();
      }
    }
  }

  /** Moves the alias {@code n} times, waiting after each move until the service follows. */
  private void moveAlias(ModelRegistry registry, InferenceService service, int start, int n) {
    for (int i = 0; i < n; i++) {
      int target = (start + i + 1) % versions + 1;
      if (target == service.activeVersion()) {
        target = target % versions + 1;
      }
      registry.setAlias("churn", "champion", target);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (service.activeVersion() != target) {
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException(
              "The service did not move to v" + target + " within 30 s");
        }
        LockSupport.parkNanos(100_000);
      }
    }
  }

  /** Waits (bounded) until at most three versions are loaded: the serving one and two kept. */
  private void waitForReleases() {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (loaded.get() - released.get() > 3 && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(1_000_000);
    }
    LockSupport.parkNanos(200_000_000);
  }

  private static final double MIB = 1024.0 * 1024.0;

  /** Used non-heap memory: metaspace, compressed class space, code cache. */
  private static long nonHeap() {
    return ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage().getUsed();
  }

  /** Memory of direct byte buffers not yet freed. */
  private static long direct() {
    long used = 0;
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (pool.getName().equals("direct")) {
        used += pool.getMemoryUsed();
      }
    }
    return used;
  }

  private static long heapAfterGc() {
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return least;
  }

  /** VmRSS of this process in KiB, from /proc/self/status; -1 where there is none. */
  static long rssKiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          String value = line.substring(6).trim(); // "123456 kB"
          int space = value.indexOf(' ');
          return Long.parseLong(space < 0 ? value : value.substring(0, space));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux: no reading
    }
    return -1;
  }

  /** P(yes) of each row from a plain session on the file (default session options). */
  private static float[] rawYes(OnnxLogistic file, double[][] rows) throws Exception {
    int yes = List.of(file.labels()).indexOf("yes");
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    float[] data = new float[ROWS * LogisticFixture.FEATURES];
    for (int i = 0; i < ROWS; i++) {
      double[] x = file.inColumnOrder(rows[i]);
      for (int c = 0; c < x.length; c++) {
        data[i * x.length + c] = (float) x[c];
      }
    }
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OrtSession session = env.createSession(file.file().toString(), options);
        OnnxTensor input =
            OnnxTensor.createTensor(
                env, FloatBuffer.wrap(data), new long[] {ROWS, LogisticFixture.FEATURES});
        OrtSession.Result result =
            session.run(Map.of(session.getInputNames().iterator().next(), input))) {
      float[][] p = (float[][]) result.get(0).getValue();
      float[] out = new float[ROWS];
      for (int i = 0; i < ROWS; i++) {
        out[i] = p[i][yes];
      }
      return out;
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }
}
