/** Not API: the governance tables, shared by the mlops4j modules that purge or erase. */
@NullMarked
package io.github.mlops4j.governance.internal;

import org.jspecify.annotations.NullMarked;
