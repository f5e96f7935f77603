package io.github.mlops4j.tracking;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Options of a new run: name, parent run, tags. Obtain one from {@link Tracker#newRun(String)}.
 *
 * @since 0.1.0
 */
public final class RunBuilder {
  private final Tracker tracker;
  private final @Nullable String experimentName;
  private final @Nullable String experimentId;
  private @Nullable String runName;
  private @Nullable String parentRunId;
  private final Map<String, String> tags = new LinkedHashMap<>();

  RunBuilder(Tracker tracker, @Nullable String experimentName, @Nullable String experimentId) {
    this.tracker = tracker;
    this.experimentName = experimentName;
    this.experimentId = experimentId;
  }

  /** The run's display name (default: {@code run-} and the first 8 characters of its id). */
  public RunBuilder name(String runName) {
    this.runName = tracker.limits().checkName(runName, "Run name");
    return this;
  }

  /** Nests the new run under an existing run. */
  public RunBuilder parent(String parentRunId) {
    this.parentRunId = Objects.requireNonNull(parentRunId, "parentRunId");
    return this;
  }

  public RunBuilder tag(String key, String value) {
    tags.putAll(Run.checkTags(tracker.limits(), Map.of(key, value)));
    return this;
  }

  public RunBuilder tags(Map<String, String> tags) {
    this.tags.putAll(Run.checkTags(tracker.limits(), tags));
    return this;
  }

  /**
   * Creates the run (and its experiment if needed) with status {@link RunStatus#RUNNING}.
   *
   * @throws RunNotFoundException if the parent run does not exist
   */
  public Run start() {
    return tracker.start(experimentName, experimentId, runName, parentRunId, tags);
  }
}
