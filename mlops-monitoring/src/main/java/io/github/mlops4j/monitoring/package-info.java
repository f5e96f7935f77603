/**
 * Drift monitoring: the monitor that profiles feature rows and predictions per window and alerts on
 * drift.
 */
@NullMarked
package io.github.mlops4j.monitoring;

import org.jspecify.annotations.NullMarked;
