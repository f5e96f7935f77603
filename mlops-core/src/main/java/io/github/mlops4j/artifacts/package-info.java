/** Content-addressed artifact storage under a workspace's artifact root. */
@NullMarked
package io.github.mlops4j.artifacts;

import org.jspecify.annotations.NullMarked;
