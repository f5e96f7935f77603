package io.github.mlops4j.tracking;

import io.github.mlops4j.MlopsException;
import java.util.Objects;

/**
 * A run-search filter or order-by key could not be parsed or used. The message says what was
 * expected and what was found, and shows the offending line of the filter with a caret under
 * {@link #position()}:
 *
 * <pre>
 * Expected a comparison operator at position 11 but found 'LR':
 *   params.acc LR
 *              ^
 * </pre>
 */
public final class InvalidFilterException extends MlopsException {
  private static final long serialVersionUID = 1L;

  private final String filter;
  private final int position;

  /**
   * @param filter the filter text as given
   * @param position 0-based character offset of the problem, from 0 to {@code filter.length()}
   * @param problem what is wrong, including the position, without the excerpt
   */
  InvalidFilterException(String filter, int position, String problem) {
    super(problem + ":\n" + excerpt(filter, position));
    if (position < 0 || position > filter.length()) {
      throw new IllegalArgumentException(
          "position " + position + " is outside the filter of length " + filter.length());
    }
    this.filter = Objects.requireNonNull(filter, "filter");
    this.position = position;
  }

  /** The filter text as given. */
  public String filter() {
    return filter;
  }

  /** The 0-based character offset in {@link #filter()} where the problem is. */
  public int position() {
    return position;
  }

  /**
   * The line of the filter holding the position, indented by two spaces, and a caret under the
   * position. Tabs before the position are kept so that the caret lines up.
   */
  static String excerpt(String filter, int position) {
    int at = Math.max(0, Math.min(position, filter.length()));
    int start = filter.lastIndexOf('\n', at - 1) + 1;
    int end = filter.indexOf('\n', at);
    String line = filter.substring(start, end < 0 ? filter.length() : end);
    StringBuilder caret = new StringBuilder("  ");
    for (int i = start; i < at; i++) {
      caret.append(filter.charAt(i) == '\t' ? '\t' : ' ');
    }
    return "  " + line + "\n" + caret.append('^');
  }
}
