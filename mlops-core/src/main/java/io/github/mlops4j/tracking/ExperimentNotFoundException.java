package io.github.mlops4j.tracking;

import java.util.List;

/**
 * A search named an experiment that does not exist in the workspace. The message lists the known
 * experiments whose names are close to it, closest first ({@link #closest()}, at most {@value
 * #MAX_SUGGESTIONS}; close means an edit distance of at most a third of the name's length, or one
 * name containing the other), or, when none is close, the first {@value #MAX_SUGGESTIONS}
 * experiments of the workspace.
 *
 * @since 0.1.0
 */
public final class ExperimentNotFoundException extends TrackingException {
  private static final long serialVersionUID = 1L;

  /** Most experiment names listed. */
  public static final int MAX_SUGGESTIONS = 5;

  private final String experiment;
  private final List<String> closest;

  ExperimentNotFoundException(
      String experiment, List<String> closest, List<String> some, int known) {
    super(null, message(experiment, closest, some, known));
    this.experiment = experiment;
    this.closest = List.copyOf(closest);
  }

  private static String message(
      String experiment, List<String> closest, List<String> some, int known) {
    StringBuilder m =
        new StringBuilder("No experiment named '")
            .append(Tracker.cut(experiment))
            .append("' exists in this workspace");
    if (known == 0) {
      return m.append(" (it has no experiments yet; startRun creates one)").toString();
    }
    List<String> listed;
    if (closest.isEmpty()) {
      m.append("; none of its ").append(known).append(" experiment(s) has a close name: ");
      listed = some.subList(0, Math.min(MAX_SUGGESTIONS, some.size()));
    } else {
      m.append("; the closest of its ").append(known).append(" experiment(s): ");
      listed = closest;
    }
    for (int i = 0; i < listed.size(); i++) {
      m.append(i == 0 ? "'" : ", '").append(Tracker.cut(listed.get(i))).append('\'');
    }
    if (closest.isEmpty() && known > listed.size()) {
      m.append(", ...");
    }
    return m.toString();
  }

  /** The name that was searched. */
  public String experiment() {
    return experiment;
  }

  /** Known experiment names close to {@link #experiment()}, closest first; empty if none is. */
  public List<String> closest() {
    return closest;
  }
}
