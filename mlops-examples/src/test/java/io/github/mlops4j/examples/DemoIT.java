package io.github.mlops4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mlops4j.monitoring.DriftRecorder;
import io.github.mlops4j.openlineage.testing.LineageSchema;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.tracking.RunInfo;
import io.github.mlops4j.tracking.Tracker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the whole demo in its small configuration and checks the outcomes it prints. */
class DemoIT {
  @TempDir Path dir;

  @Test
  void theWholeLoop_driftOnTheShiftedFeaturesOnly_promotionServes_rollbackRestores()
      throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Demo.Outcome outcome =
        Demo.run(
            Demo.Options.small(dir.resolve("ws")),
            new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String printed = bytes.toString(StandardCharsets.UTF_8);

    // drift is found on exactly the shifted features, and not in the unshifted traffic
    assertThat(outcome.driftedFeatures())
        .containsExactlyInAnyOrderElementsOf(Demo.SCANNER_SHIFT.keySet());
    assertThat(outcome.quietWindowDrifted()).isEmpty();
    assertThat(Files.readString(outcome.driftReport())).contains("mean_texture", "mean_smoothness");

    // the retrained version was promoted and served, then the rollback restored the first one
    assertThat(outcome.championVersion()).isEqualTo(1);
    assertThat(outcome.challengerVersion()).isEqualTo(2);
    assertThat(outcome.servedAfterPromotion()).isEqualTo(outcome.challengerVersion());
    assertThat(outcome.servedAfterRollback()).isEqualTo(outcome.championVersion());
    assertThat(outcome.championAfterRollback()).isEqualTo(outcome.championVersion());

    assertThat(printed)
        .contains(
            "[1/6]",
            "[2/6]",
            "[3/6]",
            "[4/6]",
            "[5/6]",
            "[6/6]",
            "Validation gate PASSED",
            "PROMOTED",
            "rollback: champion -> v1",
            "mlops_drift_score{feature=\"mean_texture\"",
            "rows scored, 2 rejected",
            "OpenLineage events");

    assertLineage(Demo.lineageFile(dir.resolve("ws")));

    // every evaluated window was kept in the workspace for the console's drift page
    try (Store store = Store.open(dir.resolve("ws"));
        Tracker tracker = Tracker.builder().store(store).captureEnvironment(false).build()) {
      List<RunInfo> windows = tracker.searchRuns(DriftRecorder.EXPERIMENT, "");
      assertThat(windows).isNotEmpty();
      assertThat(windows)
          .allSatisfy(r -> assertThat(r.tags()).containsEntry(DriftRecorder.MODEL_TAG, Demo.MODEL));
      assertThat(windows)
          .anySatisfy(r -> assertThat(r.metrics().get("drift.dataset").value()).isEqualTo(1.0));
    }
  }

  /**
   * The loop's lineage: every event valid against OpenLineage's JSON schema, each tracking run
   * started and ended, the registered versions with the training data as inputs, the alias moves
   * and the materialization of the feature view.
   */
  private static void assertLineage(Path file) throws Exception {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    LineageSchema schema = new LineageSchema();
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> events = new ArrayList<>();
    for (String line : lines) {
      assertThat(schema.errors(line)).as(line).isEmpty();
      events.add(json.readTree(line));
    }
    List<JsonNode> training =
        events.stream().filter(e -> e.at("/job/name").asText().equals(Demo.EXPERIMENT)).toList();
    long started = training.stream().filter(e -> type(e).equals("START")).count();
    long ended = training.stream().filter(e -> !type(e).equals("START")).count();
    assertThat(started).isGreaterThanOrEqualTo(4).isEqualTo(ended); // 3 candidates + retraining
    assertThat(training)
        .filteredOn(e -> type(e).equals("COMPLETE"))
        .anySatisfy(
            e ->
                assertThat(e.at("/inputs").findValuesAsText("name"))
                    .anySatisfy(n -> assertThat(n).endsWith("data/train.csv")));
    List<JsonNode> registry =
        events.stream()
            .filter(e -> e.at("/job/name").asText().equals("registry." + Demo.MODEL))
            .toList();
    assertThat(registry)
        .anySatisfy(
            e -> {
              assertThat(e.at("/outputs/0/name").asText()).isEqualTo("models/breast-cancer/1");
              assertThat(e.at("/inputs").size()).isGreaterThan(0);
              assertThat(e.at("/run/facets/parent/job/name").asText()).isEqualTo(Demo.EXPERIMENT);
            })
        .anySatisfy(
            e -> assertThat(e.at("/outputs/0/name").asText()).isEqualTo("models/breast-cancer/2"))
        .anySatisfy(
            e ->
                assertThat(e.at("/outputs/0/name").asText())
                    .isEqualTo("models/breast-cancer@champion"));
    assertThat(events)
        .anySatisfy(
            e ->
                assertThat(e.at("/job/name").asText())
                    .isEqualTo("features.materialize." + Demo.VIEW));
  }

  private static String type(JsonNode event) {
    return event.at("/eventType").asText();
  }

  @Test
  void runningTwiceInTheSameWorkspaceStartsAfresh() {
    Path ws = dir.resolve("again");
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    Demo.Outcome first = Demo.run(Demo.Options.small(ws), quiet);
    Demo.Outcome second = Demo.run(Demo.Options.small(ws), quiet);

    assertThat(second.championVersion()).isEqualTo(first.championVersion()).isEqualTo(1);
    assertThat(second.challengerVersion()).isEqualTo(2);
    assertThat(second.driftedFeatures()).isEqualTo(first.driftedFeatures());
  }
}
