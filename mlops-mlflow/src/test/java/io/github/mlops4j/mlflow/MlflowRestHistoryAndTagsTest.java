package io.github.mlops4j.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.tracking.MetricPoint;
import io.github.mlops4j.tracking.Run;
import io.github.mlops4j.tracking.Tracker;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code metrics/get-history} pages through the tracker's paged history, and tags in mlops4j's own
 * namespace are refused from clients with MLflow's {@code INVALID_PARAMETER_VALUE}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MlflowRestHistoryAndTagsTest {
  @TempDir static Path workspace;
  private Tracker tracker;
  private ModelRegistry registry;
  private RestCalls api;
  private int experiments;

  @BeforeAll
  void open() {
    tracker = Tracker.builder().workspace(workspace).captureEnvironment(false).build();
    registry = ModelRegistry.open(workspace);
    api = new RestCalls(MlflowRestApi.builder().tracker(tracker).registry(registry).build(), "bob");
  }

  @AfterAll
  void close() {
    registry.close();
    tracker.close();
  }

  private String newRun(String extra) {
    String exp =
        api.post("experiments/create", "{\"name\": \"h-" + (++experiments) + "\"}")
            .json()
            .path("experiment_id")
            .asText();
    return api.post("runs/create", "{\"experiment_id\": \"" + exp + "\"" + extra + "}")
        .json()
        .path("run")
        .path("info")
        .path("run_id")
        .asText();
  }

  @Test
  void getHistory_pagesAreTheTrackersPages() {
    Run run = tracker.startRun("history");
    for (int i = 0; i < 30; i++) {
      run.logMetric("loss", i, i, Instant.ofEpochMilli(1_000 + i));
    }
    assertThat(tracker.flush(Duration.ofSeconds(30))).isTrue();
    List<Long> steps = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      String query =
          "run_id="
              + run.id()
              + "&metric_key=loss&max_results=7"
              + (token == null ? "" : "&page_token=" + token);
      JsonNode page = api.get("metrics/get-history", query).json();
      assertThat(page.path("metrics").size()).isLessThanOrEqualTo(7);
      page.path("metrics").forEach(m -> steps.add(m.path("step").asLong()));
      String next = page.has("next_page_token") ? page.path("next_page_token").asText() : null;
      if (next != null) {
        // the token continues the tracker's own paged read of the series
        List<MetricPoint> fromTracker = tracker.metricHistory(run.id(), "loss", 7, next).points();
        assertThat(fromTracker.get(0).step()).isEqualTo(steps.size());
      }
      token = next;
      pages++;
    } while (token != null);
    assertThat(pages).isEqualTo(5);
    assertThat(steps).hasSize(30).isSorted();
    assertThat(
            api.get("metrics/get-history", "run_id=" + run.id() + "&metric_key=loss&page_token=7")
                .errorCode())
        .isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(
            api.get("metrics/get-history", "run_id=" + run.id() + "&metric_key=loss&max_results=0")
                .errorCode())
        .isEqualTo("INVALID_PARAMETER_VALUE");
    run.close();
  }

  @Test
  void reservedTags_areRefusedEverywhereAClientSetsTags_andNothingIsStored() {
    String id = newRun("");
    assertThat(
            api.post(
                    "runs/set-tag",
                    "{\"run_id\": \"" + id + "\", \"key\": \"mlops.user\", \"value\": \"mallory\"}")
                .errorCode())
        .isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(
            api.post(
                    "runs/log-batch",
                    "{\"run_id\": \""
                        + id
                        + "\", \"params\": [{\"key\": \"lr\", \"value\": \"1\"}],"
                        + " \"tags\": [{\"key\": \"mlops.end_reason\", \"value\": \"x\"}]}")
                .errorCode())
        .isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(
            api.post("runs/delete-tag", "{\"run_id\": \"" + id + "\", \"key\": \"mlops.user\"}")
                .errorCode())
        .isEqualTo("INVALID_PARAMETER_VALUE");
    var stored = tracker.findRun(id).orElseThrow();
    assertThat(stored.tags()).containsEntry(Tracker.USER_TAG, "bob");
    assertThat(stored.tags()).doesNotContainKey(Tracker.END_REASON_TAG);
    assertThat(stored.params()).isEmpty();

    assertThat(
            api.post(
                    "runs/create",
                    "{\"tags\": [{\"key\": \"mlops.mlflow.source\", \"value\": \"forged\"}]}")
                .errorCode())
        .isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(
            api.post(
                    "registered-models/create",
                    "{\"name\": \"m\", \"tags\": [{\"key\": \"mlops.mlflow.stage\", \"value\": \"x\"}]}")
                .errorCode())
        .isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(registry.findModel("m")).isEmpty();

    // the exporter's own namespace stays open, so an export into this API works
    assertThat(
            api.post(
                    "runs/set-tag",
                    "{\"run_id\": \""
                        + id
                        + "\", \"key\": \"mlops.export.runId\", \"value\": \"abc\"}")
                .status())
        .isEqualTo(200);
    assertThat(MlflowExport.targetTag("mlops.user")).isEqualTo("mlops.export.source.user");
    assertThat(MlflowExport.targetTag("team")).isEqualTo("team");
    assertThat(MlflowExport.targetTag(MlflowExport.COMPLETE_TAG))
        .isEqualTo(MlflowExport.COMPLETE_TAG);
  }
}
