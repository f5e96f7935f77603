package io.github.mlops4j.registry.validation;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.mlops4j.MlopsException;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelSignature;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.store.OpenMode;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.tribuo.Output;
import org.tribuo.OutputFactory;
import org.tribuo.classification.LabelFactory;
import org.tribuo.regression.RegressionFactory;

/**
 * Command-line validation gate for build pipelines: evaluates a registered candidate against the
 * champion on a CSV holdout, prints the rule table and exits 0 when the gate passes, 1 when it
 * fails and 2 on a usage or input error. The workspace (or database and artifact root) must already
 * exist: a path that names no workspace is an error, never a new empty workspace. {@code
 * --slice-column} groups the rows by a column and keeps it a feature ({@link
 * Holdout.Builder#sliceBy}); {@code --ignore-column} (repeatable) leaves a column that is not a
 * feature out of the data ({@link Holdout.Builder#ignoreColumns}).
 *
 * <pre>
 * java -cp ... io.github.mlops4j.registry.validation.GateCommand \
 *     --workspace ./mlops --model churn --candidate 7 --champion champion \
 *     --data holdout.csv --label-column churn --slice-column region \
 *     --ignore-column customer_id \
 *     --rule "accuracy &gt;= 0.85" --rule "macro_f1 not-worse-than-champion-by 0.01" \
 *     --rule "every-slice recall:yes &gt;= 0.7" --significance 0.05 --seed 7 --promote
 * </pre>
 *
 * @since 0.1.0
 */
public final class GateCommand {
  /** Exit code when every rule passed. */
  public static final int PASSED = 0;

  /** Exit code when a rule failed. */
  public static final int FAILED = 1;

  /** Exit code for a usage or input error. */
  public static final int ERROR = 2;

  static final String USAGE =
      String.join(
          "\n",
          "Usage: GateCommand (--workspace DIR | --jdbc-url URL --artifacts DIR"
              + " [--jdbc-user U --jdbc-password P])",
          "         --model NAME --candidate VERSION|ALIAS [--champion ALIAS]",
          "         --data FILE.csv --label-column COL [--slice-column COL]...",
          "         [--ignore-column COL]...",
          "         --rule \"METRIC OP VALUE\"... [--significance A] [--seed N] [--resamples N]",
          "         [--promote] [--json FILE]",
          "  OP: >=, <=, not-worse-than-champion-by, better-than-champion-by;",
          "  prefix a rule with every-slice to apply it to every slice.",
          "  --slice-column groups rows by a column and keeps it a feature;",
          "  --ignore-column leaves a column (an id, a timestamp) out of the features.",
          "  Exit codes: 0 gate passed, 1 gate failed, 2 usage or input error.");

  private GateCommand() {}

  /** Runs the gate and exits with its code. */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs the gate, printing the rule table to {@code out} and errors to {@code err}.
   *
   * @return {@link #PASSED}, {@link #FAILED} or {@link #ERROR}
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Options o;
    try {
      o = Options.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("Error: " + e.getMessage());
      err.println(USAGE);
      return ERROR;
    }
    if (o.help) {
      out.println(USAGE);
      return PASSED;
    }
    HikariDataSource pool = null;
    try {
      // EXISTING: a mistyped --workspace or --artifacts must fail, never create an empty
      // workspace. Not READ_ONLY: the gate records its evaluations (and --promote moves the alias).
      ModelRegistry.Builder b =
          ModelRegistry.builder().pollInterval(Duration.ZERO).openMode(OpenMode.EXISTING);
      if (o.workspace != null) {
        b.workspace(o.workspace);
      } else {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(o.jdbcUrl);
        if (o.jdbcUser != null) {
          config.setUsername(o.jdbcUser);
        }
        if (o.jdbcPassword != null) {
          config.setPassword(o.jdbcPassword);
        }
        config.setMaximumPoolSize(2);
        pool = new HikariDataSource(config);
        b.dataSource(pool).artifactRoot(Objects.requireNonNull(o.artifacts, "--artifacts"));
      }
      try (ModelRegistry registry = b.build()) {
        return gate(registry, o, out);
      }
    } catch (MlopsException | IllegalArgumentException | IllegalStateException e) {
      err.println("Error: " + e.getMessage());
      return ERROR;
    } catch (RuntimeException e) { // unexpected: keep the exception's type in the message
      err.println("Error: " + e);
      return ERROR;
    } finally {
      if (pool != null) {
        pool.close();
      }
    }
  }

