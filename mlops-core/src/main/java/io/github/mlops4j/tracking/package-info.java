/** Experiment tracking: experiments, runs, params, metrics, tags, artifacts, inputs and search. */
@NullMarked
package io.github.mlops4j.tracking;

import org.jspecify.annotations.NullMarked;
