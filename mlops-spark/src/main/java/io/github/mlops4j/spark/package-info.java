/**
 * mlops4j on Apache Spark: {@link io.github.mlops4j.spark.MlopsSpark} scores a {@code Dataset<Row>}
 * with a registered model, and registers a model as a SQL function ({@link
 * io.github.mlops4j.spark.RegistryRef} says where the driver finds the registry); {@link
 * io.github.mlops4j.spark.SparkFeatures} runs the feature store's point-in-time join and {@link
 * io.github.mlops4j.spark.SparkProfiles} drift profiles over {@code Dataset<Row>}s, with the same
 * answers as the single-JVM code.
 *
 * <p>Spark is a {@code provided} dependency: the cluster brings it. This module has no {@code
 * module-info}: Spark's jars are not modules (their file names do not even give legal automatic
 * module names), so Spark code runs on the class path; the jar names its automatic module {@code
 * io.github.mlops4j.spark}.
 */
@NullMarked
package io.github.mlops4j.spark;

import org.jspecify.annotations.NullMarked;
