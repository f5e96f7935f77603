package io.github.mlops4j.tracking;

import java.util.List;

/**
 * A search named an experiment that does not exist in the workspace. The message lists the known
 * experiments closest to the name first ({@link #closest()}, at most {@value #MAX_SUGGESTIONS}).
 */
public final class ExperimentNotFoundException extends TrackingException {
  private static final long serialVersionUID = 1L;

  /** Most experiment names listed. */
  public static final int MAX_SUGGESTIONS = 5;

  private final String experiment;
  private final List<String> closest;

  ExperimentNotFoundException(String experiment, List<String> closest, int known) {
    super(null, message(experiment, closest, known));
    this.experiment = experiment;
    this.closest = List.copyOf(closest);
  }

  private static String message(String experiment, List<String> closest, int known) {
    StringBuilder m = new StringBuilder("No experiment named '")
        .append(Tracker.cut(experiment)).append("' exists in this workspace");
    if (known == 0) {
      return m.append(" (it has no experiments yet; startRun creates one)").toString();
    }
    m.append("; the closest of its ").append(known).append(" experiment(s): ");
    for (int i = 0; i < closest.size(); i++) {
      m.append(i == 0 ? "'" : ", '").append(Tracker.cut(closest.get(i))).append('\'');
    }
    return m.toString();
  }

  /** The name that was searched. */
  public String experiment() {
    return experiment;
  }

  /** Known experiment names, closest to {@link #experiment()} first. */
  public List<String> closest() {
    return closest;
  }
}
