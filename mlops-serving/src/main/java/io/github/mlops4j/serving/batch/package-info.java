/**
 * Batch scoring: {@link io.github.mlops4j.serving.batch.BatchJob} streams a CSV or JSON Lines file
 * of any size through an {@link io.github.mlops4j.serving.InferenceService} on several threads,
 * writes the predictions in input order, sends bad rows to a reject file, reports progress and
 * resumes from its last checkpoint after a crash.
 */
@NullMarked
package io.github.mlops4j.serving.batch;

import org.jspecify.annotations.NullMarked;
