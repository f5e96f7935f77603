package io.github.mlops4j.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real child JVMs that end without closing their tracker. */
class UnclosedTrackerIT {
  private static final int POINTS = 200_000;

  @TempDir Path temp;

  /** Runs a child to its end; returns its output (stdout and stderr). */
  private static String run(String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                LoggingChild.class.getName()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(output).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    return output;
  }

  private static String runId(String output) {
    return output
        .lines()
        .filter(l -> l.startsWith("run "))
        .map(l -> l.substring(4))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no run id in: " + output));
  }

  @ParameterizedTest
  @ValueSource(strings = {"return", "exit"})
  void unclosedTracker_storesEveryPointAtExit_andEndsTheRunAsKilled(String end) throws Exception {
    Path ws = temp.resolve("ws");
    String output = run("unclosed", ws.toString(), Integer.toString(POINTS), end);
    String runId = runId(output);
    try (Tracker tracker = Tracker.open(ws)) {
      RunInfo info = tracker.findRun(runId).orElseThrow();
      assertThat(tracker.metricHistory(runId, "loss")).hasSize(POINTS);
      assertThat(info.metrics().get("loss").step()).isEqualTo(POINTS - 1);
      assertThat(info.status()).isEqualTo(RunStatus.KILLED);
      assertThat(info.endTime()).isPresent();
      assertThat(info.tags().get(Tracker.END_REASON_TAG)).contains("tracker was not closed");
    }
    assertThat(output).contains("ended 1 running run(s) as KILLED: [" + runId + "]");
  }

  @Test
  void withoutTheHook_theRunStaysRunning() throws Exception {
    Path ws = temp.resolve("ws");
    String runId = runId(run("unclosed", ws.toString(), "10", "nohook"));
    try (Tracker tracker = Tracker.open(ws)) {
      assertThat(tracker.findRun(runId).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
    }
  }

  @Test
  void haltedProcess_itsRunIsKilledByTheNextOpen_onceTheLeaseHasPassed() throws Exception {
    Path ws = temp.resolve("ws");
    String runId = runId(run("unclosed", ws.toString(), "1000", "halt"));
    MutableClock clock = new MutableClock(Instant.now());
    // Within the lease: the run may belong to a live process elsewhere; it is left alone.
    try (Tracker tracker = Tracker.builder().workspace(ws).clock(clock).build()) {
      assertThat(tracker.findRun(runId).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
    }
    clock.advance(Duration.ofMinutes(2));
    try (Tracker tracker = Tracker.builder().workspace(ws).clock(clock).build()) {
      RunInfo info = tracker.findRun(runId).orElseThrow();
      assertThat(info.status()).isEqualTo(RunStatus.KILLED);
      assertThat(info.tags().get(Tracker.END_REASON_TAG)).contains("stopped without ending it");
      assertThat(tracker.metricHistory(runId, "loss")).hasSize(1000);
    }
  }

  @Test
  void pointsThatCannotBeStoredAtExit_areCountedInAWarning() throws Exception {
    Path ws = temp.resolve("ws");
    String output = run("locked", ws.toString(), "500");
    String runId = runId(output);
    assertThat(output)
        .contains("WARN")
        .contains("500 metric point(s) could not be stored")
        .contains("{" + runId + "=500}");
  }
}
