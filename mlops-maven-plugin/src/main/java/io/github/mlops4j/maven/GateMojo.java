package io.github.mlops4j.maven;

import io.github.mlops4j.registry.validation.GateCommand;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.jspecify.annotations.Nullable;

/**
 * {@code mvn mlops:gate}: evaluates a registered candidate against the champion on a CSV holdout
 * with the rules given, and fails the build ({@link MojoFailureException}, whose message holds the
 * gate's rule table) when a rule fails. The engine is the registry's {@link GateCommand}: the same
 * rules, metrics, paired tests, evaluation records and exit decisions as {@code java ...
 * GateCommand}. A usage or input error (no such model, unreadable CSV, a workspace that does not
 * exist) is a {@link MojoExecutionException}; the workspace is never created.
 *
 * <pre>
 * mvn mlops:gate -Dmlops.workspace=mlops -Dmlops.model=churn -Dmlops.candidate=latest \
 *     -Dmlops.data=holdout.csv -Dmlops.labelColumn=churn -Dmlops.rules="accuracy &gt;= 0.85"
 * </pre>
 *
 * @since 0.1.0
 */
@Mojo(name = "gate", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class GateMojo extends RegistryMojo {
  /** The registered model's name. */
  @Parameter(property = "mlops.model", required = true)
  @Nullable String model;

  /** The candidate: a version number, an alias or {@code latest}. */
  @Parameter(property = "mlops.candidate", required = true)
  @Nullable String candidate;

  /** The alias of the version to beat. */
  @Parameter(property = "mlops.champion", defaultValue = "champion")
  String champion = "champion";

  /** The holdout CSV (header row; features, the label column, optional slice columns). */
  @Parameter(property = "mlops.data", required = true)
  @Nullable File data;

  /** The label column of the holdout. */
  @Parameter(property = "mlops.labelColumn", required = true)
  @Nullable String labelColumn;

  /** Columns grouping rows into slices (kept as features). */
  @Parameter(property = "mlops.sliceColumns")
  List<String> sliceColumns = new ArrayList<>();

  /** Columns that are not features (ids, timestamps). */
  @Parameter(property = "mlops.ignoreColumns")
  List<String> ignoreColumns = new ArrayList<>();

  /**
   * The rules, each {@code "METRIC OP VALUE"} optionally prefixed by {@code every-slice}; OP is
   * {@code >=}, {@code <=}, {@code not-worse-than-champion-by} or {@code better-than-champion-by}.
   */
  @Parameter(property = "mlops.rules", required = true)
  List<String> rules = new ArrayList<>();

  /** The significance level of the champion comparisons. */
  @Parameter(property = "mlops.significance")
  @Nullable Double significance;

  /** The seed of the bootstrap resampling. */
  @Parameter(property = "mlops.seed", defaultValue = "1")
  long seed = 1L;

  /** Bootstrap resamples for the champion comparisons. */
  @Parameter(property = "mlops.resamples")
  @Nullable Integer resamples;

  /** Moves the champion alias to the candidate when the gate passes. */
  @Parameter(property = "mlops.promote", defaultValue = "false")
  boolean promote;

  /** Also writes the result as JSON to this file. */
  @Parameter(property = "mlops.json")
  @Nullable File json;

  /** Creates the goal; Maven sets its parameters. */
  public GateMojo() {}

  @Override
  void run(Credentials credentials) throws MojoExecutionException, MojoFailureException {
    List<String> args = new ArrayList<>();
    if (workspace != null) {
      add(args, "--workspace", workspace.getPath());
    } else {
      add(args, "--jdbc-url", Objects.requireNonNull(jdbcUrl));
      if (artifacts == null) {
        throw new MojoExecutionException(
            "<jdbcUrl> needs <artifacts> (-Dmlops.artifacts=DIR), the artifact root shared by"
                + " the registry's users");
      }
      add(args, "--artifacts", artifacts.getPath());
      if (credentials.user() != null) {
        add(args, "--jdbc-user", credentials.user());
      }
      if (credentials.password() != null) {
        add(args, "--jdbc-password", credentials.password());
      }
    }
    add(args, "--model", required(model, "model"));
    add(args, "--candidate", required(candidate, "candidate"));
    add(args, "--champion", champion);
    add(args, "--data", Objects.requireNonNull(data, "data").getPath());
    add(args, "--label-column", required(labelColumn, "labelColumn"));
    sliceColumns.forEach(c -> add(args, "--slice-column", c));
    ignoreColumns.forEach(c -> add(args, "--ignore-column", c));
    if (rules.isEmpty()) {
      throw new MojoExecutionException(
          "Give at least one rule: <rules><rule>accuracy &gt;= 0.85</rule></rules> or"
              + " -Dmlops.rules=\"accuracy >= 0.85\"");
    }
    rules.forEach(r -> add(args, "--rule", r));
    if (significance != null) {
      add(args, "--significance", significance.toString());
    }
    add(args, "--seed", Long.toString(seed));
    if (resamples != null) {
      add(args, "--resamples", resamples.toString());
    }
    if (promote) {
      args.add("--promote");
    }
    if (json != null) {
      add(args, "--json", json.getPath());
    }

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = GateCommand.run(args.toArray(String[]::new), o, e);
    }
    String report = Text.redact(out.toString(StandardCharsets.UTF_8), credentials.password());
    String errors = Text.redact(err.toString(StandardCharsets.UTF_8), credentials.password());
    String what = "model '" + model + "' candidate '" + candidate + "'";
    switch (code) {
      case GateCommand.PASSED -> {
        report.lines().forEach(getLog()::info);
        getLog().info("Validation gate passed: " + what);
      }
      case GateCommand.FAILED ->
          // the report goes into the failure message, which Maven prints once at the end
          throw new MojoFailureException(
              "Validation gate failed: " + what + " against '" + champion + "'\n" + report);
      default ->
          throw new MojoExecutionException("Validation gate could not run: " + errorLines(errors));
    }
  }

  /** The {@code Error:} lines of the command's error output, without its command-line usage. */
  private static String errorLines(String err) {
    List<String> lines = err.lines().filter(l -> l.startsWith("Error: ")).toList();
    return lines.isEmpty() ? err.strip() : String.join("\n", lines).substring("Error: ".length());
  }

  private static void add(List<String> args, String option, String value) {
    args.add(option);
    args.add(value);
  }

  private static String required(@Nullable String value, String parameter)
      throws MojoExecutionException {
    if (value == null || value.isBlank()) {
      throw new MojoExecutionException("<" + parameter + "> is required");
    }
    return value;
  }
}
