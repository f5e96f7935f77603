/**
 * Feature lookup: point-in-time training sets and online lookup from one as-of resolver.
 *
 * <p>{@link io.github.mlops4j.features.FeatureStore} stores feature rows per {@link
 * io.github.mlops4j.features.FeatureView} in the workspace store, joins them to a spine of entity
 * rows as of each row's timestamp ({@link io.github.mlops4j.features.FeatureStore#historical}),
 * materializes the latest rows to an {@link io.github.mlops4j.features.OnlineStore} and serves them
 * through a cache ({@link io.github.mlops4j.features.FeatureStore#online}). Offline joins,
 * materialization and online reads choose rows with the same rule, so an online read at time {@code
 * T} returns what the training set holds for a spine row at {@code T}. The rule is written out with
 * formulas in {@code docs/features.md}.
 */
@NullMarked
package io.github.mlops4j.features;

import org.jspecify.annotations.NullMarked;
