package io.github.mlops4j.monitoring;

import io.github.mlops4j.monitoring.drift.DriftReport;
import io.github.mlops4j.monitoring.profile.Profile;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Everything a {@link Monitor} learned about one closed window. Immutable.
 *
 * @since 0.1.0
 */
public final class WindowSummary {
  private final WindowInfo window;
  private final Profile profile;
  private final @Nullable DriftReport report;
  private final @Nullable Performance performance;

  WindowSummary(
      WindowInfo window,
      Profile profile,
      @Nullable DriftReport report,
      @Nullable Performance performance) {
    this.window = Objects.requireNonNull(window, "window");
    this.profile = Objects.requireNonNull(profile, "profile");
    this.report = report;
    this.performance = performance;
  }

  public WindowInfo window() {
    return window;
  }

  /** The profile of the window's rows (mergeable into longer windows). */
  public Profile profile() {
    return profile;
  }

  /**
   * The comparison with the reference; empty when the window had no rows, or when the reference is
   * rolling and this is the first window with rows.
   */
  public Optional<DriftReport> report() {
    return Optional.ofNullable(report);
  }

  /** Realized performance of the labels that arrived in the window; empty without a task. */
  public Optional<Performance> performance() {
    return Optional.ofNullable(performance);
  }

  @Override
  public String toString() {
    return "WindowSummary{" + window + ", " + report + ", " + performance + "}";
  }
}
