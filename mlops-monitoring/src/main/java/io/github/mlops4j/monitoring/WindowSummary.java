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
  private final @Nullable ReplicaParts replicas;

  WindowSummary(
      WindowInfo window,
      Profile profile,
      @Nullable DriftReport report,
      @Nullable Performance performance,
      @Nullable ReplicaParts replicas) {
    this.window = Objects.requireNonNull(window, "window");
    this.profile = Objects.requireNonNull(profile, "profile");
    this.report = report;
    this.performance = performance;
    this.replicas = replicas;
  }

  public WindowInfo window() {
    return window;
  }

  /**
   * The profile of the window's rows (mergeable into longer windows); for a window shared across
   * replicas, the merge of the counted replicas' parts.
   */
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

  /**
   * Realized performance of the labels that arrived in the window; empty without a task. Labels are
   * joined per replica: for a shared window this is this replica's performance only.
   */
  public Optional<Performance> performance() {
    return Optional.ofNullable(performance);
  }

  /**
   * For a window shared across replicas ({@link Monitor.Builder#store}), which replicas' parts were
   * merged, which were not final and which were rejected; empty for a monitor without a store.
   */
  public Optional<ReplicaParts> replicas() {
    return Optional.ofNullable(replicas);
  }

  @Override
  public String toString() {
    return "WindowSummary{"
        + window
        + ", "
        + report
        + ", "
        + performance
        + (replicas == null ? "" : ", " + replicas)
        + "}";
  }
}
