package io.github.mlops4j.monitoring.drift;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The drift verdict for one column: which method and threshold decided it, the score, and the data
 * checks.
 *
 * @param column the column name
 * @param type how the column was treated
 * @param method the method's name, e.g. {@code ks}, {@code chisquare}, {@code z}, {@code
 *     wasserstein_normed}, {@code jensenshannon}, {@code psi}
 * @param score what the threshold is compared with: the p-value for a test (drift when {@code score
 *     <= threshold}, or {@code <} where the method says so), the distance for a distance (drift
 *     when {@code score >= threshold})
 * @param threshold the threshold used
 * @param drifted the verdict
 * @param statistic the test statistic or distance value itself
 * @param pValue the p-value for tests, null for distances
 * @param errorBound for scores computed from sketches: the bound on their error, else null
 * @param quality the data checks
 * @param note why a score could not be computed or what was special, else null (for example "not
 *     computable at this sketch size")
 * @since 0.1.0
 */
public record ColumnDrift(
    String column,
    ColumnType type,
    String method,
    double score,
    double threshold,
    boolean drifted,
    double statistic,
    @Nullable Double pValue,
    @Nullable Double errorBound,
    DataQuality quality,
    @Nullable String note) {
  public ColumnDrift {
    Objects.requireNonNull(column, "column");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(quality, "quality");
  }
}
