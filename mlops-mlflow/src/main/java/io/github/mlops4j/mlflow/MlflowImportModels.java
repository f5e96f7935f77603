package io.github.mlops4j.mlflow;

import io.github.mlops4j.registry.ModelArtifact;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelStatus;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.tracking.Tracker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The registry half of an import: registered models, versions and aliases.
 *
 * <p>Layout, from MLflow's {@code mlflow/store/model_registry/file_store.py}: {@code
 * <root>/models/<name>/meta.yaml} (name, description, creation_timestamp), {@code <name>/tags/},
 * {@code <name>/aliases/<alias>} (the file holds the version number), {@code
 * <name>/version-<n>/meta.yaml} (version, source, run_id, description, current_stage, with {@code
 * Deleted_Internal} for a deleted version, storage_location) and {@code version-<n>/tags/}.
 */
final class MlflowImportModels {
  private static final Pattern VERSION_DIR = Pattern.compile("version-([1-9][0-9]{0,8})");
  private static final Pattern RUNS_URI = Pattern.compile("runs:/([A-Za-z0-9_-]{1,64})/(.*)");
  private static final String DELETED_STAGE = "Deleted_Internal";

  /**
   * Tag of a version registered from an {@code Archived} MLflow version until it is archived: the
   * registry registers and archives in two steps, and an import stopped between them leaves the
   * version with this tag, so the next import archives it (then removes the tag).
   */
  static final String ARCHIVE_PENDING_TAG = "mlflow.import.archivePending";

  /** DOS time of 1980-01-01 for every zip entry, so the same files make the same zip. */
  private final MlflowImportFiles files;

  private final Tracker tracker;
  private final ModelRegistry registry;
  private final MlflowImportReport.Counts counts;
  private final boolean dryRun;
  private final Map<String, Path> runDirectories;

  MlflowImportModels(
      MlflowImportFiles files,
      Tracker tracker,
      ModelRegistry registry,
      MlflowImportReport.Counts counts,
      boolean dryRun,
      Map<String, Path> runDirectories) {
    this.files = files;
    this.tracker = tracker;
    this.registry = registry;
    this.counts = counts;
    this.dryRun = dryRun;
    this.runDirectories = runDirectories;
  }

  void importAll(Path models) {
    List<Path> dirs;
    try {
      dirs = files.subdirectories(models, this::link);
    } catch (MlflowImportException e) {
      counts.problem(e.file(), MlflowImport.reason(e));
      return;
    }
    for (Path dir : dirs) {
      try {
        importModel(dir);
      } catch (RuntimeException e) {
        if (!MlflowImport.isRefusal(e)) {
          throw e;
        }
        String file = e instanceof MlflowImportException m ? m.file() : files.name(dir);
        counts.problem(file, "model not imported: " + MlflowImport.reason(e));
      }
    }
  }

  private void importModel(Path dir) {
    Map<String, @Nullable String> meta = MlflowImportYaml.read(files, dir.resolve("meta.yaml"));
    String name = meta.get("name");
    if (name == null || !name.equals(dir.getFileName().toString())) {
      throw files.error(dir.resolve("meta.yaml"), "name is not the folder's name");
    }
    String description = meta.get("description");
    Map<String, String> tags = pairs(dir.resolve("tags"));
    if (registry.findModel(name).isEmpty()) {
      if (!dryRun) {
        registry.createModel(name, description == null ? "" : description);
      }
      counts.modelsCreated++;
    }
    if (!dryRun) {
      Map<String, String> there = registry.findModel(name).map(m -> m.tags()).orElse(Map.of());
      for (Map.Entry<String, String> t : tags.entrySet()) {
        if (!t.getValue().equals(there.get(t.getKey()))) {
          registry.setModelTag(name, t.getKey(), t.getValue());
        }
      }
    }
    Map<Integer, Integer> numbers = importedNumbers(name);
    TreeMap<Integer, Path> versions = new TreeMap<>();
    for (Path v : files.subdirectories(dir, this::link)) {
      Matcher m = VERSION_DIR.matcher(v.getFileName().toString());
      if (m.matches()) {
        versions.put(Integer.parseInt(m.group(1)), v);
      }
    }
    for (Map.Entry<Integer, Path> v : versions.entrySet()) {
      try {
        importVersion(name, v.getKey(), v.getValue(), numbers);
      } catch (RuntimeException e) {
        if (!MlflowImport.isRefusal(e)) {
          throw e;
        }
        String file = e instanceof MlflowImportException m ? m.file() : files.name(v.getValue());
        counts.problem(file, "version not imported: " + MlflowImport.reason(e));
      }
    }
    importAliases(name, dir.resolve("aliases"), numbers);
  }

