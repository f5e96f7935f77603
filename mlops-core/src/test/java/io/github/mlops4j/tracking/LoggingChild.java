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
 *   <li>{@code unclosed <workspace> <points> return|exit|halt|nohook}: one run, logs the points
 *       without closing anything, prints {@code run <id>}, then returns from main, calls {@code
 *       System.exit(0)}, or (after a flush) {@code Runtime.halt(0)}; {@code nohook} returns with
 *       the shutdown hook turned off.
 *   <li>{@code locked <workspace> <points>}: like {@code unclosed ... exit}, but another connection
 *       holds the database's write lock, so nothing can be stored at exit.
 * </ul>
 */
final class LoggingChild {
  private LoggingChild() {}

  public static void main(String[] args) {
    Path workspace = Path.of(args[1]);
    switch (args[0]) {
      case "crash" -> crash(workspace);
      case "share" -> share(workspace, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
      case "unclosed" -> unclosed(workspace, Integer.parseInt(args[2]), args[3]);
      case "locked" -> locked(workspace, Integer.parseInt(args[2]));
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

  private static void unclosed(Path workspace, int points, String end) {
    Tracker tracker =
        Tracker.builder()
            .workspace(workspace)
            .captureEnvironment(false)
            .shutdownFlushTimeout(end.equals("nohook") ? Duration.ZERO : Duration.ofSeconds(60))
            .build();
    Run run = tracker.startRun("unclosed");
    run.logParam("end", end);
    System.out.println("run " + run.id());
    System.out.flush();
    for (int i = 0; i < points; i++) {
      run.logMetric("loss", 1.0 / (i + 1), i);
    }
    switch (end) {
      case "exit" -> System.exit(0);
      case "halt" -> {
        tracker.flush(Duration.ofSeconds(60));
        Runtime.getRuntime().halt(0);
      }
      default -> {} // return from main: the JVM exits when the last non-daemon thread ends
    }
  }

  private static void locked(Path workspace, int points) {
    io.github.mlops4j.store.Store store =
        io.github.mlops4j.store.Store.builder()
            .sqliteFile(workspace.resolve(io.github.mlops4j.store.Store.DATABASE_FILE))
            .artifactRoot(workspace.resolve("artifacts"))
            .busyTimeout(Duration.ofMillis(100))
            .retryBudget(Duration.ofMillis(500))
            .build();
    Tracker tracker =
        Tracker.builder()
            .store(store)
            .captureEnvironment(false)
            .shutdownFlushTimeout(Duration.ofMillis(500))
            .build();
    Run run = tracker.startRun("locked");
    System.out.println("run " + run.id());
    System.out.flush();
    try {
      java.sql.Connection lock =
          java.sql.DriverManager.getConnection(
              "jdbc:sqlite:"
                  + workspace
                      .resolve(io.github.mlops4j.store.Store.DATABASE_FILE)
                      .toAbsolutePath());
      lock.createStatement().execute("BEGIN EXCLUSIVE");
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    for (int i = 0; i < points; i++) {
      run.logMetric("loss", i, i);
    }
    System.exit(0);
  }

  private static void share(Path workspace, int runs, int points) {
    try (Tracker tracker =
        Tracker.builder().workspace(workspace).captureEnvironment(false).build()) {
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
