/**
 * Runnable examples: {@link io.github.mlops4j.examples.Demo}, the whole loop from training to
 * rollback on the Breast Cancer Wisconsin (Diagnostic) data set, and one short example per
 * capability ({@link io.github.mlops4j.examples.TrackingExample} and its siblings).
 */
@NullMarked
package io.github.mlops4j.examples;

import org.jspecify.annotations.NullMarked;
