/**
 * Two-sample tests and distances between distributions, checked against reference implementations.
 */
@NullMarked
package io.github.mlops4j.monitoring.stats;

import org.jspecify.annotations.NullMarked;
