package io.github.mlops4j.registry.validation;

import io.github.mlops4j.internal.Checks;
import java.util.Locale;
import java.util.Objects;

/**
 * A condition on one metric: an absolute bound ({@link #atLeast}, {@link #atMost}) or a comparison
 * with the champion on the same rows ({@link #notWorseThanChampionBy}, {@link
 * #betterThanChampionBy}), decided with a paired significance test.
 *
 * <p>Champion comparisons use the difference {@code d = candidate - champion}, sign-flipped for
 * metrics where lower is better (log-loss, RMSE, MAE), so a positive {@code d} always means the
 * candidate is better. See {@link ValidationGate} for the tests.
 *
 * @since 0.1.0
 */
public final class Rule {
  /** The kinds of rule. */
  public enum Kind {
    /** observed &gt;= bound. */
    AT_LEAST(">="),
    /** observed &lt;= bound. */
    AT_MOST("<="),
    /** fails only when the candidate is worse than the champion by more than the margin. */
    NOT_WORSE_THAN_CHAMPION_BY("not-worse-than-champion-by"),
    /** passes only when the candidate is better than the champion by more than the margin. */
    BETTER_THAN_CHAMPION_BY("better-than-champion-by");

    private final String symbol;

    Kind(String symbol) {
      this.symbol = symbol;
    }

    /** The operator as written in a rule expression, e.g. {@code >=}. */
    public String symbol() {
      return symbol;
    }

    /** True for the kinds that compare with the champion. */
    public boolean relative() {
      return this == NOT_WORSE_THAN_CHAMPION_BY || this == BETTER_THAN_CHAMPION_BY;
    }
  }

  private final Kind kind;
  private final double value;

  private Rule(Kind kind, double value) {
    this.kind = kind;
    this.value = value;
  }

  /** The metric must be at least {@code bound}. */
  public static Rule atLeast(double bound) {
    return new Rule(Kind.AT_LEAST, finite(bound, "bound"));
  }

  /** The metric must be at most {@code bound}. */
  public static Rule atMost(double bound) {
    return new Rule(Kind.AT_MOST, finite(bound, "bound"));
  }

  /**
   * The candidate must not be worse than the champion by more than {@code margin} beyond noise: it
   * fails when the paired test shows the candidate's shortfall exceeds the margin.
   */
  public static Rule notWorseThanChampionBy(double margin) {
    return new Rule(Kind.NOT_WORSE_THAN_CHAMPION_BY, margin(margin));
  }

  /**
   * The candidate must be better than the champion by more than {@code margin} beyond noise: it
   * passes only when the paired test shows an improvement over the margin.
   */
  public static Rule betterThanChampionBy(double margin) {
    return new Rule(Kind.BETTER_THAN_CHAMPION_BY, margin(margin));
  }

  public Kind kind() {
    return kind;
  }

  /** The bound (absolute rules) or the margin (champion rules). */
  public double value() {
    return value;
  }

  /** True if this rule compares with the champion. */
  public boolean relative() {
    return kind.relative();
  }

  private static double finite(double v, String what) {
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException(what + " must be finite, was " + v);
    }
    return v;
  }

  private static double margin(double m) {
    return Checks.notNegativeFinite(m, "margin");
  }

  /**
   * Parses {@code "<op> <number>"} with op one of {@code >=}, {@code <=}, {@code
   * not-worse-than-champion-by}, {@code better-than-champion-by}.
   */
  static Rule parse(String op, String number) {
    double v;
    try {
      v = Double.parseDouble(number);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + number + "' is not a number");
    }
    return switch (op.toLowerCase(Locale.ROOT)) {
      case ">=" -> atLeast(v);
      case "<=" -> atMost(v);
      case "not-worse-than-champion-by" -> notWorseThanChampionBy(v);
      case "better-than-champion-by" -> betterThanChampionBy(v);
      default ->
          throw new IllegalArgumentException(
              "Unknown operator '"
                  + op
                  + "'; use >=, <=,"
                  + " not-worse-than-champion-by or better-than-champion-by");
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Rule r && r.kind == kind && Double.compare(r.value, value) == 0;
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, value);
  }

  /** The rule as written, e.g. {@code >= 0.85}. */
  @Override
  public String toString() {
    return kind.symbol() + " " + value;
  }
}
