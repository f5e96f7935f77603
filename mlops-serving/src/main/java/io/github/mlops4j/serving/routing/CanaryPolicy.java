package io.github.mlops4j.serving.routing;

import io.github.mlops4j.internal.Checks;
import java.time.Duration;
import java.util.Objects;

/**
 * When a canary is rolled back automatically: its error rate or its p99 latency over the last
 * {@code window} canary requests passes a bound, once at least {@code minRequests} were seen.
 *
 * @param maxErrorRate the highest tolerated fraction of failed canary predictions (0..1)
 * @param maxP99 the highest tolerated p99 latency of canary predictions
 * @param window how many of the latest canary requests the bounds look at
 * @param minRequests how many canary requests must be seen before judging
 * @param rollbackAlias if the canary follows an alias, also move that alias back in the registry
 *     ({@code registry.rollback}); otherwise only stop routing to it
 * @since 0.1.0
 */
public record CanaryPolicy(
    double maxErrorRate, Duration maxP99, int window, int minRequests, boolean rollbackAlias) {
  public CanaryPolicy {
    Objects.requireNonNull(maxP99, "maxP99");
    Checks.inRange(maxErrorRate, 0, 1, "maxErrorRate");
    Checks.positive(maxP99, "maxP99");
    Checks.inRange(window, 1, 1_000_000, "window");
    Checks.inRange(minRequests, 1, window, "minRequests (at most the window)");
  }

  /** 5% errors, p99 of 50 ms, over the last 1,000 canary requests, judged after 100. */
  public static CanaryPolicy defaults() {
    return new CanaryPolicy(0.05, Duration.ofMillis(50), 1_000, 100, false);
  }

  /** A copy with another error-rate bound. */
  public CanaryPolicy maxErrorRate(double rate) {
    return new CanaryPolicy(rate, maxP99, window, minRequests, rollbackAlias);
  }

  /** A copy with another latency bound. */
  public CanaryPolicy maxP99(Duration p99) {
    return new CanaryPolicy(maxErrorRate, p99, window, minRequests, rollbackAlias);
  }

  /** A copy with another window and minimum count. */
  public CanaryPolicy window(int size, int min) {
    return new CanaryPolicy(maxErrorRate, maxP99, size, min, rollbackAlias);
  }

  /** A copy that also rolls the registry alias back (or not). */
  public CanaryPolicy rollbackAlias(boolean rollback) {
    return new CanaryPolicy(maxErrorRate, maxP99, window, minRequests, rollback);
  }
}
