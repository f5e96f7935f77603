package io.github.mlops4j.benchmarks;

import io.github.mlops4j.tracking.Backpressure;
import io.github.mlops4j.tracking.Run;
import io.github.mlops4j.tracking.Tracker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Caller-side latency of {@link Run#logMetric(String, double, long)} from one producer thread,
 * while the tracker's writer thread drains the queue into SQLite concurrently.
 *
 * <p>The queue holds 2<sup>20</sup> points and every iteration is short (100 ms) and followed by a
 * flush outside the measured time, so each iteration starts with an empty queue. A producer calling
 * {@code logMetric} in a tight loop (up to about 12 M calls/s here) outruns the writer (2-6 M
 * points/s, with pauses for WAL checkpoints), so with iterations of a second or more the queue
 * fills and the benchmark measures backpressure ({@code BLOCK}) instead of the enqueue path. The
 * iteration tear-down prints how many points were logged and how many were still queued when the
 * iteration ended (the queue only grows during an iteration, so that is about its high-water mark)
 * and flags an iteration whose queue filled up.
 *
 * <p>Baseline: {@link ArrayBlockingQueue#offer} of an object of the same shape (two strings, a
 * double, two longs, with a {@code currentTimeMillis()} timestamp) into a queue of the same
 * capacity, drained by a consumer thread that polls and {@code drainTo}s batches of up to 50,000
 * like the tracker's writer, but does no I/O.
 *
 * <p>Run (from the repository root):
 *
 * <pre>
 * java -jar mlops-benchmarks/target/benchmarks.jar LogMetricLatencyBenchmark -f 1
 * </pre>
 *
 * Defaults: 20 x 100 ms warm-up, 50 x 100 ms measurement, SampleTime in ns (JMH prints p50 ...
 * p99.99). Add {@code -prof gc} to see allocation rate and GC pauses.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 20, time = 100, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 50, time = 100, timeUnit = TimeUnit.MILLISECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Threads(1)
public class LogMetricLatencyBenchmark {
  static final int QUEUE_CAPACITY = 1 << 20;

  /** A tracker with a large queue and one running run. */
  @State(Scope.Benchmark)
  public static class TrackerState {
    Path workspace;
    Tracker tracker;
    Run run;
    long step;
    long loggedAtIterationStart;

    @Setup(Level.Trial)
    public void open() {
      workspace = BenchmarkSupport.tempDir("latency");
      tracker =
          Tracker.builder()
              .workspace(workspace)
              .captureEnvironment(false)
              .queueCapacity(QUEUE_CAPACITY)
              .backpressure(Backpressure.BLOCK)
              .build();
      run = tracker.startRun("latency");
    }

    @Setup(Level.Iteration)
    public void markIteration() {
      loggedAtIterationStart = step;
    }

    /** Drains the queue outside the measured time so the next iteration starts empty. */
    @TearDown(Level.Iteration)
    public void drain() {
      // The queue only grows during an iteration (the producer outruns the writer), so this is
      // about its high-water mark.
      int pending = tracker.pendingMetricPoints();
      long logged = step - loggedAtIterationStart;
      if (!tracker.flush(Duration.ofMinutes(2))) {
        throw new IllegalStateException("flush timed out");
      }
      System.out.printf(
          "%n[logMetric] logged %,d points this iteration; %,d still queued at its"
              + " end (capacity %,d%s); stored in total %,d%n",
          logged,
          pending,
          QUEUE_CAPACITY,
          pending >= QUEUE_CAPACITY ? ", QUEUE WAS FULL" : "",
          tracker.storedMetricPoints());
    }

    @TearDown(Level.Trial)
    public void close() {
      try {
        run.close();
        tracker.close();
      } finally {
        BenchmarkSupport.deleteRecursively(workspace);
      }
    }
  }

  /** An object of the same shape as the tracker's queued point. */
  static final class Sample {
    final String runId;
    final String key;
    final double value;
    final long step;
    final long timestamp;

    Sample(String runId, String key, double value, long step, long timestamp) {
      this.runId = runId;
      this.key = key;
      this.value = value;
      this.step = step;
      this.timestamp = timestamp;
    }
  }

  /** The baseline: a bounded queue drained by a consumer thread that does no I/O. */
  @State(Scope.Benchmark)
  public static class QueueState {
    final ArrayBlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    final String runId = "0123456789abcdef0123456789abcdef";
    final AtomicLong consumed = new AtomicLong();
    volatile boolean stop;
    Thread consumer;
    long step;

    @Setup(Level.Trial)
    public void start() {
      consumer = new Thread(this::drainLoop, "baseline-consumer");
      consumer.setDaemon(true);
      consumer.start();
    }

    private void drainLoop() {
      List<Object> batch = new ArrayList<>(50_000);
      while (!stop) {
        Object first;
        try {
          first = queue.poll(20, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          return;
        }
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, 50_000 - 1);
        consumed.addAndGet(batch.size());
        batch.clear();
      }
    }

    @TearDown(Level.Iteration)
    public void report() {
      System.out.printf(
          "%n[offer] %,d still queued at the end of the iteration; consumed %,d%n",
          queue.size(), consumed.get());
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
      stop = true;
      consumer.join(5_000);
    }
  }

  @Benchmark
  public Run logMetric(TrackerState s) {
    long step = s.step++;
    return s.run.logMetric("loss", step * 1e-6, step);
  }

  @Benchmark
  public boolean arrayBlockingQueueOffer(QueueState s) {
    long step = s.step++;
    return s.queue.offer(
        new Sample(s.runId, "loss", step * 1e-6, step, System.currentTimeMillis()));
  }
}
