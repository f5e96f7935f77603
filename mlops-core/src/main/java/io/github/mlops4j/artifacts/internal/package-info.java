/**
 * Helpers shared by the artifact, dataset and tracking packages. Not API: may change in any
 * release.
 */
@NullMarked
package io.github.mlops4j.artifacts.internal;

import org.jspecify.annotations.NullMarked;