  private void link(Path p) {
    counts.problem(
        files.name(p), "is a symbolic link; links are not followed in an imported store");
  }

  /** MLflow version number to mlops4j version number, for versions imported earlier. */
  private Map<Integer, Integer> importedNumbers(String name) {
    Map<Integer, Integer> out = new HashMap<>();
    if (registry.findModel(name).isEmpty()) {
      return out;
    }
    for (ModelVersion v : registry.versions(name)) {
      String n = v.tags().get(MlflowImport.VERSION_TAG);
      if (n != null && n.matches("[1-9][0-9]{0,8}")) {
        out.putIfAbsent(Integer.parseInt(n), v.version());
      }
    }
    return out;
  }

  private void importVersion(String name, int number, Path dir, Map<Integer, Integer> numbers) {
    Integer imported = numbers.get(number);
    if (imported != null) {
      counts.versionsAlreadyImported++;
      if (!dryRun) {
        registry
            .getVersion(name, imported)
            .filter(v -> v.tags().containsKey(ARCHIVE_PENDING_TAG))
            .ifPresent(this::finishArchive);
      }
      return;
    }
    Path metaFile = dir.resolve("meta.yaml");
    Map<String, @Nullable String> meta = MlflowImportYaml.read(files, metaFile);
    if (!Integer.toString(number).equals(meta.get("version"))) {
      throw files.error(metaFile, "version is not the folder's number");
    }
    String stage = meta.get("current_stage");
    if (DELETED_STAGE.equals(stage)) {
      counts.problem(files.name(dir), "deleted version " + number + " not imported");
      return;
    }
    String source = meta.get("source");
    if (source == null || source.isEmpty()) {
      source = meta.get("storage_location");
    }
    if (source == null || source.isEmpty()) {
      throw files.error(metaFile, "has no source");
    }
    Path content = resolve(source, metaFile);
    Map<String, String> tags = pairs(dir.resolve("tags"));
    String runId = meta.get("run_id");
    if (runId != null && !runId.isEmpty() && tracker.findRun(runId).isEmpty() && !dryRun) {
      counts.problem(
          files.name(dir),
          "run "
              + MlflowImport.cut(runId)
              + " is not in the workspace; version registered without it");
      runId = null;
    }
    if (dryRun) {
      counts.versionsImported++;
      numbers.put(number, -number);
      return;
    }
    Path zip = null;
    try {
      Path file = content;
      String format = MlflowModels.FILE_FORMAT;
      if (Files.isDirectory(content, LinkOption.NOFOLLOW_LINKS)) {
        zip = zip(content);
        file = zip;
        format = MlflowModels.ZIP_FORMAT;
      }
      String description = meta.get("description");
      ModelArtifact artifact =
          ModelArtifact.file(file, format).description(description == null ? "" : description);
      for (Map.Entry<String, String> t : tags.entrySet()) {
        artifact = artifact.tag(t.getKey(), t.getValue());
      }
      artifact = artifact.tag(MlflowImport.VERSION_TAG, Integer.toString(number));
      artifact = artifact.tag(MlflowModels.SOURCE_TAG, MlflowImport.cut(source));
      String created = meta.get("creation_timestamp");
      if (created != null && created.matches("[0-9]{1,15}")) {
        artifact =
            artifact.tag(
                "mlflow.import.creationTime",
                Instant.ofEpochMilli(Long.parseLong(created)).toString());
      }
      if (stage != null && !stage.isEmpty() && !"None".equals(stage)) {
        artifact = artifact.tag(MlflowModels.STAGE_TAG, stage);
      }
      boolean archive = "Archived".equalsIgnoreCase(stage);
      if (archive) {
        artifact = artifact.tag(ARCHIVE_PENDING_TAG, "true");
      }
      ModelVersion v = registry.register(name, artifact, runId);
      numbers.put(number, v.version());
      counts.versionsImported++;
      if (archive) {
        finishArchive(v);
      }
    } finally {
      if (zip != null) {
        try {
          Files.deleteIfExists(zip);
        } catch (IOException e) {
          counts.problem(files.name(dir), "temporary zip not deleted: " + zip);
        }
      }
    }
  }

  /** Archives a version registered with {@link #ARCHIVE_PENDING_TAG}, then removes that tag. */
  private void finishArchive(ModelVersion v) {
    if (v.status() != ModelStatus.ARCHIVED) {
      registry.archive(v.modelName(), v.version());
    }
    registry.setVersionTag(v.modelName(), v.version(), ARCHIVE_PENDING_TAG, null);
  }

