package io.github.mlops4j.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.mlops4j.features.FeatureStatus;
import io.github.mlops4j.features.FeatureValue;
import io.github.mlops4j.monitoring.drift.ColumnDrift;
import io.github.mlops4j.monitoring.drift.DriftReport;
import io.github.mlops4j.registry.validation.GateResult;
import io.github.mlops4j.serving.Prediction;
import io.github.mlops4j.tracking.RunInfo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs each focused example on a real workspace and checks what it claims to show. */
class ExamplesTest {
  @TempDir Path dir;

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  @BeforeAll
  static void quiet() {
    Examples.quietTribuo();
  }

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void wipe_refusesADirectoryThatIsNotAnExamplesWorkspace_andDeletesNothing() throws Exception {
    Path home = dir.resolve("someones-home");
    Files.createDirectories(home);
    Path precious = Files.writeString(home.resolve("thesis.txt"), "years of work");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Examples.wipe(home))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not empty");
    assertThat(precious).hasContent("years of work");
    Path workspace = dir.resolve("ws");
    Examples.wipe(workspace); // new: created and marked
    Files.writeString(workspace.resolve("mlops.db"), "old run");
    Examples.wipe(workspace); // marked: emptied again
    assertThat(workspace.resolve("mlops.db")).doesNotExist();
    assertThat(workspace.resolve(Examples.MARKER)).exists();
  }

  @Test
  void tracking_findsTheBestChildRunOfTheSweep() {
    RunInfo best = TrackingExample.run(dir.resolve("ws"), out);

    assertThat(best.parentRunId()).isPresent();
    assertThat(best.metrics().get("test_accuracy").value()).isGreaterThan(0.9);
    assertThat(best.metrics().get("test_accuracy").step()).isEqualTo(5);
    assertThat(best.params()).containsKeys("learning_rate", "tribuo.model.class");
    assertThat(printed()).contains("best: " + best.runName());
  }

  @Test
  void registry_rollbackReturnsTheChampionToTheFirstVersion() {
    int champion = RegistryExample.run(dir.resolve("ws"), out);

    assertThat(champion).isEqualTo(1);
    assertThat(printed())
        .contains("compare-and-set v1 -> v2: true; a second writer expecting v1: false")
        .contains("rollback: champion -> v1")
        .contains("ALIAS_ROLLED_BACK");
  }

  @Test
  void features_trainingSetSeesEachValueFromItsEventTimeOn() {
    List<FeatureValue> values = FeaturesExample.run(dir.resolve("ws"), out);

    assertThat(values)
        .extracting(FeatureValue::status)
        .containsExactly(FeatureStatus.NOT_FOUND, FeatureStatus.PRESENT, FeatureStatus.PRESENT);
    assertThat(values.get(1).value()).isEqualTo(24.1);
    assertThat(values.get(2).value()).isEqualTo(25.38);
    assertThat(printed()).contains("online: FeatureValue[value=25.38, status=PRESENT");
  }

  @Test
  void monitoring_flagsExactlyTheShiftedColumns() throws Exception {
    Path ws = dir.resolve("ws");
    DriftReport report = MonitoringExample.run(ws, out);

    assertThat(report.columns().stream().filter(ColumnDrift::drifted).map(ColumnDrift::column))
        .containsExactlyInAnyOrderElementsOf(Demo.SCANNER_SHIFT.keySet());
    assertThat(report.columns()).allSatisfy(c -> assertThat(c.method()).isEqualTo("ks"));
    assertThat(Files.readString(ws.resolve("drift.html"))).contains("mean_texture");
  }

  @Test
  void serving_followsTheAliasAndScoresABatch() {
    ServingExample.Result r = ServingExample.run(dir.resolve("ws"), out);

    assertThat(r.before()).isEqualTo(1);
    assertThat(r.after()).isEqualTo(2);
    assertThat(r.batch().rowsScored()).isEqualTo(171);
    assertThat(r.batch().rowsRejected()).isZero();
    assertThat(r.batch().output()).exists();
  }

  @Test
  void onnx_servesTheScikitLearnModelAsScikitLearnPredicted() {
    OnnxExample.Result r = OnnxExample.run(dir.resolve("ws"), out);

    assertThat(r.version()).isEqualTo(1);
    assertThat(r.predictions()).hasSize(20);
    for (int i = 0; i < r.predictions().size(); i++) {
      // sklearn_predictions.csv: scikit-learn 1.2.1's predict / predict_proba (make_fixtures.py)
      Prediction p = r.predictions().get(i);
      assertThat(p.output()).as("row %d", i).isEqualTo(r.sklearnLabels().get(i));
      assertThat(p.score("yes")).as("row %d", i).isCloseTo(r.sklearnYes().get(i), within(1e-6));
      assertThat(p.score("no")).as("row %d", i).isCloseTo(1 - r.sklearnYes().get(i), within(1e-6));
    }
    assertThat(r.sklearnYes().get(0)).isEqualTo(0.2292202535129409);
    assertThat(printed()).contains("churn v1 (format onnx)").contains("P(yes) = 0.22922");
  }

  @Test
  void validation_anUnprovenImprovementIsNotPromoted() {
    GateResult r = ValidationExample.run(dir.resolve("ws"), out);

    assertThat(r.passed()).isFalse();
    assertThat(r.wasPromoted()).isFalse();
    assertThat(r.failures())
        .singleElement()
        .satisfies(
            f -> assertThat(f.expression()).isEqualTo("accuracy better-than-champion-by 0.0"));
    assertThat(printed()).contains("champion is now v1");
  }

  @Test
  void examplesStartFromAFreshWorkspace() {
    Path ws = dir.resolve("ws");
    RegistryExample.run(ws, out);
    // A second run in the same directory starts again from version 1.
    assertThat(RegistryExample.run(ws, out)).isEqualTo(1);
    assertThat(printed()).contains("registered v1 from run").doesNotContain("registered v3");
  }
}
