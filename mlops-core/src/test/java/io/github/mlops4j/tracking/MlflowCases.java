package io.github.mlops4j.tracking;

import io.github.mlops4j.data.DatasetVersion;
import io.github.mlops4j.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A tracker on a real SQLite workspace whose clock the test sets, for the run-search cases ported
 * from MLflow's test suite: MLflow's tests give start times, end times and metric timestamps
 * explicitly, so each is set on the clock just before the call that records it.
 */
final class MlflowCases implements AutoCloseable {
  final MutableClock clock = new MutableClock(Instant.ofEpochMilli(0));
  final Tracker tracker;

  MlflowCases(Path workspace) {
    this(Tracker.builder().workspace(workspace));
  }

  /** A tracker from {@code store}, a builder that only says where the store is. */
  MlflowCases(Tracker.Builder store) {
    tracker =
        store
            .clock(clock)
            .captureEnvironment(false)
            .shutdownFlushTimeout(Duration.ZERO)
            .user("user-id")
            .build();
  }

  void at(long epochMillis) {
    clock.set(Instant.ofEpochMilli(epochMillis));
  }

  /** Starts a run in {@code experiment} at {@code startTime}. */
  Run start(String experiment, long startTime) {
    at(startTime);
    return tracker.startRun(experiment);
  }

  /** Logs one point as MLflow's {@code Metric(key, value, timestamp, step)}. */
  void metric(Run run, String key, double value, long timestamp, long step) {
    at(timestamp);
    run.logMetric(key, value, step);
  }

  /** Ends a run with {@code status} at {@code endTime}. */
  void end(Run run, RunStatus status, long endTime) {
    at(endTime);
    switch (status) {
      case FINISHED -> run.close();
      case FAILED -> run.fail(new IllegalStateException("failed"));
      case KILLED -> run.kill();
      default -> throw new IllegalArgumentException(status.name());
    }
  }

  /** The ids of every run (deleted ones too, as MLflow's tests search) matching, in order. */
  List<String> search(String filter, String... orderBy) {
    return ids(
        RunQuery.builder().filter(filter).orderBy(orderBy).viewType(ViewType.ALL).build(),
        Integer.MAX_VALUE);
  }

  /** The ids of the runs of {@code query}, reading at most {@code pages} pages. */
  List<String> ids(RunQuery query, int pages) {
    tracker.flush(Duration.ofSeconds(30));
    List<String> out = new ArrayList<>();
    RunPage page = tracker.searchRuns(query);
    out.addAll(page.runs().stream().map(RunInfo::runId).toList());
    for (int i = 1; i < pages && page.nextPageToken() != null; i++) {
      page =
          tracker.searchRuns(
              RunQuery.builder()
                  .experiments(query.experiments().toArray(String[]::new))
                  .filter(query.filter())
                  .orderBy(query.orderBy().toArray(String[]::new))
                  .maxResults(query.maxResults())
                  .viewType(query.viewType())
                  .pageToken(page.nextPageToken())
                  .build());
      out.addAll(page.runs().stream().map(RunInfo::runId).toList());
    }
    return out;
  }

  /** A dataset version with a made-up digest derived from {@code digest} (e.g. "digest1"). */
  static DatasetVersion dataset(String name, String digest) {
    return new DatasetVersion(name, hexDigest(digest), 0, 1, null, "source");
  }

  /** The 64-hex-digit digest {@link #dataset} gives a name such as "digest1". */
  static String hexDigest(String digest) {
    StringBuilder hex = new StringBuilder();
    for (char c : digest.toCharArray()) {
      hex.append(String.format(Locale.ROOT, "%02x", (int) c));
    }
    while (hex.length() < 64) {
      hex.append('0');
    }
    return hex.toString();
  }

  @Override
  public void close() {
    tracker.close();
  }
}
