/** Dataset versions: full-content digests of files and directory trees, and lineage values. */
@NullMarked
package io.github.mlops4j.data;

import org.jspecify.annotations.NullMarked;
