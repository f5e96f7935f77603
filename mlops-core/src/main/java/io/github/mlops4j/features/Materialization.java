package io.github.mlops4j.features;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What one materialization did for one view.
 *
 * @param view the view
 * @param previousWatermark the watermark before (null the first time)
 * @param watermark the watermark after: every row with {@code eventTime <= watermark} is reflected
 *     in the online store
 * @param rowsRead stored rows read, those with event times in (previous watermark, watermark]
 * @param entitiesWritten entities whose newest row was offered to the online store
 * @since 0.1.0
 */
public record Materialization(
    String view,
    @Nullable Instant previousWatermark,
    @Nullable Instant watermark,
    long rowsRead,
    long entitiesWritten) {}
