package io.github.mlops4j.serving.routing;

import io.github.mlops4j.internal.Checks;
import java.util.Objects;

/**
 * Shadow traffic: a fraction of requests is also predicted by a second version on a bounded
 * background executor. Its results go to the listener, never to the caller; requests that do not
 * fit the queue are dropped and counted.
 *
 * @param target what the shadow serves
 * @param fraction the share of requests mirrored (0..1]
 * @param queueCapacity how many shadow predictions may wait; more are dropped
 * @since 0.1.0
 */
public record Shadow(Target target, double fraction, int queueCapacity) {
  public Shadow {
    Objects.requireNonNull(target, "target");
    Checks.aboveAndAtMost(fraction, 0, 1, "Shadow fraction");
    Checks.atLeast(queueCapacity, 1, "Shadow queueCapacity");
  }
}
