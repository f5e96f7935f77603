package io.github.mlops4j.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.github.mlops4j.tracking.Filter.Comparison;
import io.github.mlops4j.tracking.Filter.Field;
import io.github.mlops4j.tracking.Filter.Kind;
import io.github.mlops4j.tracking.Filter.NoValue;
import io.github.mlops4j.tracking.Filter.NumberValue;
import io.github.mlops4j.tracking.Filter.Op;
import io.github.mlops4j.tracking.Filter.StringList;
import io.github.mlops4j.tracking.Filter.StringValue;
import io.github.mlops4j.tracking.Filter.Value;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

/** Property tests: printing any filter and parsing the text gives the same filter back. */
class FilterParserProperties {
  private static final long SEED = 0x5EA5C4L;

  /** Characters for keys and strings: quotes of every kind, dots, spaces, LIKE wildcards. */
  private static final String CHARS = "aZ_09.'\"` %\\-é\t\n()=";

  private static final List<String> ATTRIBUTE_NAMES =
      List.of(
          "run_id",
          "run_name",
          "status",
          "user_id",
          "lifecycle_stage",
          "parent_run_id",
          "experiment_id",
          "artifact_uri",
          "start_time",
          "end_time",
          "created",
          "Created",
          "run name",
          "Run Name");

  private static final List<String> NUMBERS =
      List.of("0", "7", "-1", "0.5", ".25", "1e3", "-2.5E-7", "1664067852747", "007", "+3", "1.");

  @Test
  void printThenParseGivesTheSameFilter() {
    qt().withFixedSeed(SEED)
        .withExamples(2_000)
        .forAll(filters(4))
        .checkAssert(
            f -> {
              String text = f.toString();
              assertThat(FilterParser.parse(text)).as(text).isEqualTo(f);
            });
  }

  @Test
  void printingIsStable() {
    qt().withFixedSeed(SEED + 1)
        .withExamples(1_000)
        .forAll(filters(3))
        .check(f -> FilterParser.parse(f.toString()).toString().equals(f.toString()));
  }

  @Test
  void orderByRoundTrips() {
    qt().withFixedSeed(SEED + 2)
        .withExamples(1_000)
        .forAll(fields().assuming(f -> f.kind() != Kind.DATASET), booleans())
        .check(
            (field, ascending) -> {
              OrderBy o = new OrderBy(field, ascending);
              return OrderBy.parse(o.toString()).equals(o);
            });
  }

  /**
   * Arbitrary text made of filter fragments either parses to a filter that round-trips, or fails
   * with an {@link InvalidFilterException} whose position lies inside the text; never anything
   * else.
   */
  @Test
  void garbageFailsCleanly() {
    List<String> tokens =
        List.of(
            "metrics.a",
            "params.`b c`",
            "tags.x.y",
            "start_time",
            "datasets.name",
            " ",
            " AND ",
            " OR ",
            "NOT ",
            "(",
            ")",
            "=",
            "!=",
            ">=",
            "<",
            " LIKE ",
            " IN ",
            " NOT IN ",
            " IS NULL",
            "'s'",
            "\"t\"",
            "'",
            "`",
            "1",
            "-2.5",
            ",",
            ".",
            "\n");
    Gen<String> texts =
        in -> {
          StringBuilder sb = new StringBuilder();
          int n = (int) in.next(Constraint.between(0, 12));
          for (int i = 0; i < n; i++) {
            sb.append(tokens.get((int) in.next(Constraint.between(0, tokens.size() - 1))));
          }
          return sb.toString();
        };
    qt().withFixedSeed(SEED + 3)
        .withExamples(5_000)
        .forAll(texts)
        .checkAssert(
            text -> {
              Filter parsed;
              try {
                parsed = FilterParser.parse(text);
              } catch (InvalidFilterException e) {
                assertThat(e.position()).isBetween(0, text.length());
                assertThat(e.filter()).isEqualTo(text);
                return;
              }
              assertThat(FilterParser.parse(parsed.toString())).as(text).isEqualTo(parsed);
            });
  }

  // ------------------------------------------------------------------ generators

  private static Gen<Boolean> booleans() {
    return in -> in.next(Constraint.between(0, 1)) == 1;
  }

  private static int pick(RandomnessSource in, int bound) {
    return (int) in.next(Constraint.between(0, bound - 1));
  }

  private static String text(RandomnessSource in, int minLength, int maxLength) {
    int length = (int) in.next(Constraint.between(minLength, maxLength));
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      sb.append(CHARS.charAt(pick(in, CHARS.length())));
    }
    return sb.toString();
  }

  /** Keys: often plain or dotted words, sometimes anything (quotes, spaces, backticks). */
  private static String key(RandomnessSource in) {
    switch (pick(in, 4)) {
      case 0:
        return "acc";
      case 1:
        return "mlflow.parentRunId";
      default:
        return text(in, 1, 8);
    }
  }

  private static Gen<Field> fields() {
    return in -> {
      Kind kind = Kind.values()[pick(in, Kind.values().length)];
      switch (kind) {
        case ATTRIBUTE:
          return Field.attribute(ATTRIBUTE_NAMES.get(pick(in, ATTRIBUTE_NAMES.size())));
        case DATASET:
          return Field.dataset(List.of("name", "digest", "context").get(pick(in, 3)));
        default:
          return new Field(kind, key(in));
      }
    };
  }

  private static Gen<Comparison> comparisons() {
    return in -> {
      Field field = fields().generate(in);
      List<Op> ops = new ArrayList<>(field.allowedOps());
      ops.sort(null);
      Op op = ops.get(pick(in, ops.size()));
      return new Comparison(field, op, value(in, field, op));
    };
  }

  private static Value value(RandomnessSource in, Field field, Op op) {
    if (op.takesNoValue()) {
      return NoValue.INSTANCE;
    }
    if (op.takesList()) {
      List<String> values = new ArrayList<>();
      int n = (int) in.next(Constraint.between(1, 3));
      for (int i = 0; i < n; i++) {
        values.add(text(in, 0, 6));
      }
      return new StringList(values);
    }
    if (field.numeric()) {
      if (pick(in, 2) == 0) {
        String literal = NUMBERS.get(pick(in, NUMBERS.size()));
        return new NumberValue(Double.parseDouble(literal), literal);
      }
      double d = Double.longBitsToDouble(in.next(Constraint.none()));
      return Double.isFinite(d) ? NumberValue.of(d) : NumberValue.of(in.next(Constraint.none()));
    }
    return new StringValue(text(in, 0, 8));
  }

  private static Gen<Filter> filters(int depth) {
    return in -> filter(in, depth);
  }

  private static Filter filter(RandomnessSource in, int depth) {
    int choice = depth == 0 ? 0 : pick(in, 5);
    switch (choice) {
      case 0:
      case 1:
        return comparisons().generate(in);
      case 2:
        return new Filter.Not(filter(in, depth - 1));
      default:
        List<Filter> children = new ArrayList<>();
        int n = (int) in.next(Constraint.between(2, 4));
        for (int i = 0; i < n; i++) {
          children.add(filter(in, depth - 1));
        }
        return choice == 3 ? new Filter.And(children) : new Filter.Or(children);
    }
  }
}
