/**
 * Internal: not API, may change without notice. The as-of rule of the feature store, shared with
 * the mlops4j modules that join feature rows outside the store (Spark); do not use it from
 * applications.
 */
@NullMarked
package io.github.mlops4j.features.internal;

import org.jspecify.annotations.NullMarked;
