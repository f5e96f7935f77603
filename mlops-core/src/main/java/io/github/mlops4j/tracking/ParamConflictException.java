package io.github.mlops4j.tracking;

/**
 * A param was logged again with a different value. Params are immutable: logging the same value
 * again is allowed, a different one is refused and the stored value is kept.
 *
 * @since 0.1.0
 */
public final class ParamConflictException extends TrackingException {
  private static final long serialVersionUID = 1L;
  private final String key;
  private final String storedValue;
  private final String rejectedValue;

  ParamConflictException(String runId, String key, String storedValue, String rejectedValue) {
    super(
        runId,
        "Param '"
            + key
            + "' of run "
            + runId
            + " is already '"
            + abbreviate(storedValue)
            + "'; params are immutable, so the new value '"
            + abbreviate(rejectedValue)
            + "' was rejected. Log it under another key or start a new run.");
    this.key = key;
    this.storedValue = storedValue;
    this.rejectedValue = rejectedValue;
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  public String key() {
    return key;
  }

  public String storedValue() {
    return storedValue;
  }

  public String rejectedValue() {
    return rejectedValue;
  }
}
