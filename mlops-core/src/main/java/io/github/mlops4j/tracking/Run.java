package io.github.mlops4j.tracking;

import io.github.mlops4j.StoredText;
import io.github.mlops4j.artifacts.ArtifactStore;
import io.github.mlops4j.artifacts.StoredArtifact;
import io.github.mlops4j.artifacts.SymlinkPolicy;
import io.github.mlops4j.artifacts.internal.FileTree;
import io.github.mlops4j.artifacts.internal.PathNames;
import io.github.mlops4j.data.DatasetVersion;
import io.github.mlops4j.governance.DataAction;
import io.github.mlops4j.governance.internal.Guard;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A handle on a running run, safe to use from many threads. Params, tags, inputs and artifacts are
 * stored before the call returns; metrics are queued and stored in the background ({@link
 * Tracker#flush(java.time.Duration)} waits for them).
 *
 * <p>{@link #close()} ends the run as {@link RunStatus#FINISHED}; {@link #fail(Throwable)} ends it
 * as {@link RunStatus#FAILED} (a later {@code close()} then does nothing). Logging through a handle
 * that ended the run throws {@link IllegalStateException}.
 *
 * <p>Several handles may point at one run (another thread's, another tracker's, another process's,
 * through {@link Tracker#resumeRun}). Every write checks, in its own transaction, that the run is
 * still {@link RunStatus#RUNNING} in the store: once any handle ended it, params, tags, inputs and
 * artifacts logged through the others are refused with {@link RunEndedException} and nothing is
 * stored. Metric points are checked when the background writer stores them: points of a run that
 * ended meanwhile are dropped, counted in {@link Tracker#rejectedMetricPoints()} and logged as a
 * warning, and later {@code logMetric} calls on that run throw {@link RunEndedException}. Ending a
 * run that was already ended elsewhere ({@code close}, {@code fail}, {@code kill}) changes nothing
 * in the store (no status, no error tag), logs a warning, and {@link #status()} then reports the
 * stored status.
 *
 * <p>Under the tracker's {@link Tracker.Builder#accessPolicy access policy} every write (params,
 * metrics, tags, inputs, ending the run) asks {@link
 * io.github.mlops4j.governance.DataAction#RUN_WRITE} and {@code logArtifact} asks {@link
 * io.github.mlops4j.governance.DataAction#ARTIFACT_WRITE} before anything is stored or queued; a
 * refused {@code close}, {@code fail} or {@code kill} leaves the run running.
 *
 * <pre>{@code
 * try (Run run = tracker.startRun("churn")) {
 *   run.logParam("lr", "0.05");
 *   run.logMetric("loss", 0.41, 1);
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public final class Run implements AutoCloseable {
  /** Tag holding the error of a failed run. */
  public static final String ERROR_TAG = "mlops.error";

  /**
   * MLflow's tag for the run name. Every run has it, mirroring {@link #name()}: it is not stored
   * apart from the name, so it always equals the name, even for runs logged before it existed.
   * Setting it renames the run (the value must be a valid run name); a run cannot be without it.
   * Searches may use {@code tags."mlflow.runName"} and {@code attributes.run_name} alike.
   */
  public static final String NAME_TAG = "mlflow.runName";

  private static final Logger LOG = LoggerFactory.getLogger(Run.class);

  private final Tracker tracker;
  private final String runId;
  private final String experimentId;
  private volatile String runName;
  private volatile RunStatus status = RunStatus.RUNNING;

  /** Whether {@link #status} was learned from the store: another handle ended the run. */
  private volatile boolean endedElsewhere;

  Run(Tracker tracker, String runId, String experimentId, String runName) {
    this.tracker = tracker;
    this.runId = runId;
    this.experimentId = experimentId;
    this.runName = runName;
  }

  public String id() {
    return runId;
  }

  public String experimentId() {
    return experimentId;
  }

  /** The run's name as this handle last set or read it; {@link #NAME_TAG} renames the run. */
  public String name() {
    return runName;
  }

  /**
   * The status as this handle knows it: {@link RunStatus#RUNNING} until this handle ends the run,
   * or until a write through it found the run ended by another handle.
   */
  public RunStatus status() {
    return status;
  }

  /** Logs an immutable param. Logging the same value again is fine; a different one throws. */
  public Run logParam(String key, String value) {
    return logParams(
        Map.of(
            Objects.requireNonNull(key, "key"),
            Objects.requireNonNull(value, () -> "value of param '" + key + "'")));
  }

  /**
   * Logs several params in one transaction: if one of them conflicts with a stored value, none is
   * stored.
   *
   * @throws ParamConflictException if a key already has a different value
   * @throws RunEndedException if another handle or process has ended the run
   */
  public Run logParams(Map<String, String> params) {
    checkRunning();
    ask(DataAction.RUN_WRITE);
    TrackingLimits limits = tracker.limits();
    Map<String, String> copy = new LinkedHashMap<>();
    params.forEach(
        (k, v) ->
            copy.put(
                limits.checkKey(k, "Param"),
                limits.checkValue(v, limits.maxParamValueLength(), "Param", k)));
    guarded(() -> tracker.dao().logParams(runId, copy));
    return this;
  }

  /**
   * Queues a metric point at the current time. Never does I/O: the point is stored by the tracker's
   * writer thread. NaN and infinities are valid values. A point whose run was ended elsewhere
   * before the writer stores it is dropped and counted ({@link Tracker#rejectedMetricPoints()}).
   *
   * @throws RunEndedException if the writer already found the run ended by another handle
   */
  public Run logMetric(String key, double value, long step) {
    long now = tracker.nowMillis();
    return queueMetric(key, value, step, now, now);
  }

  /**
   * Queues a metric point logged at {@code timestamp} rather than now, for points that come from
   * elsewhere (another tracking system, a client that keeps its own time). Otherwise as {@link
   * #logMetric(String, double, long)}.
   *
   * @throws RunEndedException if the writer already found the run ended by another handle
   * @since 0.1.0
   */
  public Run logMetric(String key, double value, long step, java.time.Instant timestamp) {
    Objects.requireNonNull(timestamp, "timestamp");
    return queueMetric(key, value, step, timestamp.toEpochMilli(), tracker.nowMillis());
  }

  /**
   * Queues a point at {@code timestampMillis}, queued at {@code nowMillis}, after the checks both
   * overloads share.
   */
  private Run queueMetric(
      String key, double value, long step, long timestampMillis, long nowMillis) {
    checkRunning();
    ask(DataAction.RUN_WRITE);
    RunStatus ended = tracker.endedElsewhere(runId);
    if (ended != null) {
      throw endedElsewhere(ended);
    }
    tracker.enqueue(
        runId, tracker.limits().checkKey(key, "Metric"), value, step, timestampMillis, nowMillis);
    return this;
  }

  /** Queues a metric point at step 0. */
  public Run logMetric(String key, double value) {
    return logMetric(key, value, 0);
  }

  /** Queues several metrics at one step. */
  public Run logMetrics(Map<String, Double> metrics, long step) {
    metrics.forEach((k, v) -> logMetric(k, Objects.requireNonNull(v, k), step));
    return this;
  }

  /**
   * Sets a tag, replacing its previous value. Setting {@link #NAME_TAG} renames the run.
   *
   * @throws RunEndedException if another handle or process has ended the run
   */
  public Run setTag(String key, String value) {
    return setTags(
        Map.of(
            Objects.requireNonNull(key, "key"),
            Objects.requireNonNull(value, () -> "value of tag '" + key + "'")));
  }

  /**
   * Removes a tag; removing a tag the run does not have does nothing.
   *
   * @throws RunEndedException if another handle or process has ended the run
   * @since 0.1.0
   */
  public Run deleteTag(String key) {
    Objects.requireNonNull(key, "key");
    checkRunning();
    ask(DataAction.RUN_WRITE);
    guarded(() -> tracker.dao().deleteTag(runId, key));
    return this;
  }

  public Run setTags(Map<String, String> tags) {
    checkRunning();
    ask(DataAction.RUN_WRITE);
    Map<String, String> checked = checkTags(tracker.limits(), tags);
    guarded(() -> tracker.dao().setTags(runId, checked));
    String renamed = checked.get(NAME_TAG);
    if (renamed != null) {
      runName = renamed;
    }
    return this;
  }

  /**
   * Checks keys and values; the value of {@link #NAME_TAG} must also be a valid run name (not
   * blank, at most the name length limit, no control characters).
   */
  static Map<String, String> checkTags(TrackingLimits limits, Map<String, String> tags) {
    Map<String, String> copy = new LinkedHashMap<>();
    tags.forEach(
        (k, v) ->
            copy.put(
                limits.checkKey(k, "Tag"),
                k.equals(NAME_TAG)
                    ? limits.checkName(
                        Objects.requireNonNull(v, NAME_TAG), "Run name (tag " + NAME_TAG + ")")
                    : limits.checkValue(v, limits.maxTagValueLength(), "Tag", k)));
    return copy;
  }

  /**
   * Stores a file, or every file under a directory, as artifacts of this run, under the file's (or
   * directory's) name. Content is stored once per SHA-256 digest across the workspace. Symbolic
   * links in a directory are treated as {@link SymlinkPolicy#WITHIN_TREE} says.
   *
   * @return the stored artifacts
   * @see #logArtifact(Path, String, SymlinkPolicy)
   */
  public List<ArtifactInfo> logArtifact(Path file) {
    Path name = Objects.requireNonNull(file, "file").toAbsolutePath().normalize().getFileName();
    if (name == null) {
      throw new IllegalArgumentException("Cannot log the root directory as an artifact");
    }
    return logArtifact(file, name.toString());
  }

  /**
   * Stores a file as the artifact {@code artifactPath}, or every file under a directory below the
   * prefix {@code artifactPath}, with the default {@link SymlinkPolicy#WITHIN_TREE}. The path must
   * be relative and must not escape ({@code ..}, absolute paths and NUL are rejected). Logging the
   * same path again replaces it.
   *
   * @see #logArtifact(Path, String, SymlinkPolicy)
   */
  public List<ArtifactInfo> logArtifact(Path file, String artifactPath) {
    return logArtifact(file, artifactPath, SymlinkPolicy.WITHIN_TREE);
  }

  /**
   * Stores a file as the artifact {@code artifactPath}, or every regular file under a directory
   * below the prefix {@code artifactPath}, treating symbolic links inside the directory as {@code
   * links} says:
   *
   * <ul>
   *   <li>{@link SymlinkPolicy#WITHIN_TREE} (the default of the other overloads): a link that ends
   *       at a regular file inside the directory is stored under the link's own path with the
   *       target's content; a link that leaves the directory (absolute, relative or through a
   *       chain), a link to a directory and a dangling link are refused.
   *   <li>{@link SymlinkPolicy#FOLLOW_FILES_OUTSIDE}: links to regular files outside the directory
   *       are stored too. Only for directories you trust.
   * </ul>
   *
   * <p>The whole directory is listed and checked before anything is stored, so a refused link
   * stores nothing. The file or directory passed in is always followed if it is itself a link.
   * Files are opened without following a link in their last path element, so a file replaced by a
   * link after the check fails to open ({@link UncheckedIOException}) rather than being read.
   *
   * @throws TrackingException naming the link and its target when a link is refused, or a FIFO,
   *     socket or device in the directory
   * @throws RunEndedException if another handle or process has ended the run
   * @throws IllegalArgumentException if {@code artifactPath} is invalid or {@code file} is neither
   *     a regular file nor a directory
   * @throws UncheckedIOException if the directory cannot be listed
   */
  public List<ArtifactInfo> logArtifact(Path file, String artifactPath, SymlinkPolicy links) {
    checkRunning();
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(links, "links");
    PathNames.checkRelative(artifactPath, "artifact path");
    Guard g = tracker.guard();
    if (g != null) {
      g.write(DataAction.ARTIFACT_WRITE, List.of(runId, artifactPath), 0);
    }
    // Fail before copying content for a run ended elsewhere; the row insert re-checks in its
    // transaction, which is what makes the refusal exact.
    RunStatus current = tracker.dao().status(runId);
    if (current != null && current != RunStatus.RUNNING) {
      throw endedElsewhere(current);
    }
    ArtifactStore store = tracker.dao().store().artifacts();
    List<ArtifactInfo> stored = new ArrayList<>();
    if (Files.isDirectory(file)) {
      List<FileTree.Entry> entries;
      try {
        entries = new ArrayList<>(FileTree.list(file.toRealPath(), links, treeContext()));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot list artifact directory " + file + ": " + e, e);
      }
      entries.sort(Comparator.comparing(FileTree.Entry::relativePath));
      List<String> paths = new ArrayList<>(entries.size());
      for (FileTree.Entry entry : entries) {
        paths.add(
            PathNames.checkRelative(artifactPath + "/" + entry.relativePath(), "artifact path"));
      }
      for (int i = 0; i < entries.size(); i++) {
        StoredArtifact a = put(store, entries.get(i).content());
        stored.add(new ArtifactInfo(paths.get(i), a.digest(), a.sizeBytes()));
      }
    } else if (Files.isRegularFile(file)) {
      StoredArtifact a = store.put(file);
      stored.add(new ArtifactInfo(artifactPath, a.digest(), a.sizeBytes()));
    } else {
      throw new IllegalArgumentException(
          "Artifact " + file + " is not a readable file or directory");
    }
    guarded(() -> tracker.dao().addArtifacts(runId, stored, tracker.clock().millis()));
    return List.copyOf(stored);
  }

  /** Reads a checked entry without following a link that replaced it since the check. */
  private static StoredArtifact put(ArtifactStore store, Path content) {
    try (InputStream in = Files.newInputStream(content, LinkOption.NOFOLLOW_LINKS)) {
      return store.put(in);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read artifact file " + content + ": " + e, e);
    }
  }

  private FileTree.Context treeContext() {
    return new FileTree.Context(
        "artifact directory",
        "Copy the file into the directory, or log it with SymlinkPolicy.FOLLOW_FILES_OUTSIDE if"
            + " the directory is trusted",
        (message, path, cause) ->
            cause == null
                ? new TrackingException(runId, message)
                : new TrackingException(runId, message, cause));
  }

  /** Records a dataset version as an input of this run. */
  public Run logInput(DatasetVersion dataset) {
    return logInput(dataset, "");
  }

  /**
   * Records a dataset version as an input of this run in a role such as {@code train}, {@code eval}
   * or {@code test}.
   */
  public Run logInput(DatasetVersion dataset, String context) {
    checkRunning();
    Objects.requireNonNull(dataset, "dataset");
    StoredText.check(Objects.requireNonNull(context, "context"), "Input context");
    ask(DataAction.RUN_WRITE);
    if (context.length() > tracker.limits().maxKeyLength()) {
      throw new IllegalArgumentException(
          "Input context is over " + tracker.limits().maxKeyLength() + " characters");
    }
    guarded(() -> tracker.dao().addInput(runId, dataset, context));
    if (tracker.hasListeners()) {
      tracker.announce(
          new RunEvent.InputLogged(
              runId,
              new RunInput(dataset, context),
              java.time.Instant.ofEpochMilli(tracker.nowMillis())));
    }
    return this;
  }

  /** Starts a run nested under this one, in the same experiment. */
  public RunBuilder newChildRun() {
    return tracker.newRunInExperiment(experimentId).parent(runId);
  }

  /** Ends the run as {@link RunStatus#FINISHED} after its queued metrics are stored. */
  @Override
  public void close() {
    end(RunStatus.FINISHED, Map.of());
  }

  /**
   * Ends the run as {@link RunStatus#FAILED}, recording the error's class and message in the tag
   * {@value #ERROR_TAG}.
   */
  public void fail(Throwable error) {
    String text = error.getClass().getName() + ": " + error.getMessage();
    int limit = tracker.limits().maxTagValueLength();
    end(
        RunStatus.FAILED,
        Map.of(ERROR_TAG, text.length() > limit ? text.substring(0, limit) : text));
  }

  /** Ends the run as {@link RunStatus#KILLED}. */
  public void kill() {
    end(RunStatus.KILLED, Map.of());
  }

  private void end(RunStatus terminal, Map<String, String> tags) {
    if (status == RunStatus.RUNNING) {
      ask(DataAction.RUN_WRITE); // a refused end leaves the run running
    }
    synchronized (this) {
      if (status != RunStatus.RUNNING) {
        return;
      }
      status = terminal;
    }
    RunStatus already = tracker.endRun(this, terminal, tags);
    if (already == null && tracker.hasListeners()) {
      tracker.announce(
          new RunEvent.Ended(
              runId,
              terminal,
              tags.get(ERROR_TAG),
              java.time.Instant.ofEpochMilli(tracker.nowMillis())));
    }
    if (already != null) {
      endedElsewhere = true;
      status = already;
      LOG.warn(
          "Run {} ('{}') had already ended with status {} through another handle or process;"
              + " ending it as {} changed nothing",
          runId,
          runName,
          already,
          terminal);
    }
  }

  /** Asks the tracker's access policy, if any, about {@code action} on this run. */
  private void ask(DataAction action) {
    Guard g = tracker.guard();
    if (g != null) {
      g.write(action, runId);
    }
  }

  /** Runs a store write, learning from a refusal that the run was ended elsewhere. */
  private void guarded(Runnable write) {
    try {
      write.run();
    } catch (RunEndedException e) {
      markEndedElsewhere(e.status());
      throw e;
    }
  }

  private RunEndedException endedElsewhere(RunStatus stored) {
    markEndedElsewhere(stored);
    return new RunEndedException(runId, stored);
  }

  private synchronized void markEndedElsewhere(RunStatus stored) {
    if (status == RunStatus.RUNNING) {
      status = stored;
      endedElsewhere = true;
    }
  }

  private void checkRunning() {
    RunStatus s = status;
    if (s != RunStatus.RUNNING && endedElsewhere) {
      throw new RunEndedException(runId, s);
    }
    if (s != RunStatus.RUNNING) {
      throw new IllegalStateException(
          "Run "
              + runId
              + " ('"
              + runName
              + "') has ended with status "
              + s
              + "; start a new run to log more");
    }
  }

  TrackingLimits limits() {
    return tracker.limits();
  }

  @Override
  public String toString() {
    return "Run{" + runId + " '" + runName + "' " + status + "}";
  }
}