  private static int gate(ModelRegistry registry, Options o, PrintStream out)
      throws MlopsException {
    ModelVersion candidate = ModelEvaluator.resolve(registry, o.model, o.candidate);
    ModelSignature signature =
        candidate
            .signature()
            .orElseThrow(
                () ->
                    new ValidationException(
                        candidate
                            + " has no signature; only Tribuo models can be gated from the command line"));
    OutputFactory<?> factory =
        switch (signature.outputType()) {
          case "Label" -> new LabelFactory();
          case "Regressor" -> new RegressionFactory();
          default ->
              throw new ValidationException(
                  candidate
                      + " predicts "
                      + signature.outputType()
                      + "; the command line gates Label and Regressor models");
        };
    return gate(registry, o, candidate, factory, out);
  }

  private static <T extends Output<T>> int gate(
      ModelRegistry registry,
      Options o,
      ModelVersion candidate,
      OutputFactory<T> factory,
      PrintStream out) {
    Holdout.Builder<T> hb = Holdout.csvBuilder(o.data, o.labelColumn, factory);
    o.sliceColumns.forEach(hb::sliceBy);
    o.ignoreColumns.forEach(hb::ignoreColumns);
    Holdout<T> holdout = hb.build();
    ValidationGate.Builder gb = ValidationGate.builder().seed(o.seed);
    if (o.significance != null) {
      gb.significance(o.significance);
    }
    if (o.resamples != null) {
      gb.bootstrapResamples(o.resamples);
    }
    for (String[] rule : o.rules) {
      Rule r = Rule.parse(rule[2], rule[3]);
      if (rule[0] != null) {
        gb.requireOnEverySlice(rule[1], r);
      } else {
        gb.require(rule[1], r);
      }
    }
    ValidationGate gate = gb.build();
    GateResult result =
        o.promote
            ? gate.promoteIfPassed(registry, o.model, candidate.version(), o.champion, holdout)
            : gate.evaluate(registry, o.model, candidate.version(), o.champion, holdout);
    out.print(result.toText());
    if (o.promote) {
      out.println(
          result.wasPromoted()
              ? "Promoted: alias '" + o.champion + "' now points at v" + candidate.version()
              : "Not promoted: alias '" + o.champion + "' unchanged");
    }
    if (o.json != null) {
      try {
        Files.writeString(o.json, result.toJson(), StandardCharsets.UTF_8);
      } catch (java.io.IOException e) {
        throw new ValidationException("Cannot write " + o.json + ": " + e.getMessage(), e);
      }
    }
    return result.passed() ? PASSED : FAILED;
  }

  /** Parsed command line. */
  static final class Options {
    @Nullable Path workspace;
    @Nullable String jdbcUrl;
    @Nullable String jdbcUser;
    @Nullable String jdbcPassword;
    @Nullable Path artifacts;
    String model = "";
    String candidate = "";
    String champion = "champion";
    Path data = Path.of("");
    String labelColumn = "";
    final List<String> sliceColumns = new ArrayList<>();
    final List<String> ignoreColumns = new ArrayList<>();

    /** every-slice marker (or null), metric, op, value. */
    final List<String[]> rules = new ArrayList<>();

    @Nullable Double significance;
    long seed = 1L;
    @Nullable Integer resamples;
    boolean promote;
    boolean help;
    @Nullable Path json;

