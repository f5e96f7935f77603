package io.github.mlops4j.openlineage;

import io.github.mlops4j.data.DatasetVersion;
import io.github.mlops4j.features.FeatureView;
import io.github.mlops4j.features.Field;
import io.github.mlops4j.features.Materialization;
import io.github.mlops4j.registry.AuditEntry;
import io.github.mlops4j.registry.ModelLineage;
import io.github.mlops4j.registry.RegistryEvent;
import io.github.mlops4j.tracking.RunEvent;
import io.github.mlops4j.tracking.RunInput;
import io.github.mlops4j.tracking.RunStatus;
import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineage.InputDataset;
import io.openlineage.client.OpenLineage.OutputDataset;
import io.openlineage.client.OpenLineage.RunEvent.EventType;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Turns mlops4j's events into OpenLineage run events. Used by the emitter's thread only: the state
 * it keeps (the job of each run seen, the inputs of running runs) is bounded and not shared.
 */
final class LineageEvents {
  /** The producer URI every event and facet carries. */
  static final URI PRODUCER =
      URI.create("https://github.com/mlops4j/mlops4j/tree/main/mlops-openlineage");

  /** OpenLineage's namespace for files on a local file system (its naming spec). */
  static final String FILE_NAMESPACE = "file";

  /** Runs whose job (experiment) and inputs are remembered, at most. */
  static final int REMEMBERED_RUNS = 10_000;

  /** Inputs remembered per running run, at most. */
  static final int INPUTS_PER_RUN = 1_000;

  private final OpenLineage ol = new OpenLineage(PRODUCER);
  private final String namespace;
  private final Map<String, String> jobOfRun = bounded();
  private final Map<String, List<RunInput>> inputsOfRun = bounded();

  LineageEvents(String namespace) {
    this.namespace = namespace;
  }

