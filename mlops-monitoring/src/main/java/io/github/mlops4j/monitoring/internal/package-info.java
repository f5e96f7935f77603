/**
 * Implementation details of mlops-monitoring shared between its packages. Not API: anything here
 * may change without notice.
 */
@NullMarked
package io.github.mlops4j.monitoring.internal;

import org.jspecify.annotations.NullMarked;
