package io.github.mlops4j.mlflow;

import io.github.mlops4j.MlopsException;
import io.github.mlops4j.artifacts.StoredArtifact;
import io.github.mlops4j.internal.Checks;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.tracking.ArtifactInfo;
import io.github.mlops4j.tracking.Tracker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Imports an MLflow file store (the {@code mlruns/} directory that MLflow's tracking and model
 * registry write when given a local path) into a workspace.
 *
 * <pre>{@code
 * MlflowImportReport report =
 *     MlflowImport.builder()
 *         .source(Path.of("mlruns"))
 *         .tracker(tracker)
 *         .registry(registry)        // optional: registered models, versions and aliases
 *         .build()
 *         .run();
 * report.problems().forEach(p -> log.warn("{}: {}", p.file(), p.reason()));
 * }</pre>
 *
 * <p><b>What is imported.</b> Every active experiment (by name) and its runs with MLflow's run id
 * as the run id, status, start and end times, user, name, params, tags, every metric point with its
 * timestamp and step, deleted runs as deleted runs, parents ({@code mlflow.parentRunId}), and the
 * files under the run's {@code artifacts/} folder, copied into the workspace's artifact store. Each
 * run gets the tags {@value #RUN_ID_TAG} and {@value #EXPERIMENT_ID_TAG}. With a registry:
 * registered models (description, tags), their versions (the model's files from the version's
 * source when that is inside the store, zipped as format {@value #MODEL_FORMAT}, or stored as is
 * for a single file; description, tags, the run when it was imported) and aliases. A version keeps
 * its MLflow number in the tag {@value #VERSION_TAG} (mlops4j numbers versions itself) and its
 * stage-era {@code current_stage} in {@value #STAGE_TAG}; an {@code Archived} version is archived.
 *
 * <p><b>What is reported instead.</b> Deleted experiments ({@code .trash}), experiment tags,
 * dataset inputs, artifacts stored outside the store ({@code s3:}, a different {@code
 * artifact_uri}), versions whose source is not in the store, deleted versions, aliases that already
 * point elsewhere in the registry, and every run or version that could not be read: each is a
 * {@link MlflowImportReport.Problem} naming the file.
 *
 * <p><b>Idempotent and restartable.</b> A run is written in one transaction, after its artifacts
 * are stored (content-addressed, so storing them again adds nothing): an import stopped at any
 * point leaves each run either complete or absent, and running it again imports what is missing and
 * nothing twice. A run whose id is in the workspace already is left as it is; a version whose
 * {@value #VERSION_TAG} is found on a version of its model is left as it is. Two imports of the
 * same store must not run at the same time (versions could then be registered twice).
 *
 * <p><b>Untrusted input.</b> The store is read as hostile files: symbolic links are never followed
 * (a run holding one is not imported), every file is read with a size limit, {@code meta.yaml}
 * through a bounded parser that refuses anchors, aliases, explicit tags, duplicate keys and deep
 * nesting, metric lines are at most {@value #MAX_METRIC_LINE} characters, and names are checked by
 * the tracker and registry as for any caller. A run that breaks a rule is not imported (nothing of
 * it is written) and the problem names its file.
 *
 * @since 0.1.0
 */
public final class MlflowImport {
  /** Run tag holding the MLflow run id. */
  public static final String RUN_ID_TAG = "mlflow.import.runId";

  /** Run tag holding the MLflow experiment id. */
  public static final String EXPERIMENT_ID_TAG = "mlflow.import.experimentId";

  /** Model version tag holding the MLflow version number. */
  public static final String VERSION_TAG = "mlflow.import.version";

  /**
   * Model version tag holding the MLflow stage ({@code Staging}, {@code Production}, ...): the tag
   * {@link MlflowRestApi} reads a version's {@code current_stage} from.
   */
  public static final String STAGE_TAG = MlflowModels.STAGE_TAG;

  /**
   * Model version tag holding the MLflow source URI of the version, as {@link MlflowRestApi} keeps
   * it.
   */
  public static final String SOURCE_TAG = MlflowModels.SOURCE_TAG;

  /** Format of a version whose source is a directory: a zip of that directory's files. */
  public static final String MODEL_FORMAT = MlflowModels.ZIP_FORMAT;

  /** Format of a version whose source is a single file. */
  public static final String MODEL_FILE_FORMAT = MlflowModels.FILE_FORMAT;

  /** Longest metric line read (timestamp, value and step of one point). */
  public static final int MAX_METRIC_LINE = 200;

  /** Default of {@link Builder#maxMetricPointsPerRun}. */
  public static final int DEFAULT_MAX_METRIC_POINTS_PER_RUN = 1_000_000;

  private static final int MAX_PARAM_OR_TAG_BYTES = 64 * 1024;

  private final Path source;
  private final Tracker tracker;
  private final @Nullable ModelRegistry registry;
  private final boolean dryRun;
  private final int maxMetricPointsPerRun;

  private MlflowImport(Builder b) {
    this.source = Objects.requireNonNull(b.source);
    this.tracker = Objects.requireNonNull(b.tracker);
    this.registry = b.registry;
    this.dryRun = b.dryRun;
    this.maxMetricPointsPerRun = b.maxMetricPointsPerRun;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Imports the store.
   *
   * @return what was imported and what could not be
   * @throws MlflowImportException if the source is not a readable directory
   */
  public MlflowImportReport run() {
    Path root;
    try {
      root = source.toRealPath();
    } catch (IOException e) {
      throw new MlflowImportException(
          cut(source.toString()), "the MLflow store cannot be read: " + e.getMessage(), e);
    }
    if (!Files.isDirectory(root)) {
      throw new MlflowImportException(cut(source.toString()), "is not a directory");
    }
    MlflowImportFiles files = new MlflowImportFiles(root);
    MlflowImportReport.Counts counts = new MlflowImportReport.Counts(dryRun);
    MlflowImportRuns runs =
        new MlflowImportRuns(files, tracker, counts, dryRun, maxMetricPointsPerRun);
    runs.importAll();
    Path models = root.resolve("models");
    if (files.isDirectory(models)) {
      if (registry == null) {
        counts.problem("models", "registered models were not imported: no registry was given");
      } else {
        new MlflowImportModels(files, tracker, registry, counts, dryRun, runs.runDirectories())
            .importAll(models);
      }
    }
    return counts.report();
  }

  static String cut(String value) {
    return value.length() <= 100
        ? value
        : value.substring(0, 100) + "...(" + value.length() + " chars)";
  }

  /** A short message for a problem, from an exception thrown while importing. */
  static String reason(RuntimeException e) {
    String m = e instanceof MlflowImportException i ? stripFile(i) : String.valueOf(e.getMessage());
    return cut(m);
  }

  private static String stripFile(MlflowImportException e) {
    String m = String.valueOf(e.getMessage());
    String prefix = e.file() + ": ";
    return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
  }

  /** Whether an exception thrown by the tracker or registry is about the imported data. */
  static boolean isRefusal(RuntimeException e) {
    return e instanceof IllegalArgumentException
        || e instanceof MlflowImportException
        || (e instanceof MlopsException && !(e instanceof io.github.mlops4j.store.StoreException));
  }

  /** Stores a run's artifact files; returns them as the run's artifacts. */
  static List<ArtifactInfo> storeArtifacts(
      MlflowImportFiles files, Tracker tracker, Map<String, Path> artifactFiles, boolean dryRun) {
    List<ArtifactInfo> out = new ArrayList<>();
    for (Map.Entry<String, Path> e : artifactFiles.entrySet()) {
      if (dryRun) {
        out.add(new ArtifactInfo(e.getKey(), "0".repeat(64), 0));
        continue;
      }
      StoredArtifact stored;
      // Opened without following links: a file swapped for a link since it was listed is refused.
      try (java.io.InputStream in =
          Files.newInputStream(e.getValue(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        stored = tracker.store().artifacts().put(in);
      } catch (IOException ex) {
        throw new MlflowImportException(
            files.name(e.getValue()),
            "cannot be read: " + cut(String.valueOf(ex.getMessage())),
            ex);
      }
      out.add(new ArtifactInfo(e.getKey(), stored.digest(), stored.sizeBytes()));
    }
    return out;
  }

  /**
   * Settings of an {@link MlflowImport}. Required: {@link #source} and {@link #tracker}.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private @Nullable Path source;
    private @Nullable Tracker tracker;
    private @Nullable ModelRegistry registry;
    private boolean dryRun;
    private int maxMetricPointsPerRun = DEFAULT_MAX_METRIC_POINTS_PER_RUN;

    private Builder() {}

    /** The MLflow store's root: the directory MLflow was given as tracking URI (often mlruns). */
    public Builder source(Path source) {
      this.source = Objects.requireNonNull(source, "source");
      return this;
    }

    /** The tracker runs are imported into; its store receives the artifacts. */
    public Builder tracker(Tracker tracker) {
      this.tracker = Objects.requireNonNull(tracker, "tracker");
      return this;
    }

    /**
     * The registry that receives registered models, versions and aliases, on the tracker's
     * workspace. Without one, a store's models are reported and not imported.
     */
    public Builder registry(ModelRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * Reads and checks everything and reports what would be imported, writing nothing (default
     * false). Names and values are checked by the tracker and registry only when written, so a dry
     * run may report fewer problems than the import.
     */
    public Builder dryRun(boolean dryRun) {
      this.dryRun = dryRun;
      return this;
    }

    /**
     * Most metric points read from one run (default {@value
     * MlflowImport#DEFAULT_MAX_METRIC_POINTS_PER_RUN}); a run with more is not imported. Bounds the
     * memory one run takes (about 100 bytes per point).
     */
    public Builder maxMetricPointsPerRun(int maxMetricPointsPerRun) {
      this.maxMetricPointsPerRun =
          Checks.atLeast(maxMetricPointsPerRun, 1, "maxMetricPointsPerRun");
      return this;
    }

    /**
     * The import, ready to {@link MlflowImport#run()}.
     *
     * @throws IllegalStateException if the source or the tracker is missing
     */
    public MlflowImport build() {
      if (source == null) {
        throw Checks.missing("MlflowImport.Builder", "source", "source(path)");
      }
      if (tracker == null) {
        throw Checks.missing("MlflowImport.Builder", "tracker", "tracker(tracker)");
      }
      return new MlflowImport(this);
    }
  }

  static int maxParamOrTagBytes() {
    return MAX_PARAM_OR_TAG_BYTES;
  }
}
