/** Drift detection between a reference and a current data set, streaming profiles and drift reports. */
@NullMarked
package io.github.mlops4j.monitoring.drift;

import org.jspecify.annotations.NullMarked;
