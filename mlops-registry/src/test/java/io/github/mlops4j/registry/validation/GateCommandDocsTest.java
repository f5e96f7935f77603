package io.github.mlops4j.registry.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.registry.ModelRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.classification.Label;

/**
 * The command lines of docs/validation.md, run through {@link GateCommand#run} with the same
 * arguments (only the workspace and CSV paths point into a temporary directory) on a real CSV whose
 * slice column {@code region} is a feature of the real Tribuo model being gated.
 */
class GateCommandDocsTest {
  private static final Path DOC = Path.of("..", "docs", "validation.md");

  @TempDir Path dir;
  Path workspace;
  Path csv;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void setUp() throws Exception {
    workspace = dir.resolve("mlops");
    csv = LoanCsv.write(dir.resolve("holdout.csv"), 1500, 42);
    Model<Label> model = LoanCsv.train(LoanCsv.write(dir.resolve("train.csv"), 3000, 7));
    try (ModelRegistry registry =
        ModelRegistry.builder().workspace(workspace).pollInterval(Duration.ZERO).build()) {
      for (int v = 1; v <= 7; v++) { // the docs gate version 7 against the champion
        registry.register("churn", model, null);
      }
      registry.setAlias("churn", "champion", 1);
      registry.setAlias("churn", "challenger", 7);
    }
  }

  /** The docs' arguments, each line checked to be in the page, with the paths replaced. */
  private String[] documented(String... lines) throws Exception {
    String doc = Files.readString(DOC);
    List<String> args = new ArrayList<>();
    for (String line : lines) {
      assertThat(doc).as("docs/validation.md shows this line").contains(line);
      args.addAll(split(line));
    }
    for (int i = 0; i < args.size() - 1; i++) {
      if (args.get(i).equals("--workspace")) {
        args.set(i + 1, workspace.toString());
      } else if (args.get(i).equals("--data")) {
        args.set(i + 1, csv.toString());
      }
    }
    return args.toArray(new String[0]);
  }

  /** Splits a shell line on spaces, keeping double-quoted words together. */
  private static List<String> split(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    boolean quoted = false;
    for (char c : line.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ' ' && !quoted) {
        if (w.length() > 0) {
          words.add(w.toString());
          w.setLength(0);
        }
      } else {
        w.append(c);
      }
    }
    if (w.length() > 0) {
      words.add(w.toString());
    }
    return words;
  }

  private int run(String[] args) {
    return GateCommand.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void commandLineExample_slicesByAModelFeature_andPasses() throws Exception {
    String[] args =
        documented(
            "--workspace ./mlops",
            "--model churn --candidate 7 --champion champion",
            "--data holdout.csv --label-column churn --slice-column region",
            "--ignore-column customer_id",
            "--rule \"accuracy >= 0.85\"",
            "--rule \"macro_f1 not-worse-than-champion-by 0.01\"",
            "--rule \"every-slice recall:yes >= 0.7\"",
            "--significance 0.05 --seed 42");

    int code = run(args);

    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(code).isEqualTo(GateCommand.PASSED);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("Validation gate PASSED: churn v7 vs champion v1 on holdout.csv (1500 rows")
        .contains("region=north")
        .contains("region=south")
        .contains("region=east");
  }

  @Test
  void jenkinsExample_withAnAliasAsCandidate_passes() throws Exception {
    String[] args =
        documented(
            "--workspace /srv/mlops --model churn --candidate challenger --champion champion",
            "--data holdout.csv --label-column churn --slice-column region",
            "--ignore-column customer_id",
            "--rule \"accuracy >= 0.85\" --rule \"every-slice recall:yes >= 0.7\"");

    assertThat(run(args)).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(GateCommand.PASSED);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("churn v7 vs champion v1");
  }

  @Test
  void withoutIgnoreColumn_theIdColumnIsNamedWithTheFix() throws Exception {
    String[] args =
        documented(
            "--workspace ./mlops",
            "--model churn --candidate 7 --champion champion",
            "--data holdout.csv --label-column churn --slice-column region",
            "--rule \"accuracy >= 0.85\"");

    assertThat(run(args)).isEqualTo(GateCommand.ERROR);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("columns the model does not know [customer_id]")
        .contains("--ignore-column")
        .doesNotContain("missing feature columns");
  }
}
