package io.github.mlops4j.monitoring;

import io.github.mlops4j.internal.KeyCharacters;
import io.github.mlops4j.monitoring.drift.ColumnDrift;
import io.github.mlops4j.monitoring.drift.DriftReport;
import io.github.mlops4j.tracking.Run;
import io.github.mlops4j.tracking.Tracker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Keeps a {@link Monitor}'s drift reports in the workspace, where mlops-console's drift page reads
 * them: each evaluated window becomes one tracking run in experiment {@value #EXPERIMENT}, tagged
 * with the model ({@value #MODEL_TAG}) and the window's index ({@value #WINDOW_TAG}), holding the
 * window's bounds and row counts as params, its scores as metrics at step = the window's index
 * ({@code drift.share}, {@code drift.drifted_columns}, {@code drift.dataset} as 1 or 0, and {@code
 * score/<column>} per column), and the report itself as the artifacts {@value #HTML_ARTIFACT} (the
 * monitoring module's HTML report) and {@value #JSON_ARTIFACT}.
 *
 * <pre>{@code
 * monitor.addListener(DriftRecorder.of(tracker, "churn"));
 * }</pre>
 *
 * <p>Runs on the monitor's evaluating thread and writes two small files per window through a
 * temporary directory (deleted after); a failure is the listener's failure, counted by the monitor.
 *
 * @since 0.1.0
 */
public final class DriftRecorder implements DriftListener {
  /** The experiment of the recorded windows. */
  public static final String EXPERIMENT = "mlops-drift";

  /** The tag naming the monitored model on each recorded window's run. */
  public static final String MODEL_TAG = "mlops.drift.model";

  /** The tag holding the window's index on each recorded window's run. */
  public static final String WINDOW_TAG = "mlops.drift.window";

  /** The artifact path of a window's HTML report. */
  public static final String HTML_ARTIFACT = "drift-report.html";

  /** The artifact path of a window's JSON report. */
  public static final String JSON_ARTIFACT = "drift-report.json";

  private final Tracker tracker;
  private final String model;

  private DriftRecorder(Tracker tracker, String model) {
    this.tracker = tracker;
    this.model = model;
  }

  /**
   * A recorder of {@code model}'s windows into {@code tracker}'s workspace.
   *
   * @throws IllegalArgumentException if the model name is blank or over 200 characters
   */
  public static DriftRecorder of(Tracker tracker, String model) {
    Objects.requireNonNull(tracker, "tracker");
    Objects.requireNonNull(model, "model");
    if (model.isBlank() || model.length() > 200) {
      throw new IllegalArgumentException(
          "model must be 1 to 200 characters and not blank, was " + model.length());
    }
    return new DriftRecorder(tracker, model);
  }

  @Override
  public void onWindow(WindowInfo window, DriftReport report) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(MODEL_TAG, model);
    tags.put(WINDOW_TAG, Long.toString(window.index()));
    Path dir;
    try {
      dir = Files.createTempDirectory("mlops-drift-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (Run run =
        tracker.newRun(EXPERIMENT).name(model + " window " + window.index()).tags(tags).start()) {
      run.logParam("window_start", window.start().toString());
      run.logParam("window_end", window.end().toString());
      run.logParam("rows", Long.toString(window.rows()));
      run.logParam("reference_rows", Long.toString(report.referenceRows()));
      run.logParam("preset", report.preset());
      long step = window.index();
      run.logMetric("drift.share", report.driftedShare(), step);
      run.logMetric("drift.drifted_columns", (double) report.driftedColumns(), step);
      run.logMetric("drift.dataset", report.datasetDrift() ? 1 : 0, step);
      for (ColumnDrift c : report.columns()) {
        run.logMetric("score/" + key(c.column()), c.score(), step);
      }
      Path html = dir.resolve(HTML_ARTIFACT);
      Path json = dir.resolve(JSON_ARTIFACT);
      Files.writeString(html, report.toHtml(), StandardCharsets.UTF_8);
      Files.writeString(json, report.toJson(), StandardCharsets.UTF_8);
      run.logArtifact(html, HTML_ARTIFACT);
      run.logArtifact(json, JSON_ARTIFACT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      delete(dir);
    }
  }

  /**
   * A column name as a metric key: {@code /} and characters a key may not hold become {@code _}.
   */
  static String key(String column) {
    StringBuilder b = new StringBuilder(Math.min(column.length(), 200));
    for (int i = 0; i < column.length() && b.length() < 200; i++) {
      char ch = column.charAt(i);
      b.append(ch != '/' && KeyCharacters.allowed(ch) ? ch : '_'); // one level under score/
    }
    return b.length() == 0 ? "_" : b.toString();
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return "DriftRecorder{" + model + "}";
  }
}
