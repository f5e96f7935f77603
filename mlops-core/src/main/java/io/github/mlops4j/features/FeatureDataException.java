package io.github.mlops4j.features;

/**
 * A row passed in (a feature row to write, a spine row, an online request row) is unusable: a
 * missing or mistyped key, a missing timestamp, a value of the wrong type, an unknown feature. The
 * message names the view, the field and the row's index.
 *
 * @since 0.1.0
 */
public final class FeatureDataException extends FeatureException {
  private static final long serialVersionUID = 1L;

  FeatureDataException(String view, String field, int row, String problem) {
    super(
        view,
        field,
        row,
        "Row "
            + row
            + (view.isEmpty() ? "" : " (view '" + view + "')")
            + ", field '"
            + field
            + "': "
            + problem);
  }

  FeatureDataException(String view, String field, int row, String problem, Throwable cause) {
    super(
        view,
        field,
        row,
        "Row "
            + row
            + (view.isEmpty() ? "" : " (view '" + view + "')")
            + ", field '"
            + field
            + "': "
            + problem,
        cause);
  }
}
