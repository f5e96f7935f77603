/**
 * In-process online inference: {@link io.github.mlops4j.serving.InferenceService} serves a
 * registered model on the caller's thread, follows an alias with hot swap, validates inputs against
 * the registry signature, bounds concurrency and deadlines, and reports predictions to a {@link
 * io.github.mlops4j.serving.PredictionListener}.
 */
@NullMarked
package io.github.mlops4j.serving;

import org.jspecify.annotations.NullMarked;
