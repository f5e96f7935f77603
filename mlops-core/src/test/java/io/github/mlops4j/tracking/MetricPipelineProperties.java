package io.github.mlops4j.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "No point lost": random producers, each logging a random number of points to random runs and
 * keys, interleaved with flushes, through queues and batches of random small sizes (so the queue is
 * full and batches split series most of the time). After close, every run holds exactly the points
 * logged to it, each series in its producer's order.
 */
class MetricPipelineProperties {
  @TempDir Path temp;

  @Test
  void noPointLost_underRandomInterleavings() {
    qt().withFixedSeed(20261126L)
        .withExamples(25)
        .forAll(
            lists().of(integers().between(0, 400)).ofSizeBetween(1, 6),
            integers().between(1, 64),
            integers().between(1, 300))
        .checkAssert((producers, capacity, batch) -> run(producers, capacity, batch));
  }

  private void run(List<Integer> producers, int capacity, int batch) {
    Path ws;
    try {
      ws = Files.createTempDirectory(temp, "ws");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Map<String, Map<String, Integer>> expected = new HashMap<>();
    List<String> runIds = new ArrayList<>();
    try (Tracker tracker =
        Tracker.builder()
            .workspace(ws)
            .captureEnvironment(false)
            .queueCapacity(capacity)
            .maxBatchPoints(batch)
            .build()) {
      List<Run> runs = List.of(tracker.startRun("p"), tracker.startRun("p"), tracker.startRun("p"));
      runs.forEach(r -> runIds.add(r.id()));
      CyclicBarrier start = new CyclicBarrier(producers.size());
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < producers.size(); t++) {
        int producer = t;
        int count = producers.get(t);
        Run run = runs.get(t % runs.size());
        String key = "k" + producer;
        expected.computeIfAbsent(run.id(), k -> new HashMap<>()).put(key, count);
        threads.add(
            new Thread(
                () -> {
                  try {
                    start.await();
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                  for (int i = 0; i < count; i++) {
                    run.logMetric(key, i * 0.5, i);
                    if (i % 97 == producer) {
                      tracker.flush(Duration.ofSeconds(30));
                    }
                  }
                }));
      }
      threads.forEach(Thread::start);
      for (Thread thread : threads) {
        try {
          thread.join();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    try (Tracker reopened = Tracker.open(ws)) {
      for (String runId : runIds) {
        for (Map.Entry<String, Integer> e : expected.getOrDefault(runId, Map.of()).entrySet()) {
          List<MetricPoint> history = reopened.metricHistory(runId, e.getKey());
          assertThat(history).hasSize(e.getValue());
          for (int i = 0; i < history.size(); i++) {
            assertThat(history.get(i).step()).isEqualTo(i);
            assertThat(history.get(i).value()).isEqualTo(i * 0.5);
          }
        }
      }
    }
  }
}
