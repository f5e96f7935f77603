/** Micrometer binders for drift and monitoring; Micrometer is an optional dependency. */
@NullMarked
package io.github.mlops4j.monitoring.metrics;

import org.jspecify.annotations.NullMarked;
