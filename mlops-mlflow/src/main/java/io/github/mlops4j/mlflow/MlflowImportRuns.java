package io.github.mlops4j.mlflow;

import io.github.mlops4j.tracking.ArtifactInfo;
import io.github.mlops4j.tracking.ImportedRun;
import io.github.mlops4j.tracking.MetricPoint;
import io.github.mlops4j.tracking.RunInfo;
import io.github.mlops4j.tracking.RunStatus;
import io.github.mlops4j.tracking.Tracker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The tracking half of an import: experiments and runs of an MLflow file store.
 *
 * <p>Layout, from MLflow's {@code mlflow/store/tracking/file_store.py}: {@code <root>/<experiment
 * id>/meta.yaml} (name, lifecycle_stage), {@code <experiment id>/tags/}, and per run {@code
 * <experiment id>/<run id>/meta.yaml} (run_id, experiment_id, run_name, user_id, status as MLflow's
 * integer enum, start_time, end_time, lifecycle_stage, deleted_time, artifact_uri), {@code
 * params/<key>} and {@code tags/<key>} (the value is the whole file), {@code metrics/<key>} (one
 * line per point: {@code timestamp value step}, older stores {@code timestamp value}), {@code
 * artifacts/}; keys with {@code /} are nested directories. Deleted experiments are moved to {@code
 * <root>/.trash/}; {@code <root>/models/} is the model registry.
 */
