package io.github.mlops4j.openlineage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mlops4j.data.DatasetVersion;
import io.github.mlops4j.features.FeatureRow;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.features.FeatureView;
import io.github.mlops4j.features.ValueType;
import io.github.mlops4j.openlineage.testing.LineageSchema;
import io.github.mlops4j.registry.ModelArtifact;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.tracking.Run;
import io.github.mlops4j.tracking.Tracker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tracker, registry and feature store observed by one emitter writing to a file: every event is
 * valid against OpenLineage's JSON schema and carries the job, run, inputs, outputs and parent the
 * catalogs read.
 */
class LineageFileTransportTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void runsRegistryChangesAndMaterializations_areSchemaValidEvents() throws Exception {
    Path data = Files.writeString(dir.resolve("train.csv"), "x,y\n1,0\n2,1\n3,0\n");
    Path modelFile = Files.writeString(dir.resolve("model.bin"), "weights");
    Path events = dir.resolve("lineage/events.jsonl");
    Files.createDirectories(events.getParent());
    DatasetVersion train = DatasetVersion.of(data);
    String parentId;
    String childId;
    String failedId;
    ModelVersion registered;
    LineageEmitter lineage;
    try (Store store = Store.open(dir.resolve("ws"));
        Tracker tracker = Tracker.builder().store(store).captureEnvironment(false).build();
        ModelRegistry registry =
            ModelRegistry.builder().store(store).pollInterval(Duration.ZERO).build();
        FeatureStore features = FeatureStore.builder().store(store).build();
        LineageEmitter emitter =
            LineageEmitter.builder()
                .namespace("team-a")
                .transport(LineageTransport.file(events))
                .build()) {
      lineage = emitter;
      emitter.observe(tracker);
      emitter.observe(registry);
      emitter.observe(features);

      try (Run parent = tracker.startRun("churn")) {
        parentId = parent.id();
        parent.logInput(train, "train");
        try (Run child = parent.newChildRun().name("fold-1").start()) {
          childId = child.id();
        }
        registered =
            registry.register("churn-model", ModelArtifact.file(modelFile, "bin"), parentId);
      }
      registry.setAlias("churn-model", "champion", registered.version());
      Run failed = tracker.startRun("churn");
      failedId = failed.id();
      failed.fail(new IllegalStateException("diverged"));

      features.apply(
          FeatureView.builder("customer")
              .entity("customer_id", ValueType.STRING)
              .feature("spend", ValueType.DOUBLE)
              .ttl(Duration.ofDays(1))
              .build());
      Instant t = Instant.parse("2025-01-01T00:00:00Z");
      features.write(
          "customer", List.of(FeatureRow.of(Map.of("customer_id", "c1"), t, Map.of("spend", 1.5))));
      features.materialize(t.plusSeconds(60));
      assertThat(emitter.flush(Duration.ofSeconds(30))).isTrue();
    }
    assertThat(lineage.droppedEvents()).isZero();

    List<String> lines = Files.readAllLines(events, StandardCharsets.UTF_8);
    LineageSchema schema = new LineageSchema();
    List<JsonNode> all = new ArrayList<>();
    for (String line : lines) {
      assertThat(schema.errors(line)).as(line).isEmpty();
      all.add(JSON.readTree(line));
    }
    // parent START, child START + COMPLETE, parent COMPLETE, model created, version registered,
    // alias set, failed START + FAIL, materialization
    assertThat(all).hasSize(10);
    assertThat(lineage.sentEvents()).isEqualTo(10);

    JsonNode parentEnd = one(all, LineageEvents.uuid(parentId).toString(), "COMPLETE");
    assertThat(parentEnd.at("/job/namespace").asText()).isEqualTo("team-a");
    assertThat(parentEnd.at("/job/name").asText()).isEqualTo("churn");
    JsonNode input = parentEnd.at("/inputs/0");
    assertThat(input.at("/namespace").asText()).isEqualTo("file");
    assertThat(input.at("/name").asText()).isEqualTo(data.toAbsolutePath().normalize().toString());
    assertThat(input.at("/facets/version/datasetVersion").asText()).isEqualTo(train.digest());
    assertThat(input.at("/facets/datasetType/subType").asText()).isEqualTo("train");
    assertThat(input.at("/inputFacets/inputStatistics/rowCount").asLong()).isEqualTo(3);

