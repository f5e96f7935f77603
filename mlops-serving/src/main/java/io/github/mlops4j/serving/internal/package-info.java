/**
 * Implementation details of mlops-serving shared between its packages. Not API: anything here may
 * change without notice.
 */
@NullMarked
package io.github.mlops4j.serving.internal;

import org.jspecify.annotations.NullMarked;
