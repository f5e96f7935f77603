package io.github.mlops4j.features;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What an on-demand {@link FeatureFunction} sees for one row.
 *
 * @since 0.1.0
 */
public interface FeatureInputs {
  /** The row's time: the spine row's timestamp, or the time of the online read. */
  Instant timestamp();

  /**
   * A looked-up input with its status: for an on-demand feature of a {@link FeatureView}, one of
   * that view's features by bare name ({@code "avg_spend_30d"}); for an {@link OnDemandView}, one
   * of its inputs by reference ({@code "customer_stats:avg_spend_30d"}).
   *
   * @throws IllegalArgumentException if {@code name} is not an input
   */
  FeatureValue feature(String name);

  /** The input's value, null unless its status is {@link FeatureStatus#PRESENT}. */
  default @Nullable Object value(String name) {
    return feature(name).value();
  }

  /**
   * A declared request field of the row (a spine column, or a column of the online request row),
   * already checked against its type; null if the row holds null.
   *
   * @throws IllegalArgumentException if {@code name} is not a declared request field
   */
  @Nullable Object request(String name);
}
