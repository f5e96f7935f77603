/**
 * Continuous training: a {@link io.github.mlops4j.registry.training.RetrainingLoop} retrains a
 * model when triggered (drift, performance below a bound, a schedule, or by hand), registers the
 * result as the challenger, gates it against the champion and promotes it when it passes.
 */
@NullMarked
package io.github.mlops4j.registry.training;

import org.jspecify.annotations.NullMarked;