  private static <V> Map<String, V> bounded() {
    return new LinkedHashMap<>(16, 0.75f, false) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > REMEMBERED_RUNS;
      }
    };
  }

  // ---------------------------------------------------------------- tracking

  List<OpenLineage.RunEvent> run(RunEvent event) {
    if (event instanceof RunEvent.Started s) {
      jobOfRun.put(s.runId(), s.experiment());
      OpenLineage.RunFacetsBuilder facets = ol.newRunFacetsBuilder();
      String parentRunId = s.parentRunId();
      if (parentRunId != null) {
        String parentJob = jobOfRun.get(parentRunId);
        facets.parent(parent(parentRunId, parentJob == null ? s.experiment() : parentJob));
      }
      return List.of(
          event(EventType.START, s.time(), s.runId(), facets, s.experiment(), "TRAINING").build());
    }
    if (event instanceof RunEvent.InputLogged i) {
      List<RunInput> inputs = inputsOfRun.computeIfAbsent(i.runId(), k -> new ArrayList<>());
      if (inputs.size() < INPUTS_PER_RUN) {
        inputs.add(i.input());
      }
      return List.of();
    }
    RunEvent.Ended e = (RunEvent.Ended) event;
    String job = jobOfRun.getOrDefault(e.runId(), "unknown");
    List<RunInput> inputs = Optional.ofNullable(inputsOfRun.remove(e.runId())).orElse(List.of());
    OpenLineage.RunFacetsBuilder facets = ol.newRunFacetsBuilder();
    EventType type =
        switch (e.status()) {
          case FAILED -> EventType.FAIL;
          case KILLED -> EventType.ABORT;
          case FINISHED, RUNNING -> EventType.COMPLETE;
        };
    if (e.status() == RunStatus.FAILED) {
      facets.errorMessage(
          ol.newErrorMessageRunFacet(
              Objects.requireNonNullElse(e.error(), "failed"), "Java", (String) null));
    }
    List<InputDataset> in = new ArrayList<>();
    for (RunInput input : inputs) {
      in.add(dataset(input.dataset(), input.context()));
    }
    return List.of(event(type, e.time(), e.runId(), facets, job, "TRAINING").inputs(in).build());
  }

  private InputDataset dataset(DatasetVersion d, String role) {
    OpenLineage.DatasetFacetsBuilder facets =
        ol.newDatasetFacetsBuilder()
            .version(ol.newDatasetVersionDatasetFacet(d.digest()))
            .datasetType(ol.newDatasetTypeDatasetFacet("FILE", role.isEmpty() ? null : role));
    return ol.newInputDatasetBuilder()
        .namespace(FILE_NAMESPACE)
        .name(d.source())
        .facets(facets.build())
        .inputFacets(
            ol.newInputDatasetInputFacetsBuilder()
                .inputStatistics(
                    ol.newInputStatisticsInputDatasetFacet(
                        d.rowCount(), d.sizeBytes(), d.fileCount()))
                .build())
        .build();
  }

  // ---------------------------------------------------------------- registry

  /**
   * A registry change as a run of the job {@code registry.<model>}: a registered version is its
   * output (with the producing run's datasets as inputs and that run as parent); an alias change
   * reads the version and writes the alias.
   *
   * @param lineage the registered version's lineage, read by the caller; null for other changes or
   *     when it could not be read
   */
  List<OpenLineage.RunEvent> registry(RegistryEvent event, @Nullable ModelLineage lineage) {
    AuditEntry a = event.entry();
    String job = "registry." + a.model();
    OpenLineage.RunFacetsBuilder facets = ol.newRunFacetsBuilder().tags(tags(a));
    List<InputDataset> in = new ArrayList<>();
    List<OutputDataset> out = new ArrayList<>();
    if (event instanceof RegistryEvent.VersionRegistered r) {
      out.add(model(a.model(), r.version(), lineage == null ? null : lineage.version().digest()));
      io.github.mlops4j.tracking.RunInfo producer = lineage == null ? null : lineage.run();
      if (lineage != null && producer != null) {
        String runId = producer.runId();
        String parentJob = jobOfRun.get(runId);
        if (parentJob != null) {
          facets.parent(parent(runId, parentJob));
        }
        for (RunInput input : lineage.datasets()) {
          in.add(dataset(input.dataset(), input.context()));
        }
      }
    } else if (event instanceof RegistryEvent.AliasChanged c) {
      Integer now = c.currentVersion();
      if (now != null) {
        in.add(modelInput(a.model(), now));
      }
      out.add(
          ol.newOutputDatasetBuilder()
              .namespace(namespace)
              .name("models/" + a.model() + "@" + c.alias())
              .facets(
                  ol.newDatasetFacetsBuilder()
                      .datasetType(ol.newDatasetTypeDatasetFacet("MODEL_ALIAS", null))
                      .version(
                          ol.newDatasetVersionDatasetFacet(now == null ? "deleted" : "v" + now))
                      .build())
              .build());
    } else {
      Integer version = a.version();
      if (version != null) {
        out.add(model(a.model(), version, null));
      }
    }
    UUID id =
        UUID.nameUUIDFromBytes(
            ("registry/" + a.sequence() + "/" + a.model()).getBytes(StandardCharsets.UTF_8));
    return List.of(
        event(EventType.COMPLETE, a.time(), id, facets, job, "MODEL_REGISTRY")
            .inputs(in)
            .outputs(out)
            .build());
  }

  private OpenLineage.TagsRunFacet tags(AuditEntry a) {
    List<OpenLineage.TagsRunFacetFields> t = new ArrayList<>();
    t.add(ol.newTagsRunFacetFields("mlops4j.action", a.action().name(), "mlops4j"));
    t.add(ol.newTagsRunFacetFields("mlops4j.actor", a.actor(), "mlops4j"));
    t.add(ol.newTagsRunFacetFields("mlops4j.sequence", Long.toString(a.sequence()), "mlops4j"));
    Integer version = a.version();
    if (version != null) {
      t.add(ol.newTagsRunFacetFields("mlops4j.version", version.toString(), "mlops4j"));
    }
    String alias = a.alias();
    if (alias != null) {
      t.add(ol.newTagsRunFacetFields("mlops4j.alias", alias, "mlops4j"));
    }
    Integer previous = a.previousVersion();
    if (previous != null) {
      t.add(ol.newTagsRunFacetFields("mlops4j.previous_version", previous.toString(), "mlops4j"));
    }
    String comment = a.comment();
    if (comment != null) {
      t.add(ol.newTagsRunFacetFields("mlops4j.comment", comment, "mlops4j"));
    }
    return ol.newTagsRunFacet(t);
  }

  private OutputDataset model(String model, int version, @Nullable String digest) {
    return ol.newOutputDatasetBuilder()
        .namespace(namespace)
        .name("models/" + model + "/" + version)
        .facets(modelFacets(version, digest))
        .build();
  }

  private InputDataset modelInput(String model, int version) {
    return ol.newInputDatasetBuilder()
        .namespace(namespace)
        .name("models/" + model + "/" + version)
        .facets(modelFacets(version, null))
        .build();
  }

  private OpenLineage.DatasetFacets modelFacets(int version, @Nullable String digest) {
    return ol.newDatasetFacetsBuilder()
        .datasetType(ol.newDatasetTypeDatasetFacet("MODEL", null))
        .version(ol.newDatasetVersionDatasetFacet(digest == null ? "v" + version : digest))
        .build();
  }

  // ---------------------------------------------------------------- features

  /**
   * A materialization as a run of the job {@code features.materialize.<view>}: reads the view's
   * offline rows, writes its online store.
   *
   * @param view the view's definition, for the schema facet; null when it could not be read
   */
  List<OpenLineage.RunEvent> materialization(
      Materialization m, Instant time, @Nullable FeatureView view) {
    OpenLineage.DatasetFacetsBuilder facets = ol.newDatasetFacetsBuilder();
    if (view != null) {
      List<OpenLineage.SchemaDatasetFacetFields> fields = new ArrayList<>();
      for (Field f : view.entities()) {
        fields.add(field(f, "entity key"));
      }
      for (Field f : view.features()) {
        fields.add(field(f, null));
      }
      facets.schema(ol.newSchemaDatasetFacet(fields));
    }
    Instant watermark = m.watermark();
    if (watermark != null) {
      facets.version(ol.newDatasetVersionDatasetFacet(watermark.toString()));
    }
    OpenLineage.DatasetFacets datasetFacets = facets.build();
    InputDataset in =
        ol.newInputDatasetBuilder()
            .namespace(namespace)
            .name("features/" + m.view() + "/offline")
            .facets(datasetFacets)
            .inputFacets(
                ol.newInputDatasetInputFacetsBuilder()
                    .inputStatistics(
                        ol.newInputStatisticsInputDatasetFacet(m.rowsRead(), null, null))
                    .build())
            .build();
    OutputDataset out =
        ol.newOutputDatasetBuilder()
            .namespace(namespace)
            .name("features/" + m.view() + "/online")
            .facets(datasetFacets)
            .outputFacets(
                ol.newOutputDatasetOutputFacetsBuilder()
                    .outputStatistics(
                        ol.newOutputStatisticsOutputDatasetFacet(m.entitiesWritten(), null, null))
                    .build())
            .build();
    UUID id =
        UUID.nameUUIDFromBytes(
            ("materialize/" + m.view() + "/" + m.previousWatermark() + "/" + m.watermark())
                .getBytes(StandardCharsets.UTF_8));
    return List.of(
        event(
                EventType.COMPLETE,
                time,
                id,
                ol.newRunFacetsBuilder(),
                "features.materialize." + m.view(),
                "FEATURE_MATERIALIZATION")
            .inputs(List.of(in))
            .outputs(List.of(out))
            .build());
  }

  private OpenLineage.SchemaDatasetFacetFields field(Field f, @Nullable String description) {
    return ol.newSchemaDatasetFacetFields(
        f.name(), f.type().name().toLowerCase(Locale.ROOT), description, null, null);
  }

  // ---------------------------------------------------------------- shared

  private OpenLineage.ParentRunFacet parent(String runId, String job) {
    return ol.newParentRunFacetBuilder()
        .run(ol.newParentRunFacetRunBuilder().runId(uuid(runId)).build())
        .job(ol.newParentRunFacetJobBuilder().namespace(namespace).name(job).build())
        .build();
  }

  private OpenLineage.RunEventBuilder event(
      EventType type,
      Instant time,
      String runId,
      OpenLineage.RunFacetsBuilder facets,
      String job,
      String jobType) {
    return event(type, time, uuid(runId), facets, job, jobType);
  }

  private OpenLineage.RunEventBuilder event(
      EventType type,
      Instant time,
      UUID runId,
      OpenLineage.RunFacetsBuilder facets,
      String job,
      String jobType) {
    return ol.newRunEventBuilder()
        .eventType(type)
        .eventTime(ZonedDateTime.ofInstant(time, ZoneOffset.UTC))
        .run(ol.newRunBuilder().runId(runId).facets(facets.build()).build())
        .job(
            ol.newJobBuilder()
                .namespace(namespace)
                .name(job)
                .facets(
                    ol.newJobFacetsBuilder()
                        .jobType(ol.newJobTypeJobFacet("BATCH", "MLOPS4J", jobType, null))
                        .build())
                .build())
        .inputs(List.of())
        .outputs(List.of());
  }

  /**
   * The OpenLineage run id of an mlops4j run: its id is a UUID without dashes; any other id (an
   * imported run) maps to a name-based UUID of it.
   */
  static UUID uuid(String runId) {
    if (runId.length() == 32 && runId.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      return UUID.fromString(
          runId.substring(0, 8)
              + "-"
              + runId.substring(8, 12)
              + "-"
              + runId.substring(12, 16)
              + "-"
              + runId.substring(16, 20)
              + "-"
              + runId.substring(20));
    }
    return UUID.nameUUIDFromBytes(("run/" + runId).getBytes(StandardCharsets.UTF_8));
  }
}
