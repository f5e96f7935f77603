/**
 * Traffic policies of an {@link io.github.mlops4j.serving.InferenceService}: one version, weighted
 * A/B arms sticky by a request key, a canary with automatic rollback, and shadow traffic.
 */
@NullMarked
package io.github.mlops4j.serving.routing;

import org.jspecify.annotations.NullMarked;
