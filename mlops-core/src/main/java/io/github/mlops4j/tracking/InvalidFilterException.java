package io.github.mlops4j.tracking;

import io.github.mlops4j.MlopsException;
import java.util.Objects;

/**
 * A run-search filter or order-by key could not be parsed or used. The message says what was
 * expected and what was found, and shows the offending line of the filter with a caret under {@link
 * #position()}:
 *
 * <pre>
 * Expected a comparison operator at position 11 but found 'LR':
 *   params.acc LR
 *              ^
 * </pre>
 *
 * A line longer than {@value #EXCERPT_WIDTH} characters is shown as a window around the position,
 * its cut ends marked with {@code …}, so the message stays short whatever the filter's length.
 *
 * @since 0.1.0
 */
public final class InvalidFilterException extends MlopsException {
  private static final long serialVersionUID = 1L;

  /** Most characters of the filter's line the excerpt shows. */
  static final int EXCERPT_WIDTH = 100;

  /** Most characters of a name or value quoted in a message. */
  static final int CLIP = 100;

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
   * position. Tabs before the position are kept so that the caret lines up. A line longer than
   * {@link #EXCERPT_WIDTH} is cut to that many characters around the position.
   */
  static String excerpt(String filter, int position) {
    int at = Math.max(0, Math.min(position, filter.length()));
    int start = at == 0 ? 0 : filter.lastIndexOf('\n', at - 1) + 1;
    int end = filter.indexOf('\n', at);
    if (end < 0) {
      end = filter.length();
    }
    String before = "";
    String after = "";
    if (end - start > EXCERPT_WIDTH) {
      int from = Math.max(start, at - EXCERPT_WIDTH / 2);
      int to = Math.min(end, from + EXCERPT_WIDTH);
      from = Math.max(start, to - EXCERPT_WIDTH);
      before = from > start ? "…" : "";
      after = to < end ? "…" : "";
      start = from;
      end = to;
    }
    StringBuilder caret = new StringBuilder("  ").append(before.isEmpty() ? "" : " ");
    for (int i = start; i < at; i++) {
      caret.append(filter.charAt(i) == '\t' ? '\t' : ' ');
    }
    return "  " + before + filter.substring(start, end) + after + "\n" + caret.append('^');
  }

  /**
   * User text for a message: as is up to {@link #CLIP} characters, else its first characters, an
   * ellipsis and the full length.
   */
  static String clip(String text) {
    if (text.length() <= CLIP) {
      return text;
    }
    int cut = CLIP;
    if (Character.isHighSurrogate(text.charAt(cut - 1))) {
      cut--;
    }
    return text.substring(0, cut) + "… (" + text.length() + " characters)";
  }
}
