package io.github.mlops4j.tracking;

import io.github.mlops4j.tracking.Filter.Comparison;
import io.github.mlops4j.tracking.Filter.NumberValue;
import io.github.mlops4j.tracking.Filter.Op;
import io.github.mlops4j.tracking.Filter.StringList;
import io.github.mlops4j.tracking.Filter.StringValue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Runs as plain Java values and a filter evaluator over them, written from the meaning documented
 * in {@code docs/tracking.md} and not from {@link SearchSql}: the independent answer the compiled
 * SQL is checked against.
 */
final class FilterOracle {
  private FilterOracle() {}

  /** A dataset input of a run. */
  record Input(String digest, String name, String context) {}

  /**
   * A run with everything a filter can look at; {@code parent} and {@code end} may be null. A NaN
   * metric is stored as SQL NULL.
   *
   * <p>The components carry no {@code @Nullable}: a record with type annotations throws {@code
   * NoSuchFieldError} once Jazzer's fuzzing mode retransforms it (JDK-8376185).
   */
  record RunRow(
      String id,
      long experiment,
      String name,
      String parent,
      String user,
      String status,
      long start,
      Long end,
      String stage,
      Map<String, String> params,
      Map<String, String> tags,
      Map<String, Double> metrics,
      List<Input> inputs) {}

  /** The runs matching {@code filter}, in MLflow's default order (start_time DESC, run_id ASC). */
  static List<String> select(Filter filter, List<RunRow> runs) {
    List<RunRow> sorted = new ArrayList<>(runs);
    sorted.sort(Comparator.comparingLong(RunRow::start).reversed().thenComparing(RunRow::id));
    List<String> out = new ArrayList<>();
    for (RunRow r : sorted) {
      if (matches(filter, r)) {
        out.add(r.id());
      }
    }
    return out;
  }

  static boolean matches(Filter filter, RunRow run) {
    if (filter instanceof Filter.MatchAll) {
      return true;
    }
    if (filter instanceof Filter.And and) {
      return and.children().stream().allMatch(c -> matches(c, run));
    }
    if (filter instanceof Filter.Or or) {
      return or.children().stream().anyMatch(c -> matches(c, run));
    }
    if (filter instanceof Filter.Not not) {
      return !matches(not.child(), run);
    }
    Comparison c = (Comparison) filter;
    String key = c.field().key();
    switch (c.field().kind()) {
      case METRIC:
        Double m = run.metrics().get(key);
        return m != null && !m.isNaN() && number(c.op(), m, (NumberValue) c.value());
      case PARAM:
        return keyed(c, run.params().get(key));
      case TAG:
        // the run name is the tag mlflow.runName; a stored row under that key is shadowed
        return keyed(c, key.equals("mlflow.runName") ? run.name() : run.tags().get(key));
      case DATASET:
        for (Input in : run.inputs()) {
          String v =
              key.equals("name") ? in.name() : key.equals("digest") ? in.digest() : in.context();
          if (string(c, v)) {
            return true;
          }
        }
        return false;
      default:
        return attribute(c, run);
    }
  }

  private static boolean keyed(Comparison c, @Nullable String value) {
    if (c.op() == Op.IS_NULL) {
      return value == null;
    }
    if (c.op() == Op.IS_NOT_NULL) {
      return value != null;
    }
    return value != null && string(c, value);
  }

  private static boolean attribute(Comparison c, RunRow run) {
    switch (c.field().key()) {
      case "start_time":
        return number(c.op(), run.start(), (NumberValue) c.value());
      case "end_time":
        return run.end() != null && number(c.op(), run.end(), (NumberValue) c.value());
      case "run_id":
        return string(c, run.id());
      case "run_name":
        return string(c, run.name());
      case "status":
        return string(c, run.status());
      case "user_id":
        return string(c, run.user());
      case "lifecycle_stage":
        return string(c, run.stage());
      case "parent_run_id":
        return run.parent() != null && string(c, run.parent());
      case "experiment_id":
        return string(c, Long.toString(run.experiment()));
      case "artifact_uri":
        return string(c, "mlflow-artifacts:/" + run.experiment() + "/" + run.id() + "/artifacts");
      default:
        throw new IllegalArgumentException("not searchable: " + c.field());
    }
  }

  private static boolean number(Op op, double stored, NumberValue value) {
    double v = value.value();
    switch (op) {
      case EQ:
        return stored == v;
      case NE:
        return stored != v;
      case GT:
        return stored > v;
      case GE:
        return stored >= v;
      case LT:
        return stored < v;
      case LE:
        return stored <= v;
      default:
        throw new IllegalArgumentException(op.toString());
    }
  }

  private static boolean string(Comparison c, String stored) {
    switch (c.op()) {
      case EQ:
        return stored.equals(((StringValue) c.value()).value());
      case NE:
        return !stored.equals(((StringValue) c.value()).value());
      case LIKE:
        return like(stored, ((StringValue) c.value()).value());
      case ILIKE:
        return like(asciiLower(stored), asciiLower(((StringValue) c.value()).value()));
      case IN:
        return ((StringList) c.value()).values().contains(stored);
      case NOT_IN:
        return !((StringList) c.value()).values().contains(stored);
      default:
        throw new IllegalArgumentException(c.op().toString());
    }
  }

  /** SQL LIKE without an escape character: % any run of characters, _ one character. */
  static boolean like(String text, String pattern) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < pattern.length(); ) {
      int cp = pattern.codePointAt(i);
      if (cp == '%') {
        regex.append(".*");
      } else if (cp == '_') {
        regex.append('.');
      } else {
        regex.append(Pattern.quote(new String(Character.toChars(cp))));
      }
      i += Character.charCount(cp);
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(text).matches();
  }

  private static String asciiLower(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      sb.append(ch >= 'A' && ch <= 'Z' ? (char) (ch + 32) : ch);
    }
    return sb.toString();
  }
}
