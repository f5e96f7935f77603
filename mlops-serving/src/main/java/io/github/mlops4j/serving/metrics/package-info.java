/**
 * The metrics seam of an {@link io.github.mlops4j.serving.InferenceService}: the {@link
 * io.github.mlops4j.serving.metrics.ServingMeters} SPI, and {@link
 * io.github.mlops4j.serving.metrics.MicrometerServingMeters}, its Micrometer implementation.
 * Micrometer is an optional dependency: only {@code MicrometerServingMeters} needs it, and it is
 * loaded only when a service is given one.
 */
@NullMarked
package io.github.mlops4j.serving.metrics;

import org.jspecify.annotations.NullMarked;
