package io.github.mlops4j.serving.internal;

import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The setter checks the serving builders ({@code InferenceService.Builder}, {@code
 * BatchJob.Builder}, {@code MonitorListener.Builder}) share, so each is written and worded once.
 * Not API.
 */
public final class BuilderSettings {
  private BuilderSettings() {}

  /** A builder's clock. */
  public static Clock clock(Clock clock) {
    return Objects.requireNonNull(clock, "clock");
  }

  /**
   * Column names in the order given, each non-empty and none twice, each passed to {@code check} in
   * order once the ones before it passed.
   *
   * @param what the names in a message, capitalized: {@code "Pass-through columns"}
   * @throws IllegalArgumentException {@code "<what> must be non-empty and distinct, got [...]"}, or
   *     what {@code check} throws
   */
  public static List<String> distinctColumns(
      String what, String[] columns, Consumer<String> check) {
    List<String> cols = List.of(columns);
    Set<String> seen = new HashSet<>();
    for (String c : cols) {
      if (c.isEmpty() || !seen.add(c)) {
        throw new IllegalArgumentException(what + " must be non-empty and distinct, got " + cols);
      }
      check.accept(c);
    }
    return cols;
  }

  /**
   * The set of {@code names}, duplicates dropped (an immutable set: no order is kept).
   *
   * @param element one name in a message: {@code "field"}
   * @throws NullPointerException naming {@code element} for a null name
   */
  public static Set<String> nameSet(String element, String... names) {
    Set<String> set = new HashSet<>();
    for (String n : names) {
      set.add(Objects.requireNonNull(n, element));
    }
    return Set.copyOf(set);
  }
}
