package io.github.mlops4j.tracking;

import java.util.List;

/**
 * Prints a {@link Filter} as canonical filter text that {@link FilterParser} reads back to an equal
 * filter: canonical prefixes ({@code metrics.}, {@code params.}, {@code tags.}, {@code
 * attributes.}, {@code datasets.}), keys in backticks when they are not plain words, single-quoted
 * strings, upper-case keywords, and parentheses only where precedence (NOT, then AND, then OR) or a
 * nested group of the same kind needs them.
 */
final class FilterPrinter {
  private FilterPrinter() {}

  static String print(Filter filter) {
    StringBuilder sb = new StringBuilder();
    append(sb, filter);
    return sb.toString();
  }

  /** A string literal: single-quoted, embedded single quotes doubled. */
  static String quote(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  private static void append(StringBuilder sb, Filter filter) {
    if (filter instanceof Filter.MatchAll) {
      return;
    }
    if (filter instanceof Filter.And and) {
      join(sb, and.children(), " AND ", Filter.And.class);
    } else if (filter instanceof Filter.Or or) {
      join(sb, or.children(), " OR ", Filter.Or.class);
    } else if (filter instanceof Filter.Not not) {
      sb.append("NOT ");
      Filter child = not.child();
      boolean group = child instanceof Filter.And || child instanceof Filter.Or;
      appendGrouped(sb, child, group);
    } else if (filter instanceof Filter.Comparison c) {
      sb.append(c.field()).append(' ').append(c.op().symbol());
      if (!c.op().takesNoValue()) {
        sb.append(' ').append(c.value());
      }
    } else {
      throw new AssertionError("Unknown filter node " + filter.getClass());
    }
  }

  /**
   * Joins AND or OR children. A child needs parentheses when it is an OR (inside AND, because AND
   * binds tighter) or a group of the same kind (so that nesting survives the round trip).
   */
  private static void join(
      StringBuilder sb, List<Filter> children, String keyword, Class<?> sameKind) {
    for (int i = 0; i < children.size(); i++) {
      if (i > 0) {
        sb.append(keyword);
      }
      Filter child = children.get(i);
      boolean group = child instanceof Filter.Or || sameKind.isInstance(child);
      appendGrouped(sb, child, group);
    }
  }

  private static void appendGrouped(StringBuilder sb, Filter child, boolean group) {
    if (group) {
      sb.append('(');
    }
    append(sb, child);
    if (group) {
      sb.append(')');
    }
  }
}
