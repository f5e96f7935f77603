package io.github.mlops4j.features;

/**
 * What a {@link FeatureStore#write} stored.
 *
 * @param view the view
 * @param rows rows stored
 * @param firstSequence the write sequence of the first row (rows get consecutive sequences in list
 *     order); 0 when no row was written
 * @param lateEntities entities whose rows had event times at or before the view's watermark and
 *     were therefore also offered to the online store at once
 * @since 0.1.0
 */
public record WriteResult(String view, int rows, long firstSequence, int lateEntities) {}
