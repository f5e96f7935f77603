package io.github.mlops4j.tracking;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A separate JVM that logs to a workspace, for the crash and multi-process tests.
 *
 * <ul>
 *   <li>{@code crash <workspace>}: one run, logs step after step forever, printing {@code run <id>}
 *       first and {@code flushed <n>} whenever the first n points are stored; the test kills it.
 *   <li>{@code share <workspace> <runs> <points>}: starts runs in experiment {@code shared}, logs
 *       points to each, closes them, prints {@code done}.
 * </ul>
 */
final class LoggingChild {
  private LoggingChild() {}

  public static void main(String[] args) {
    Path workspace = Path.of(args[1]);
    switch (args[0]) {
      case "crash" -> crash(workspace);
      case "share" -> share(workspace, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
      default -> throw new IllegalArgumentException(args[0]);
    }
  }

  private static void crash(Path workspace) {
    Tracker tracker = Tracker.builder().workspace(workspace).captureEnvironment(false).build();
    Run run = tracker.startRun("crash");
    run.logParam("mode", "crash");
    System.out.println("run " + run.id());
    System.out.flush();
    for (long step = 0; ; step++) {
      run.logMetric("loss", 1.0 / (step + 1), step);
      if (step % 5_000 == 4_999) {
        tracker.flush(Duration.ofSeconds(30));
        System.out.println("flushed " + (step + 1));
        System.out.flush();
      }
    }
  }

  private static void share(Path workspace, int runs, int points) {
    try (Tracker tracker = Tracker.builder().workspace(workspace).captureEnvironment(false)
        .build()) {
      for (int r = 0; r < runs; r++) {
        try (Run run = tracker.startRun("shared")) {
          run.logParam("pid", Long.toString(ProcessHandle.current().pid()));
          for (int i = 0; i < points; i++) {
            run.logMetric("m", i, i);
          }
        }
      }
    }
    System.out.println("done");
  }
}
