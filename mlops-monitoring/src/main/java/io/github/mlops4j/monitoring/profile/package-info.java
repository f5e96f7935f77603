/**
 * Streaming profiles: mergeable per-column sketches of a data set ({@link
 * io.github.mlops4j.monitoring.profile.Profile}, built with a {@link
 * io.github.mlops4j.monitoring.profile.ProfileAccumulator} against a {@link
 * io.github.mlops4j.monitoring.profile.ProfileSchema}), their versioned JSON/binary format, and
 * sketch-based drift between two profiles ({@link
 * io.github.mlops4j.monitoring.profile.ProfileDrift}), reported with the shared report types of
 * {@link io.github.mlops4j.monitoring.drift}.
 */
@NullMarked
package io.github.mlops4j.monitoring.profile;

import org.jspecify.annotations.NullMarked;
