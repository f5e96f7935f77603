/**
 * Model validation: evaluation of a model on a holdout (overall and per slice), validation gates
 * that compare a candidate with the champion on the same rows with paired significance tests,
 * promotion when the gate passes, and a command-line entry point for build pipelines.
 */
@NullMarked
package io.github.mlops4j.registry.validation;

import org.jspecify.annotations.NullMarked;
