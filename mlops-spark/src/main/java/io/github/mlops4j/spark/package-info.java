/**
 * mlops4j on Apache Spark: the feature store's point-in-time join, feature materialization and
 * drift profiles run over {@code Dataset<Row>}s, with the same answers as the single-JVM code.
 *
 * <p>Spark is a {@code provided} dependency: the cluster (or {@code spark-submit}) supplies it.
 *
 * @since 0.1.0
 */
@NullMarked
package io.github.mlops4j.spark;

import org.jspecify.annotations.NullMarked;
