package io.github.mlops4j.registry.validation;

import io.github.mlops4j.data.DatasetVersion;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of a {@link ValidationGate}: every rule with observed value, bound or margin, p-value
 * or interval, and pass/fail. {@link #toText()} renders an aligned table for logs and consoles,
 * {@link #toJson()} a JSON document (with {@code schemaVersion}) for machines.
 *
 * @since 0.1.0
 */
public final class GateResult {
  /** Version of the JSON layout written by {@link #toJson()}. */
  public static final int SCHEMA_VERSION = 1;

  private final @Nullable String model;
  private final @Nullable Integer candidate;
  private final @Nullable Integer champion;
  private final DatasetVersion dataset;
  private final double significance;
  private final long seed;
  private final int resamples;
  private final List<RuleResult> rules;
  private final boolean promoted;

  GateResult(
      @Nullable String model,
      @Nullable Integer candidate,
      @Nullable Integer champion,
      DatasetVersion dataset,
      double significance,
      long seed,
      int resamples,
      List<RuleResult> rules,
      boolean promoted) {
    this.model = model;
    this.candidate = candidate;
    this.champion = champion;
    this.dataset = Objects.requireNonNull(dataset, "dataset");
    this.significance = significance;
    this.seed = seed;
    this.resamples = resamples;
    this.rules = List.copyOf(rules);
    this.promoted = promoted;
  }

  GateResult promoted() {
    return new GateResult(
        model, candidate, champion, dataset, significance, seed, resamples, rules, true);
  }

  /** True if every rule passed. */
  public boolean passed() {
    return rules.stream().allMatch(RuleResult::passed);
  }

  /** True if {@code promoteIfPassed} moved the alias to the candidate. */
  public boolean wasPromoted() {
    return promoted;
  }

  /** Every rule outcome, overall rules first, then slice rules per slice. */
  public List<RuleResult> rules() {
    return rules;
  }

  /** The rules that failed. */
  public List<RuleResult> failures() {
    return rules.stream().filter(r -> !r.passed()).toList();
  }

  /** The model name, when registry versions were gated. */
  public Optional<String> model() {
    return Optional.ofNullable(model);
  }

  /** The candidate version, when registry versions were gated. */
  public OptionalInt candidateVersion() {
    return candidate == null ? OptionalInt.empty() : OptionalInt.of(candidate);
  }

  /** The champion version compared with, if any. */
  public OptionalInt championVersion() {
    return champion == null ? OptionalInt.empty() : OptionalInt.of(champion);
  }

  /** The holdout's name, digest and size. */
  public DatasetVersion dataset() {
    return dataset;
  }

  public double significance() {
    return significance;
  }

  public long seed() {
    return seed;
  }

  public int bootstrapResamples() {
    return resamples;
  }

  /** One line: verdict, versions, data digest and the failed rules (the audit comment). */
  public String summary() {
    StringBuilder b =
        new StringBuilder("Validation gate ")
            .append(passed() ? "passed" : "failed")
            .append(": ")
            .append(subject());
    if (passed()) {
      b.append("; ").append(rules.size()).append(" rules passed");
    } else {
      b.append("; failed: ");
      List<RuleResult> f = failures();
      for (int i = 0; i < f.size(); i++) {
        RuleResult r = f.get(i);
        b.append(i == 0 ? "" : ", ")
            .append(r.expression())
            .append(r.slice() == null ? "" : " on " + r.slice())
            .append(" (observed ")
            .append(num(r.observed()))
            .append(')');
      }
    }
    return b.toString();
  }

  private String subject() {
    String who = model == null ? "candidate" : model + " v" + candidate;
    String vs = champion == null ? "" : " vs champion v" + champion;
    String rows = dataset.rowCount() == null ? "unknown number of" : dataset.rowCount().toString();
    return who
        + vs
        + " on "
        + dataset.name()
        + " ("
        + rows
        + " rows, sha256 "
        + dataset.digest().substring(0, 12)
        + ")";
  }

  /** The rule table, columns aligned, one rule a line, with a verdict line first. */
  public String toText() {
    String[] head = {
      "RULE", "SLICE", "OBSERVED", "CHAMPION", "DIFF", "TEST", "P / INTERVAL", "RESULT"
    };
    String[][] rows = new String[rules.size()][];
    for (int i = 0; i < rules.size(); i++) {
      RuleResult r = rules.get(i);
      String evidence =
          r.pValue() != null
              ? "p=" + num(r.pValue())
              : r.lower() != null ? "[" + num(r.lower()) + ", " + num(r.upper()) + "]" : "-";
      rows[i] =
          new String[] {
            r.expression(),
            r.slice() == null ? "-" : r.slice(),
            num(r.observed()),
            r.champion() == null ? "-" : num(r.champion()),
            r.difference() == null ? "-" : num(r.difference()),
            r.test(),
            evidence,
            r.passed() ? "pass" : "FAIL"
          };
    }
    int[] width = new int[head.length];
    for (int c = 0; c < head.length; c++) {
      width[c] = head[c].length();
      for (String[] row : rows) {
        width[c] = Math.max(width[c], row[c].length());
      }
    }
    StringBuilder b = new StringBuilder();
    b.append("Validation gate ")
        .append(passed() ? "PASSED" : "FAILED")
        .append(": ")
        .append(subject())
        .append('\n');
    line(b, head, width);
    for (String[] row : rows) {
      line(b, row, width);
    }
    return b.toString();
  }

  private static void line(StringBuilder b, String[] cells, int[] width) {
    StringBuilder l = new StringBuilder();
    for (int c = 0; c < cells.length; c++) {
      l.append(cells[c]);
      if (c < cells.length - 1) {
        l.append(" ".repeat(width[c] - cells[c].length() + 2));
      }
    }
    b.append(l.toString().stripTrailing()).append('\n');
  }

  static String num(@Nullable Double v) {
    if (v == null) {
      return "-";
    }
    if (Double.isNaN(v)) {
      return "undefined";
    }
    return String.format(Locale.ROOT, "%.4f", v);
  }

  /** The result as pretty-printed JSON ({@code schemaVersion} {@value #SCHEMA_VERSION}). */
  public String toJson() {
    return GateJson.write(this);
  }

  @Override
  public String toString() {
    return summary();
  }
}
