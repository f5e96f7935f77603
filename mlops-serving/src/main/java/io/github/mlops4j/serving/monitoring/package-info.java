/**
 * Feeds an {@link io.github.mlops4j.monitoring.Monitor} from an {@link
 * io.github.mlops4j.serving.InferenceService}: {@link
 * io.github.mlops4j.serving.monitoring.MonitorListener}. Needs mlops-monitoring on the class path,
 * an optional dependency of mlops-serving: add it to your build to use this package.
 */
@NullMarked
package io.github.mlops4j.serving.monitoring;

import org.jspecify.annotations.NullMarked;
