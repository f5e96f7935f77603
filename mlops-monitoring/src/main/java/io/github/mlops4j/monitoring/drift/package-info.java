/**
 * Exact drift detection between a reference and a current data set of raw values ({@link
 * io.github.mlops4j.monitoring.drift.Frame}, {@link
 * io.github.mlops4j.monitoring.drift.DriftDetector}, {@link
 * io.github.mlops4j.monitoring.drift.DriftMethod}), and the drift report types both drift engines
 * produce ({@link io.github.mlops4j.monitoring.drift.DriftReport}, {@link
 * io.github.mlops4j.monitoring.drift.ColumnDrift}); sketch-based profile drift is in {@code
 * io.github.mlops4j.monitoring.profile}.
 */
@NullMarked
package io.github.mlops4j.monitoring.drift;

import org.jspecify.annotations.NullMarked;