    JsonNode childStart = one(all, LineageEvents.uuid(childId).toString(), "START");
    assertThat(childStart.at("/run/facets/parent/run/runId").asText())
        .isEqualTo(LineageEvents.uuid(parentId).toString());
    assertThat(childStart.at("/run/facets/parent/job/name").asText()).isEqualTo("churn");

    JsonNode fail = one(all, LineageEvents.uuid(failedId).toString(), "FAIL");
    assertThat(fail.at("/run/facets/errorMessage/message").asText()).contains("diverged");

    assertThat(byJob(all, "registry.churn-model")).hasSize(3);
    JsonNode registration = byJob(all, "registry.churn-model").get(1);
    assertThat(registration.at("/outputs/0/name").asText()).isEqualTo("models/churn-model/1");
    assertThat(registration.at("/outputs/0/facets/version/datasetVersion").asText())
        .isEqualTo(registered.digest());
    assertThat(registration.at("/inputs/0/facets/version/datasetVersion").asText())
        .isEqualTo(train.digest());
    assertThat(registration.at("/run/facets/parent/run/runId").asText())
        .isEqualTo(LineageEvents.uuid(parentId).toString());
    JsonNode alias = byJob(all, "registry.churn-model").get(2);
    assertThat(alias.at("/run/facets/tags/tags/0/value").asText()).isEqualTo("ALIAS_SET");
    assertThat(alias.at("/inputs/0/name").asText()).isEqualTo("models/churn-model/1");
    assertThat(alias.at("/outputs/0/name").asText()).isEqualTo("models/churn-model@champion");

    JsonNode materialized = byJob(all, "features.materialize.customer").get(0);
    assertThat(materialized.at("/inputs/0/name").asText()).isEqualTo("features/customer/offline");
    assertThat(materialized.at("/outputs/0/name").asText()).isEqualTo("features/customer/online");
    assertThat(materialized.at("/outputs/0/facets/schema/fields/1/name").asText())
        .isEqualTo("spend");
    assertThat(materialized.at("/outputs/0/outputFacets/outputStatistics/rowCount").asLong())
        .isEqualTo(1);
  }

  @Test
  void theValidatorRefusesEventsOutsideTheSchema() throws Exception {
    Path events = dir.resolve("one.jsonl");
    try (Tracker tracker = Tracker.builder().workspace(dir.resolve("ws2")).build();
        LineageEmitter emitter =
            LineageEmitter.builder().transport(LineageTransport.file(events)).build()) {
      emitter.observe(tracker);
      tracker.startRun("e").close();
      assertThat(emitter.flush(Duration.ofSeconds(30))).isTrue();
    }
    String valid = Files.readAllLines(events, StandardCharsets.UTF_8).get(0);
    LineageSchema schema = new LineageSchema();
    assertThat(schema.errors(valid)).isEmpty();
    // a run id that is not a UUID, a facet without its producer, an unknown event type
    assertThat(schema.errors(valid.replaceFirst("\"runId\":\"[^\"]+\"", "\"runId\":\"run-1\"")))
        .isNotEmpty();
    assertThat(schema.errors(valid.replaceFirst("\"_producer\":\"[^\"]+\",", ""))).isNotEmpty();
    assertThat(schema.errors(valid.replace("\"START\"", "\"BEGUN\""))).isNotEmpty();
    // a facet whose required field is missing
    assertThat(schema.errors(valid.replace("\"processingType\":\"BATCH\",", ""))).isNotEmpty();
  }

  private static JsonNode one(List<JsonNode> events, String runId, String type) {
    return events.stream()
        .filter(e -> e.at("/run/runId").asText().equals(runId))
        .filter(e -> e.at("/eventType").asText().equals(type))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type + " event of run " + runId));
  }

  private static List<JsonNode> byJob(List<JsonNode> events, String job) {
    return events.stream().filter(e -> e.at("/job/name").asText().equals(job)).toList();
  }
}