    static Options parse(String[] args) {
      Options o = new Options();
      String model = null;
      String candidate = null;
      String data = null;
      String label = null;
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--help", "-h" -> o.help = true;
          case "--promote" -> o.promote = true;
          case "--workspace" -> o.workspace = Path.of(value(args, ++i, a));
          case "--jdbc-url" -> o.jdbcUrl = value(args, ++i, a);
          case "--jdbc-user" -> o.jdbcUser = value(args, ++i, a);
          case "--jdbc-password" -> o.jdbcPassword = value(args, ++i, a);
          case "--artifacts" -> o.artifacts = Path.of(value(args, ++i, a));
          case "--model" -> model = value(args, ++i, a);
          case "--candidate" -> candidate = value(args, ++i, a);
          case "--champion" -> o.champion = value(args, ++i, a);
          case "--data" -> data = value(args, ++i, a);
          case "--label-column" -> label = value(args, ++i, a);
          case "--slice-column" -> o.sliceColumns.add(value(args, ++i, a));
          case "--ignore-column" -> o.ignoreColumns.add(value(args, ++i, a));
          case "--rule" -> o.rules.add(rule(value(args, ++i, a)));
          case "--significance" -> o.significance = number(value(args, ++i, a), a);
          case "--seed" -> o.seed = integer(value(args, ++i, a), a);
          case "--resamples" -> {
            long r = integer(value(args, ++i, a), a);
            if (r < 1 || r > Integer.MAX_VALUE) {
              throw new IllegalArgumentException("--resamples must be a positive int, was " + r);
            }
            o.resamples = (int) r;
          }
          case "--json" -> o.json = Path.of(value(args, ++i, a));
          default -> throw new IllegalArgumentException("Unknown option '" + a + "'");
        }
      }
      if (o.help) {
        return o;
      }
      if ((o.workspace == null) == (o.jdbcUrl == null)) {
        throw new IllegalArgumentException("Give exactly one of --workspace and --jdbc-url");
      }
      if (o.jdbcUrl != null && o.artifacts == null) {
        throw new IllegalArgumentException(
            "--jdbc-url needs --artifacts DIR, the artifact root"
                + " shared by the registry's users");
      }
      o.model = required(model, "--model");
      o.candidate = required(candidate, "--candidate");
      o.data = Path.of(required(data, "--data"));
      o.labelColumn = required(label, "--label-column");
      if (o.rules.isEmpty()) {
        throw new IllegalArgumentException("Give at least one --rule");
      }
      if (!Files.isRegularFile(o.data)) {
        throw new IllegalArgumentException("--data " + o.data + " is not a readable file");
      }
      return o;
    }

    private static String value(String[] args, int i, String option) {
      if (i >= args.length || args[i].startsWith("--")) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      return args[i];
    }

    private static String required(@Nullable String v, String option) {
      if (v == null || v.isBlank()) {
        throw new IllegalArgumentException(option + " is required");
      }
      return v;
    }

    private static double number(String v, String option) {
      try {
        return Double.parseDouble(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(option + " needs a number, was '" + v + "'");
      }
    }

    private static long integer(String v, String option) {
      try {
        return Long.parseLong(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(option + " needs an integer, was '" + v + "'");
      }
    }

    static String[] rule(String text) {
      String[] t = text.trim().split("\\s+", -1);
      String every = null;
      int i = 0;
      if (t.length > 0 && t[0].toLowerCase(Locale.ROOT).equals("every-slice")) {
        every = t[0];
        i = 1;
      }
      if (t.length - i != 3) {
        throw new IllegalArgumentException(
            "Rule '"
                + text
                + "' must read 'METRIC OP VALUE',"
                + " optionally prefixed by every-slice, e.g. \"accuracy >= 0.85\"");
      }
      Rule.parse(t[i + 1], t[i + 2]); // fails early on a bad operator or number
      return new String[] {every, t[i], t[i + 1], t[i + 2]};
    }
  }
}
