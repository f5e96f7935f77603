/** Shared types of mlops4j: the root exception and small values used by every module. */
@NullMarked
package io.github.mlops4j;

import org.jspecify.annotations.NullMarked;
