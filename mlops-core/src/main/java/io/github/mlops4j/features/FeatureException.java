package io.github.mlops4j.features;

import io.github.mlops4j.MlopsException;
import org.jspecify.annotations.Nullable;

/**
 * A feature store operation failed. {@link #view()}, {@link #field()} and {@link #row()} name what
 * was wrong when it is known.
 *
 * @since 0.1.0
 */
public class FeatureException extends MlopsException {
  private static final long serialVersionUID = 1L;
  private final @Nullable String view;
  private final @Nullable String field;
  private final int row;

  public FeatureException(@Nullable String view, @Nullable String field, int row, String message) {
    super(message);
    this.view = view;
    this.field = field;
    this.row = row;
  }

  public FeatureException(
      @Nullable String view, @Nullable String field, int row, String message, Throwable cause) {
    super(message, cause);
    this.view = view;
    this.field = field;
    this.row = row;
  }

  /** The feature view involved, if any. */
  public @Nullable String view() {
    return view;
  }

  /** The key, feature, request field or parameter involved, if any. */
  public @Nullable String field() {
    return field;
  }

  /** The index of the offending row in the list passed in, or -1 when no row is involved. */
  public int row() {
    return row;
  }
}
