package io.github.mlops4j.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real child JVMs: a kill -9 in the middle of logging, and two processes on one workspace. */
class ProcessCrashIT {
  @TempDir Path temp;

  private static Process child(String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                LoggingChild.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  @Test
  void killMinus9_midLogging_leavesAReadableWorkspace() throws Exception {
    Path ws = temp.resolve("ws");
    Process process = child("crash", ws.toString());
    String runId = null;
    long flushed = 0;
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("run ")) {
          runId = line.substring(4);
        } else if (line.startsWith("flushed ")) {
          flushed = Long.parseLong(line.substring(8));
          if (flushed >= 100_000) {
            process.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no close()
            break;
          }
        }
      }
    }
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(runId).as("child output").isNotNull();

    try (Tracker tracker = Tracker.open(ws)) {
      RunInfo info = tracker.findRun(runId).orElseThrow();
      assertThat(info.status()).isEqualTo(RunStatus.RUNNING);
      assertThat(info.params()).containsEntry("mode", "crash");
      List<MetricPoint> history = tracker.metricHistory(runId, "loss");
      assertThat((long) history.size()).isGreaterThanOrEqualTo(flushed);
      for (int i = 0; i < history.size(); i++) {
        assertThat(history.get(i).step()).isEqualTo(i); // a prefix: no gap, no duplicate
        assertThat(history.get(i).value()).isEqualTo(1.0 / (i + 1));
      }
      assertThat(info.metrics().get("loss").step()).isEqualTo(history.size() - 1);
      // The workspace still takes writes.
      try (Run next = tracker.startRun("crash")) {
        next.logMetric("loss", 0.5, 0);
      }
    }
  }

  @Test
  void twoProcesses_shareOneSqliteWorkspace() throws Exception {
    Path ws = temp.resolve("ws");
    Process a = child("share", ws.toString(), "10", "20000");
    Process b = child("share", ws.toString(), "10", "20000");
    for (Process p : List.of(a, b)) {
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(output).isZero();
      assertThat(output).contains("done");
    }
    try (Tracker tracker = Tracker.open(ws)) {
      assertThat(tracker.experiments()).extracting(Experiment::name).containsExactly("shared");
      List<RunInfo> runs = tracker.searchRuns("shared", "");
      assertThat(runs).hasSize(20);
      assertThat(runs)
          .extracting(r -> r.params().get("pid"))
          .containsOnly(Long.toString(a.pid()), Long.toString(b.pid()));
      for (RunInfo run : runs) {
        assertThat(run.status()).isEqualTo(RunStatus.FINISHED);
        assertThat(tracker.metricHistory(run.runId(), "m")).hasSize(20000);
      }
    }
  }
}
