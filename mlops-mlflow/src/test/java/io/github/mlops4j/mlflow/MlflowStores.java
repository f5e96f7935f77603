package io.github.mlops4j.mlflow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes MLflow file stores as MLflow writes them, for the tests. Each format is taken from
 * MLflow's source: {@code mlflow/store/tracking/file_store.py} for experiments and runs, {@code
 * mlflow/store/model_registry/file_store.py} for registered models; meta.yaml files are written
 * here in the shape {@code yaml.safe_dump} gives them (plain scalars, keys sorted).
 */
final class MlflowStores {
  private final Path root;

  MlflowStores(Path root) {
    this.root = root;
  }

  Path root() {
    return root;
  }

  static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code <root>/<id>/meta.yaml} as FileStore._create_experiment_with_id writes it (the dict of
   * mlflow.entities.Experiment without its tags); experiment tags are files under {@code tags/}
   * (FileStore.set_experiment_tag).
   */
  Path experiment(String id, String name, String lifecycleStage, Map<String, String> tags) {
    Path dir = root.resolve(id);
    write(
        dir.resolve("meta.yaml"),
        "artifact_location: file://"
            + dir
            + "\ncreation_time: 1700000000000\nexperiment_id: '"
            + id
            + "'\nlast_update_time: 1700000000000\nlifecycle_stage: "
            + lifecycleStage
            + "\nname: "
            + name
            + "\n");
    tags.forEach((k, v) -> write(dir.resolve("tags").resolve(k), v));
    return dir;
  }

  /**
   * A run folder as FileStore.create_run and _overwrite_run_info write it: meta.yaml holds the
   * RunInfo dict with {@code status} as MLflow's integer RunStatus (RUNNING=1, SCHEDULED=2,
   * FINISHED=3, FAILED=4, KILLED=5, see _make_persisted_run_info_dict) and an empty {@code tags}
   * list; deleted runs have lifecycle_stage deleted and a deleted_time.
   */
  Path run(
      String expId, String runId, String name, int status, long start, Long end, boolean deleted) {
    Path dir = root.resolve(expId).resolve(runId);
    write(
        dir.resolve("meta.yaml"),
        "artifact_uri: file://"
            + dir.resolve("artifacts")
            + "\nend_time: "
            + (end == null ? "null" : end.toString())
            + (deleted ? "\ndeleted_time: " + (end == null ? start : end) : "")
            + "\nentry_point_name: ''\nexperiment_id: '"
            + expId
            + "'\nlifecycle_stage: "
            + (deleted ? "deleted" : "active")
            + "\nrun_id: "
            + runId
            + "\nrun_name: "
            + name
            + "\nrun_uuid: "
            + runId
            + "\nsource_name: ''\nsource_type: 4\nsource_version: ''\nstart_time: "
            + start
            + "\nstatus: "
            + status
            + "\ntags: []\nuser_id: alice\n");
    // FileStore.create_run also sets the run name tag.
    write(dir.resolve("tags").resolve("mlflow.runName"), name);
    return dir;
  }

  /** {@code params/<key>}: the value is the whole file (FileStore._log_run_param). */
  static void param(Path run, String key, String value) {
    write(run.resolve("params").resolve(key), value);
  }

  /** {@code tags/<key>}: the value is the whole file, no newline (FileStore._set_run_tag). */
  static void tag(Path run, String key, String value) {
    write(run.resolve("tags").resolve(key), value);
  }

  /**
   * {@code metrics/<key>}: one line per point, {@code "timestamp value step\n"}
   * (FileStore._log_run_metric; _get_metric_from_line also reads two fields, step 0).
   */
  static void metric(Path run, String key, String lines) {
    write(run.resolve("metrics").resolve(key), lines);
  }

  static void artifact(Path run, String path, String content) {
    write(run.resolve("artifacts").resolve(path), content);
  }

  /**
   * {@code models/<name>/meta.yaml} (FileStore._save_registered_model_as_meta_file: the
   * RegisteredModel dict without tags and latest_versions).
   */
  Path model(String name, String description) {
    Path dir = root.resolve("models").resolve(name);
    write(
        dir.resolve("meta.yaml"),
        "creation_timestamp: 1700000000000\ndescription: "
            + description
            + "\nlast_updated_timestamp: 1700000000000\nname: "
            + name
            + "\n");
    return dir;
  }

  /**
   * {@code models/<name>/version-<n>/meta.yaml} (FileStore.create_model_version: the
   * FileModelVersion dict without tags; current_stage None at creation, Deleted_Internal once
   * deleted).
   */
  static Path version(Path model, int version, String source, String runId, String stage) {
    Path dir = model.resolve("version-" + version);
    write(
        dir.resolve("meta.yaml"),
        "creation_timestamp: 1700000100000\ncurrent_stage: "
            + stage
            + "\ndescription: v"
            + version
            + "\nlast_updated_timestamp: 1700000100000\nname: "
            + model.getFileName()
            + "\nrun_id: "
            + runId
            + "\nrun_link: null\nsource: "
            + source
            + "\nstatus: READY\nstatus_message: null\nstorage_location: "
            + source
            + "\nuser_id: null\nversion: "
            + version
            + "\n");
    return dir;
  }

  /** {@code models/<name>/aliases/<alias>}: the file holds the version number. */
  static void alias(Path model, String alias, int version) {
    write(model.resolve("aliases").resolve(alias), Integer.toString(version));
  }
}
