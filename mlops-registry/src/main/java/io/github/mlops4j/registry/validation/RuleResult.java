package io.github.mlops4j.registry.validation;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of one rule (on all rows, or on one slice).
 *
 * @param metric the metric name
 * @param slice the slice name, or null for all rows
 * @param rule the rule
 * @param observed the candidate's value (NaN when undefined on these rows)
 * @param champion the champion's value, for champion rules with a champion
 * @param difference {@code candidate - champion}, sign-flipped when lower is better
 * @param test {@code none}, {@code mcnemar-exact}, {@code mcnemar-chi2} or {@code bootstrap}
 * @param pValue McNemar's two-sided p-value, or null
 * @param lower lower end of the bootstrap interval of the difference, or null
 * @param upper upper end of the bootstrap interval of the difference, or null
 * @param passed whether the rule holds
 * @param detail why, in words
 * @since 0.1.0
 */
public record RuleResult(
    String metric,
    @Nullable String slice,
    Rule rule,
    double observed,
    @Nullable Double champion,
    @Nullable Double difference,
    String test,
    @Nullable Double pValue,
    @Nullable Double lower,
    @Nullable Double upper,
    boolean passed,
    String detail) {
  public RuleResult {
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(test, "test");
    Objects.requireNonNull(detail, "detail");
  }

  /** The absolute bound, for {@code atLeast}/{@code atMost} rules. */
  public Optional<Double> bound() {
    return rule.relative() ? Optional.empty() : Optional.of(rule.value());
  }

  /** The margin, for champion rules. */
  public Optional<Double> margin() {
    return rule.relative() ? Optional.of(rule.value()) : Optional.empty();
  }

  /** The rule as written, e.g. {@code accuracy >= 0.85} (the slice is in {@link #slice()}). */
  public String expression() {
    return metric + " " + rule;
  }
}
