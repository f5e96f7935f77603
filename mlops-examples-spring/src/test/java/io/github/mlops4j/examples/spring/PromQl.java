package io.github.mlops4j.examples.spring;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough of PromQL to find the metric names an expression selects, and to refuse what is not
 * well formed: unbalanced brackets, unknown functions, bad label matchers, unterminated strings.
 * Grafana's {@code $variables} may stand in label values and range durations.
 */
final class PromQl {
  private static final Set<String> FUNCTIONS =
      Set.of(
          "abs",
          "absent",
          "avg_over_time",
          "ceil",
          "changes",
          "clamp",
          "clamp_max",
          "clamp_min",
          "count_over_time",
          "delta",
          "deriv",
          "exp",
          "floor",
          "histogram_quantile",
          "idelta",
          "increase",
          "irate",
          "label_replace",
          "label_join",
          "last_over_time",
          "ln",
          "max_over_time",
          "min_over_time",
          "rate",
          "resets",
          "round",
          "scalar",
          "sort",
          "sort_desc",
          "sum_over_time",
          "time",
          "timestamp",
          "vector");
  private static final Set<String> AGGREGATIONS =
      Set.of(
          "sum",
          "avg",
          "min",
          "max",
          "count",
          "group",
          "stddev",
          "stdvar",
          "topk",
          "bottomk",
          "quantile",
          "count_values");
  private static final Set<String> GROUPING =
      Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
  private static final Set<String> OPERATOR_WORDS = Set.of("and", "or", "unless", "bool", "offset");
  private static final Pattern MATCHER =
      Pattern.compile(
          "\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*");
  private static final Pattern SAMPLE =
      Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{[^\\n]*\\})? \\S+");

  private PromQl() {}

  /** The metric names of the samples in a Prometheus text exposition (a scrape). */
  static Set<String> metricNames(String scrape) {
    Set<String> names = new LinkedHashSet<>();
    Matcher m = SAMPLE.matcher(scrape);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /**
   * The metric names {@code expr} selects.
   *
   * @throws IllegalArgumentException if it is not well formed
   */
  static Set<String> parse(String expr) {
    Set<String> metrics = new LinkedHashSet<>();
    int depth = 0;
    int i = 0;
    int n = expr.length();
    while (i < n) {
      char c = expr.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '"' || c == '\'' || c == '`') {
        i = skipString(expr, i);
      } else if (c == '{') {
        i = skipMatchers(expr, i + 1);
      } else if (c == '[') {
        int end = expr.indexOf(']', i);
        if (end < 0 || !expr.substring(i + 1, end).matches("[0-9a-zA-Z_$:]+")) {
          throw bad(expr, "bad range at " + i);
        }
        i = end + 1;
      } else if (c == '(') {
        depth++;
        i++;
      } else if (c == ')') {
        if (--depth < 0) {
          throw bad(expr, "unbalanced ) at " + i);
        }
        i++;
      } else if (Character.isDigit(c) || c == '.') {
        while (i < n && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '.')) {
          i++;
        }
      } else if (Character.isLetter(c) || c == '_' || c == ':') {
        int start = i;
        while (i < n
            && (Character.isLetterOrDigit(expr.charAt(i)) || "_:".indexOf(expr.charAt(i)) >= 0)) {
          i++;
        }
        String word = expr.substring(start, i);
        int next = i;
        while (next < n && Character.isWhitespace(expr.charAt(next))) {
          next++;
        }
        boolean call = next < n && expr.charAt(next) == '(';
        if (GROUPING.contains(word) && !call && word.startsWith("group_")) {
          // group_left / group_right without labels
        } else if (GROUPING.contains(word)) {
          if (!call) {
            throw bad(expr, word + " without a label list");
          }
          int end = expr.indexOf(')', next);
          if (end < 0 || !expr.substring(next + 1, end).matches("[\\sa-zA-Z0-9_,]*")) {
            throw bad(expr, "bad label list after " + word);
          }
          i = end + 1;
        } else if (AGGREGATIONS.contains(word) || OPERATOR_WORDS.contains(word)) {
          // an aggregation's argument list, or an operator
        } else if (call) {
          if (!FUNCTIONS.contains(word)) {
            throw bad(expr, "unknown function " + word);
          }
        } else {
          metrics.add(word);
        }
      } else if ("+-*/%^=!<>,".indexOf(c) >= 0) {
        i++;
      } else {
        throw bad(expr, "unexpected '" + c + "' at " + i);
      }
    }
    if (depth != 0) {
      throw bad(expr, "unbalanced (");
    }
    return metrics;
  }

  private static int skipString(String expr, int start) {
    char quote = expr.charAt(start);
    for (int i = start + 1; i < expr.length(); i++) {
      char c = expr.charAt(i);
      if (c == '\\' && quote != '`') {
        i++;
      } else if (c == quote) {
        return i + 1;
      }
    }
    throw bad(expr, "unterminated string at " + start);
  }

  /**
   * Checks the label matchers from {@code start} on; returns the index after their closing brace.
   */
  private static int skipMatchers(String expr, int start) {
    Matcher m = MATCHER.matcher(expr);
    int i = start;
    while (true) {
      while (i < expr.length() && Character.isWhitespace(expr.charAt(i))) {
        i++;
      }
      if (i < expr.length() && expr.charAt(i) == '}') {
        return i + 1;
      }
      m.region(i, expr.length());
      if (!m.lookingAt()) {
        throw bad(expr, "bad label matcher at " + i);
      }
      i = m.end();
      if (i < expr.length() && expr.charAt(i) == ',') {
        i++;
      } else if (i >= expr.length() || expr.charAt(i) != '}') {
        throw bad(expr, "unclosed { at " + start);
      }
    }
  }

  private static IllegalArgumentException bad(String expr, String why) {
    return new IllegalArgumentException("PromQL " + why + ": " + expr);
  }
}
