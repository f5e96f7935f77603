/**
 * Internal: not API, may change without notice. Helpers shared by the artifact, dataset and
 * tracking packages and the other mlops4j modules; do not use them from applications.
 */
@NullMarked
package io.github.mlops4j.artifacts.internal;

import org.jspecify.annotations.NullMarked;
