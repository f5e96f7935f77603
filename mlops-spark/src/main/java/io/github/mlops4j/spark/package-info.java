/**
 * mlops4j on Apache Spark: {@link io.github.mlops4j.spark.MlopsSpark} scores a {@code Dataset<Row>}
 * with a registered model, and registers a model as a SQL function; {@link
 * io.github.mlops4j.spark.RegistryRef} says where the driver finds the registry.
 *
 * <p>Spark is a {@code provided} dependency: the cluster brings it. This module has no {@code
 * module-info}: Spark's jars are not modules (their file names do not even give legal automatic
 * module names), so Spark code runs on the class path; the jar names its automatic module {@code
 * io.github.mlops4j.spark}.
 */
@NullMarked
package io.github.mlops4j.spark;

import org.jspecify.annotations.NullMarked;
