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
import java.util.Locale;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Example;
import org.tribuo.classification.Label;

class GateCommandTest {
  @TempDir Path dir;
  Path workspace;
  Path csv;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void setUp() throws Exception {
    workspace = dir.resolve("ws");
    csv = dir.resolve("holdout.csv");
    List<String> lines = new ArrayList<>();
    lines.add("tenure,spend,region,churn");
    for (Example<Label> ex : Data.churn(1500, 12)) {
      lines.add(
          String.format(
              Locale.ROOT,
              "%s,%s,%s,%s",
              ex.lookup("tenure").getValue(),
              ex.lookup("spend").getValue(),
              ex.getMetadataValue("region").orElseThrow(),
              ex.getOutput().getLabel()));
    }
    Files.write(csv, lines, StandardCharsets.UTF_8);
    ValidationGateTest.train();
    try (ModelRegistry registry =
        ModelRegistry.builder().workspace(workspace).pollInterval(Duration.ZERO).build()) {
      registry.register("churn", ValidationGateTest.north, null);
      registry.setAlias("churn", "champion", 1);
      registry.register("churn", ValidationGateTest.all, null); // v2: better everywhere
      registry.register("churn", ValidationGateTest.south, null); // v3: worse on north
    }
  }

  private int run(String... args) {
    return GateCommand.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String[] gate(String candidate, String... extra) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "--workspace",
                workspace.toString(),
                "--model",
                "churn",
                "--candidate",
                candidate,
                "--champion",
                "champion",
                "--data",
                csv.toString(),
                "--label-column",
                "churn",
                "--slice-column",
                "region",
                "--rule",
                "accuracy >= 0.7",
                "--rule",
                "macro_f1 not-worse-than-champion-by 0.01",
                "--rule",
                "every-slice accuracy not-worse-than-champion-by 0.02",
                "--significance",
                "0.05",
                "--seed",
                "7",
                "--resamples",
                "300"));
    a.addAll(List.of(extra));
    return a.toArray(new String[0]);
  }

  @Test
  void passingGate_exitsZero_andPromotes() throws Exception {
    Path json = dir.resolve("gate.json");
    assertThat(run(gate("2", "--promote", "--json", json.toString()))).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("Validation gate PASSED: churn v2 vs champion v1 on holdout.csv (1500 rows")
        .doesNotContain("FAIL")
        .contains("region=north")
        .contains("Promoted");
    assertThat(Files.readString(json))
        .contains("\"schemaVersion\" : 1")
        .contains("\"promoted\" : true");
    try (ModelRegistry registry = ModelRegistry.open(workspace)) {
      assertThat(registry.aliases("churn")).containsEntry("champion", 2);
    }
  }

  @Test
  void failingGate_exitsOne_andChangesNothing() {
    assertThat(run(gate("3", "--promote"))).isEqualTo(1);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("Validation gate FAILED")
        .contains("FAIL")
        .contains("Not promoted");
    try (ModelRegistry registry = ModelRegistry.open(workspace)) {
      assertThat(registry.aliases("churn")).containsEntry("champion", 1);
    }
  }

  @Test
  void usageErrors_exitTwo() {
    assertThat(run("--model", "churn")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--workspace").contains("Usage");
    assertThat(run(gate("2", "--rule", "accuracy ~ 3"))).isEqualTo(2);
    assertThat(run(gate("2", "--rule", "bogus >= 0.5"))).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("Unknown metric 'bogus'");
    assertThat(run(gate("9"))).isEqualTo(2);
    assertThat(run(gate("2", "--champion", "prod"))).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("no alias 'prod'");
  }

  @Test
  void csvWithWrongColumns_exitsTwo() throws Exception {
    Files.writeString(csv, "tenure,age,region,churn\n1,2,north,yes\n");
    assertThat(run(gate("2"))).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("missing feature columns [spend]")
        .contains("[age]");
  }

  @Test
  void mistypedWorkspace_exitsTwo_andCreatesNothing() {
    Path typo = dir.resolve("wrokspace");
    String[] args = gate("2");
    args[1] = typo.toString();

    assertThat(run(args)).isEqualTo(2);

    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("no mlops4j workspace")
        .contains(typo.toString());
    assertThat(typo).doesNotExist();
  }

  @Test
  void workspaceWithoutItsDatabase_exitsTwo_andCreatesNoDatabase() throws Exception {
    Path other = Files.createDirectories(dir.resolve("not-a-workspace"));
    String[] args = gate("2");
    args[1] = other.toString();

    assertThat(run(args)).isEqualTo(2);

    assertThat(err.toString(StandardCharsets.UTF_8)).contains("no mlops4j workspace");
    try (var files = Files.list(other)) {
      assertThat(files).isEmpty();
    }
  }
}