final class MlflowImportRuns {
  private static final Set<String> NOT_EXPERIMENTS = Set.of(".trash", "models");
  private static final Set<String> NOT_RUNS = Set.of("tags", "datasets", "traces");
  private static final Pattern PY_FLOAT =
      Pattern.compile("-?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?");
  private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,19}");
  private static final String PARENT_TAG = "mlflow.parentRunId";
  private static final String RUN_NAME_TAG = "mlflow.runName";

  private final MlflowImportFiles files;
  private final Tracker tracker;
  private final MlflowImportReport.Counts counts;
  private final boolean dryRun;
  private final int maxPoints;

  /** Run id to its directory, for every run found in an active experiment. */
  private final Map<String, Path> runDirectories = new LinkedHashMap<>();

  MlflowImportRuns(
      MlflowImportFiles files,
      Tracker tracker,
      MlflowImportReport.Counts counts,
      boolean dryRun,
      int maxPoints) {
    this.files = files;
    this.tracker = tracker;
    this.counts = counts;
    this.dryRun = dryRun;
    this.maxPoints = maxPoints;
  }

  Map<String, Path> runDirectories() {
    return runDirectories;
  }

  /** A run found in the store, before its files are read. */
  private record Found(Path dir, String runId, String experimentId, String experiment) {}

  void importAll() {
    Path root = files.root();
    List<Found> found = new ArrayList<>();
    List<Path> experiments;
    try {
      experiments = files.subdirectories(root, this::link);
    } catch (MlflowImportException e) {
      counts.problem(e.file(), MlflowImport.reason(e));
      return;
    }
    for (Path expDir : experiments) {
      String dirName = expDir.getFileName().toString();
      if (NOT_EXPERIMENTS.contains(dirName)) {
        continue;
      }
      try {
        found.addAll(experiment(expDir));
      } catch (MlflowImportException e) {
        counts.problem(e.file(), "experiment not imported: " + MlflowImport.reason(e));
      }
    }
    Path trash = root.resolve(".trash");
    if (files.isDirectory(trash)) {
      for (Path deleted : files.subdirectories(trash, this::link)) {
        counts.problem(
            files.name(deleted), "deleted experiment (in .trash): its runs were not imported");
      }
    }
    // Parents before children, so that a child's parent exists when it is written.
    Map<String, Found> byId = new LinkedHashMap<>();
    found.forEach(f -> byId.put(f.runId(), f));
    Map<String, @Nullable String> parents = new LinkedHashMap<>();
    for (Found f : found) {
      parents.put(f.runId(), parentOf(f));
    }
    Set<String> done = new java.util.HashSet<>();
    for (Found f : found) {
      importWithParents(f, byId, parents, done, 0);
    }
  }

  private void importWithParents(
      Found f,
      Map<String, Found> byId,
      Map<String, @Nullable String> parents,
      Set<String> done,
      int depth) {
    if (!done.add(f.runId())) {
      return;
    }
    String parent = parents.get(f.runId());
    if (parent != null && byId.containsKey(parent) && depth < 100) {
      importWithParents(byId.get(parent), byId, parents, done, depth + 1);
    }
    importRun(f, parent);
  }

  private void link(Path p) {
    counts.problem(
        files.name(p), "is a symbolic link; links are not followed in an imported store");
  }

  private @Nullable String parentOf(Found f) {
    Path tag = f.dir().resolve("tags").resolve(PARENT_TAG);
    if (!Files.isRegularFile(tag, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    try {
      return files.text(tag, 256).trim();
    } catch (MlflowImportException e) {
      return null; // reported when the run's tags are read
    }
  }

  private List<Found> experiment(Path expDir) {
    Map<String, @Nullable String> meta = MlflowImportYaml.read(files, expDir.resolve("meta.yaml"));
    String id = required(meta, "experiment_id", expDir);
    String name = required(meta, "name", expDir);
    if (!id.equals(expDir.getFileName().toString())) {
      throw files.error(
          expDir.resolve("meta.yaml"),
          "experiment_id '" + MlflowImport.cut(id) + "' is not the folder's name");
    }
    if ("deleted".equals(meta.get("lifecycle_stage"))) {
      counts.problem(files.name(expDir), "deleted experiment: its runs were not imported");
      return List.of();
    }
    Map<String, Path> tags = files.files(expDir.resolve("tags"));
    if (!tags.isEmpty()) {
      counts.problem(
          files.name(expDir.resolve("tags")),
          tags.size() + " experiment tag(s) not kept: mlops4j experiments have no tags");
    }
    counts.experiments++;
    List<Found> out = new ArrayList<>();
    for (Path runDir : files.subdirectories(expDir, this::link)) {
      String runId = runDir.getFileName().toString();
      if (NOT_RUNS.contains(runId)) {
        continue;
      }
      out.add(new Found(runDir, runId, id, name));
      runDirectories.put(runId, runDir);
    }
    return out;
  }

  private void importRun(Found f, @Nullable String parent) {
    try {
      Optional<RunInfo> there = tracker.findRun(f.runId());
      if (there.isPresent()) {
        String from = there.get().tags().get(MlflowImport.RUN_ID_TAG);
        if (f.runId().equals(from)) {
          counts.runsAlreadyImported++;
        } else {
          counts.problem(
              files.name(f.dir()),
              "not imported: the workspace has a run with this id that was not imported from"
                  + " MLflow");
        }
        return;
      }
      ImportedRun run = read(f, parent);
      if (!dryRun && !tracker.importRun(run)) {
        counts.runsAlreadyImported++; // imported meanwhile by another import
        return;
      }
      counts.runsImported++;
      counts.importedRunIds.add(run.runId());
      counts.metricPoints += run.metrics().size();
      counts.params += run.params().size();
      counts.tags += run.tags().size();
      counts.artifacts += run.artifacts().size();
    } catch (RuntimeException e) {
      if (!MlflowImport.isRefusal(e)) {
        throw e;
      }
      String file = e instanceof MlflowImportException m ? m.file() : files.name(f.dir());
      counts.problem(file, "run " + f.runId() + " not imported: " + MlflowImport.reason(e));
    }
  }

  private ImportedRun read(Found f, @Nullable String parent) {
    Path dir = f.dir();
    Path metaFile = dir.resolve("meta.yaml");
    Map<String, @Nullable String> meta = MlflowImportYaml.read(files, metaFile);
    String runId = meta.getOrDefault("run_id", meta.get("run_uuid"));
    if (!f.runId().equals(runId)) {
      throw files.error(metaFile, "run_id is not the folder's name");
    }
    String expId = meta.get("experiment_id");
    if (expId != null && !expId.equals(f.experimentId())) {
      throw files.error(metaFile, "experiment_id is not the experiment's folder");
    }
    Map<String, String> tags = pairs(dir.resolve("tags"));
    Map<String, String> params = pairs(dir.resolve("params"));
    ImportedRun.Builder b =
        ImportedRun.builder(f.runId(), f.experiment())
            .status(status(meta.get("status"), metaFile))
            .startTime(Instant.ofEpochMilli(longValue(meta, "start_time", metaFile, 0L)))
            .user(Optional.ofNullable(meta.get("user_id")).orElse(""));
    String end = meta.get("end_time");
    if (end != null) {
      b.endTime(Instant.ofEpochMilli(longValue(meta, "end_time", metaFile, 0L)));
    }
    if ("deleted".equals(meta.get("lifecycle_stage"))) {
      long deleted =
          meta.get("deleted_time") != null
              ? longValue(meta, "deleted_time", metaFile, 0L)
              : longValue(meta, "end_time", metaFile, longValue(meta, "start_time", metaFile, 0L));
      b.deletedTime(Instant.ofEpochMilli(deleted));
    }
    String name = meta.get("run_name");
    if (name == null || name.isEmpty()) {
      name = tags.get(RUN_NAME_TAG);
    }
    if (name != null && !name.isEmpty()) {
      b.runName(name);
    }
    if (parent != null) {
      if (tracker.findRun(parent).isPresent() || (dryRun && runDirectories.containsKey(parent))) {
        b.parent(parent);
      } else {
        counts.problem(
            files.name(dir),
            "parent run "
                + MlflowImport.cut(parent)
                + " is not in the workspace; kept as tag only");
      }
    }
    params.forEach(b::param);
    tags.forEach(b::tag);
    b.tag(MlflowImport.RUN_ID_TAG, f.runId());
    b.tag(MlflowImport.EXPERIMENT_ID_TAG, f.experimentId());
    readMetrics(dir.resolve("metrics"), b);
    Path inputs = dir.resolve("inputs");
    if (files.isDirectory(inputs) && !files.files(inputs).isEmpty()) {
      counts.problem(files.name(inputs), "dataset inputs of the run are not imported");
    }
    for (ArtifactInfo a : artifacts(dir, meta.get("artifact_uri"), f)) {
      b.artifact(a);
    }
    return b.build();
  }

  /** Files under {@code dir}: key (path with {@code /}) to the file's whole content. */
  private Map<String, String> pairs(Path dir) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, Path> e : files.files(dir).entrySet()) {
      out.put(e.getKey(), files.text(e.getValue(), MlflowImport.maxParamOrTagBytes()));
    }
    return out;
  }

  private void readMetrics(Path dir, ImportedRun.Builder b) {
    int points = 0;
    for (Map.Entry<String, Path> e : files.files(dir).entrySet()) {
      Path file = e.getValue();
      try (BufferedReader in =
          new BufferedReader(
              new InputStreamReader(
                  Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS),
                  StandardCharsets.UTF_8
                      .newDecoder()
                      .onMalformedInput(CodingErrorAction.REPORT)
                      .onUnmappableCharacter(CodingErrorAction.REPORT)))) {
        int lineNumber = 0;
        String line;
        while ((line = boundedLine(in, file)) != null) {
          lineNumber++;
          if (line.isBlank()) {
            continue;
          }
          if (++points > maxPoints) {
            throw files.error(
                file,
                "the run has more than " + maxPoints + " metric points (maxMetricPointsPerRun)");
          }
          b.metric(point(e.getKey(), line, file, lineNumber));
        }
      } catch (IOException ex) {
        throw new MlflowImportException(
            files.name(file), "cannot be read as UTF-8 text: " + ex.getMessage(), ex);
      }
    }
  }

  private @Nullable String boundedLine(BufferedReader in, Path file) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        return line.toString();
      }
      if (line.length() >= MlflowImport.MAX_METRIC_LINE) {
        throw files.error(
            file, "has a line longer than " + MlflowImport.MAX_METRIC_LINE + " characters");
      }
      line.append((char) c);
    }
    return line.length() == 0 ? null : line.toString();
  }

  /** One line of a metric file: {@code timestamp value [step]}, separated by single spaces. */
  private MetricPoint point(String key, String line, Path file, int lineNumber) {
    String[] parts = line.strip().split(" ", -1);
    if (parts.length != 2 && parts.length != 3) {
      throw files.error(
          file, "line " + lineNumber + " has " + parts.length + " fields; expected 2 or 3");
    }
    if (!INTEGER.matcher(parts[0]).matches()
        || (parts.length == 3 && !INTEGER.matcher(parts[2]).matches())) {
      throw files.error(file, "line " + lineNumber + ": timestamp and step must be integers");
    }
    try {
      long ts = Long.parseLong(parts[0]);
      long step = parts.length == 3 ? Long.parseLong(parts[2]) : 0L;
      return new MetricPoint(
          key, value(parts[1], file, lineNumber), step, Instant.ofEpochMilli(ts));
    } catch (NumberFormatException | java.time.DateTimeException ex) {
      throw files.error(
          file, "line " + lineNumber + ": " + MlflowImport.cut(String.valueOf(ex.getMessage())));
    }
  }

  /** A value as Python's {@code str(float)} writes it ({@code nan}, {@code inf}, {@code 1e-05}). */
  private double value(String s, Path file, int lineNumber) {
    switch (s.toLowerCase(java.util.Locale.ROOT)) {
      case "nan":
        return Double.NaN;
      case "inf":
      case "infinity":
        return Double.POSITIVE_INFINITY;
      case "-inf":
      case "-infinity":
        return Double.NEGATIVE_INFINITY;
      default:
        if (s.length() > 40 || !PY_FLOAT.matcher(s).matches()) {
          throw files.error(
              file, "line " + lineNumber + ": '" + MlflowImport.cut(s) + "' is not a number");
        }
        return Double.parseDouble(s);
    }
  }

  /** MLflow's RunStatus: an integer enum in meta.yaml (RUNNING=1 ... KILLED=5) or its name. */
  private RunStatus status(@Nullable String s, Path metaFile) {
    if (s == null) {
      return RunStatus.RUNNING; // MLflow reads a missing status as RUNNING
    }
    switch (s) {
      case "1":
      case "RUNNING":
        return RunStatus.RUNNING;
      case "2":
      case "SCHEDULED":
        counts.problem(files.name(metaFile), "status SCHEDULED imported as RUNNING");
        return RunStatus.RUNNING;
      case "3":
      case "FINISHED":
        return RunStatus.FINISHED;
      case "4":
      case "FAILED":
        return RunStatus.FAILED;
      case "5":
      case "KILLED":
        return RunStatus.KILLED;
      default:
        throw files.error(metaFile, "status '" + MlflowImport.cut(s) + "' is not an MLflow status");
    }
  }

  private List<ArtifactInfo> artifacts(Path dir, @Nullable String artifactUri, Found f) {
    Path local = dir.resolve("artifacts");
    boolean inStore =
        artifactUri == null
            || artifactUri.isEmpty()
            || (MlflowImportFiles.localPath(artifactUri) != null
                && artifactUri.endsWith("/" + f.experimentId() + "/" + f.runId() + "/artifacts"));
    if (!inStore) {
      counts.problem(
          files.name(dir),
          "artifacts at '"
              + MlflowImport.cut(String.valueOf(artifactUri))
              + "' are outside the store and were not copied");
    }
    return MlflowImport.storeArtifacts(files, tracker, files.files(local), dryRun);
  }

  private String required(Map<String, @Nullable String> meta, String key, Path dir) {
    String v = meta.get(key);
    if (v == null || v.isEmpty()) {
      throw files.error(dir.resolve("meta.yaml"), "has no " + key);
    }
    return v;
  }

  private long longValue(Map<String, @Nullable String> meta, String key, Path file, long orElse) {
    String v = meta.get(key);
    if (v == null) {
      return orElse;
    }
    if (!INTEGER.matcher(v).matches()) {
      throw files.error(file, key + " '" + MlflowImport.cut(v) + "' is not an integer");
    }
    try {
      return Long.parseLong(v); // every long is an Instant.ofEpochMilli
    } catch (NumberFormatException e) {
      throw files.error(file, key + " '" + MlflowImport.cut(v) + "' is out of range");
    }
  }
}