  /** The version's files in the store, refusing a source outside it. */
  private Path resolve(String source, Path metaFile) {
    Path candidate = null;
    Matcher runs = RUNS_URI.matcher(source);
    if (runs.matches()) {
      Path runDir = runDirectories.get(runs.group(1));
      if (runDir != null) {
        candidate = runDir.resolve("artifacts");
        for (String part : runs.group(2).split("/", -1)) {
          if (part.equals("..")) {
            throw files.error(metaFile, "source '" + MlflowImport.cut(source) + "' leaves the run");
          }
          if (!part.isEmpty() && !part.equals(".")) {
            candidate = candidate.resolve(part);
          }
        }
      }
    } else {
      Path local = MlflowImportFiles.localPath(source);
      if (local != null) {
        candidate = inStoreLayout(local);
      }
    }
    Path inside = candidate == null ? null : files.insideRoot(candidate);
    if (inside == null) {
      throw files.error(
          metaFile,
          "source '"
              + MlflowImport.cut(source)
              + "' is not inside the store; its files were not copied");
    }
    return inside;
  }

  /**
   * A local source path of a store that was moved: {@code .../<exp id>/<run id>/artifacts/<path>}
   * of a run found in this store maps to that run's folder here; any other path must itself be
   * inside the store.
   */
  private Path inStoreLayout(Path local) {
    Path normal = local.normalize();
    for (int i = 0; i + 2 < normal.getNameCount(); i++) {
      String runId = normal.getName(i + 1).toString();
      Path runDir = runDirectories.get(runId);
      if (runDir != null
          && normal.getName(i + 2).toString().equals("artifacts")
          && String.valueOf(runDir.getParent() == null ? null : runDir.getParent().getFileName())
              .equals(normal.getName(i).toString())) {
        Path out = runDir.resolve("artifacts");
        for (int j = i + 3; j < normal.getNameCount(); j++) {
          out = out.resolve(normal.getName(j).toString());
        }
        return out;
      }
    }
    return normal;
  }

  private void importAliases(String name, Path dir, Map<Integer, Integer> numbers) {
    Map<String, String> aliases = pairs(dir);
    Map<String, Integer> there =
        dryRun || registry.findModel(name).isEmpty() ? Map.of() : registry.aliases(name);
    for (Map.Entry<String, String> a : aliases.entrySet()) {
      String file = files.name(dir.resolve(a.getKey()));
      String text = a.getValue().trim();
      if (!text.matches("[1-9][0-9]{0,8}")) {
        counts.problem(
            file, "alias not imported: '" + MlflowImport.cut(text) + "' is not a version");
        continue;
      }
      Integer target = numbers.get(Integer.parseInt(text));
      if (target == null) {
        counts.problem(file, "alias not imported: version " + text + " was not imported");
        continue;
      }
      Integer current = there.get(a.getKey());
      if (target.equals(current)) {
        continue;
      }
      if (current != null) {
        counts.problem(
            file,
            "alias not imported: it points to version " + current + " in the registry; left as is");
        continue;
      }
      try {
        if (!dryRun) {
          registry.setAlias(name, a.getKey(), target);
        }
        counts.aliasesSet++;
      } catch (RuntimeException e) {
        if (!MlflowImport.isRefusal(e)) {
          throw e;
        }
        counts.problem(file, "alias not imported: " + MlflowImport.reason(e));
      }
    }
  }

  private Map<String, String> pairs(Path dir) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, Path> e : files.files(dir).entrySet()) {
      out.put(e.getKey(), files.text(e.getValue(), MlflowImport.maxParamOrTagBytes()));
    }
    return out;
  }

  /** A zip of the directory's files, sorted, with fixed times: the same files, the same bytes. */
  private Path zip(Path dir) {
    java.util.SortedMap<String, MlflowModels.Content> entries = new java.util.TreeMap<>();
    files
        .files(dir)
        .forEach(
            (n, f) -> entries.put(n, () -> Files.newInputStream(f, LinkOption.NOFOLLOW_LINKS)));
    Path zip = null;
    try {
      zip = Files.createTempFile("mlflow-model-", ".zip");
      MlflowModels.zip(zip, entries);
      return zip;
    } catch (IOException e) {
      if (zip != null) {
        try {
          Files.deleteIfExists(zip);
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw new MlflowImportException(files.name(dir), "cannot be zipped: " + e.getMessage(), e);
    }
  }
}
