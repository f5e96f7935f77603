package io.github.mlops4j.examples;

import io.github.mlops4j.data.DatasetVersion;
import io.github.mlops4j.examples.BreastCancer.Sample;
import io.github.mlops4j.examples.BreastCancer.Split;
import io.github.mlops4j.examples.Models.Candidate;
import io.github.mlops4j.features.EntityRow;
import io.github.mlops4j.features.FeatureRow;
import io.github.mlops4j.features.FeatureStatus;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.features.FeatureValue;
import io.github.mlops4j.features.FeatureView;
import io.github.mlops4j.features.Materialization;
import io.github.mlops4j.features.OnlineFeatures;
import io.github.mlops4j.features.TrainingRow;
import io.github.mlops4j.features.ValueType;
import io.github.mlops4j.monitoring.DriftListener;
import io.github.mlops4j.monitoring.DriftRecorder;
import io.github.mlops4j.monitoring.Monitor;
import io.github.mlops4j.monitoring.PredictionTask;
import io.github.mlops4j.monitoring.WindowInfo;
import io.github.mlops4j.monitoring.WindowSpec;
import io.github.mlops4j.monitoring.WindowSummary;
import io.github.mlops4j.monitoring.drift.ColumnDrift;
import io.github.mlops4j.monitoring.drift.DriftReport;
import io.github.mlops4j.monitoring.metrics.MonitorMetrics;
import io.github.mlops4j.monitoring.metrics.PerformanceMetrics;
import io.github.mlops4j.monitoring.profile.Profile;
import io.github.mlops4j.monitoring.profile.ProfileDrift;
import io.github.mlops4j.monitoring.profile.ProfileDriftMethod;
import io.github.mlops4j.monitoring.profile.ProfileSchema;
import io.github.mlops4j.openlineage.LineageEmitter;
import io.github.mlops4j.openlineage.LineageTransport;
import io.github.mlops4j.registry.AuditEntry;
import io.github.mlops4j.registry.FeatureSpec;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelSignature;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.registry.training.RetrainingEvent;
import io.github.mlops4j.registry.training.RetrainingListener;
import io.github.mlops4j.registry.training.RetrainingLoop;
import io.github.mlops4j.registry.training.RetrainingOutcome;
import io.github.mlops4j.registry.validation.Holdout;
import io.github.mlops4j.registry.validation.Rule;
import io.github.mlops4j.registry.validation.ValidationGate;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.Prediction;
import io.github.mlops4j.serving.PredictionEvent;
import io.github.mlops4j.serving.PredictionListener;
import io.github.mlops4j.serving.ServingEvent;
import io.github.mlops4j.serving.batch.BatchJob;
import io.github.mlops4j.serving.batch.BatchResult;
import io.github.mlops4j.serving.metrics.MicrometerServingMeters;
import io.github.mlops4j.serving.monitoring.MonitorListener;
import io.github.mlops4j.serving.routing.CanaryPolicy;
import io.github.mlops4j.serving.routing.Routing;
import io.github.mlops4j.serving.routing.Target;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.tracking.Run;
import io.github.mlops4j.tracking.RunInfo;
import io.github.mlops4j.tracking.RunQuery;
import io.github.mlops4j.tracking.Tracker;
import io.github.mlops4j.tracking.TribuoProvenance;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.DoubleUnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluation;

/**
 * The whole loop in one program, on the Breast Cancer Wisconsin (Diagnostic) data set: track three
 * trainings, register the best as {@code champion}, build a point-in-time training set and
 * materialize features, serve with feature enrichment and score a batch file, detect drift in a
 * shifted request stream, retrain on fresh data, gate, canary, promote and roll back.
 *
 * <p>Run it with {@code mvn -B -q -pl mlops-examples -am -DskipTests -Pdemo verify}, or {@code Demo
 * --workspace DIR [--small]}. The workspace is <b>deleted and recreated</b> at the start of every
 * run, so running twice gives the same output (numbers that measure time aside). The data set is
 * real; what it cannot show is generated from it with fixed seeds: event times of the feature
 * history, the request streams, the shifted ("new scanner") data and the fresh training data.
 */
public final class Demo {
  /** Registered model name. */
  public static final String MODEL = "breast-cancer";

  /** Tracking experiment name. */
  public static final String EXPERIMENT = "breast-cancer-diagnosis";

  /** Feature view holding the {@code worst_*} measurements by sample id. */
  public static final String VIEW = "cell_nuclei";

  /** The features the shifted stream changes: a recalibrated scanner. */
  public static final Map<String, DoubleUnaryOperator> SCANNER_SHIFT = shift();

  /** First diagnosis time of the generated feature history. */
  static final Instant HISTORY_START = Instant.parse("2025-01-06T00:00:00Z");

  private static final Logger TRIBUO_LOG = Logger.getLogger("org.tribuo");

  private final Options options;
  private final Out out;

  private Demo(Options options, PrintStream stream) {
    this.options = options;
    this.out = new Out(stream);
  }

  /**
   * How big a run is.
   *
   * @param workspace the workspace directory; deleted and recreated at the start
   * @param seed seed of every generated sample and of the trainers
   * @param batchRows rows of the batch scoring file
   * @param windowRows rows per monitoring window
   * @param lookups online lookups, and normal-traffic predictions, timed for the latency figures
   */
  public record Options(Path workspace, long seed, int batchRows, int windowRows, int lookups) {
    /** Checks the values. */
    public Options {
      Objects.requireNonNull(workspace, "workspace");
      if (batchRows < 1 || windowRows < 50 || lookups < 1) {
        throw new IllegalArgumentException(
            "Need batchRows >= 1, windowRows >= 50 and lookups >= 1,"
                + " had "
                + batchRows
                + ", "
                + windowRows
                + " and "
                + lookups);
      }
    }

    /** The full demo: 100,000 batch rows, windows of 400 requests, 5,000 timed lookups. */
    public static Options full(Path workspace) {
      return new Options(workspace, 42, 100_000, 400, 5_000);
    }

    /** A smaller run for tests: 2,000 batch rows, windows of 300, 200 timed lookups. */
    public static Options small(Path workspace) {
      return new Options(workspace, 42, 2_000, 300, 200);
    }
  }

  /**
   * What a run showed, for tests.
   *
   * @param championVersion the version registered and promoted in step 2
   * @param shiftedFeatures the features the shifted stream changed
   * @param driftedFeatures the features the monitor flagged in the first drifted window
   * @param quietWindowDrifted features flagged in any window of unshifted traffic (none expected)
   * @param driftReport the HTML drift report
   * @param challengerVersion the version retraining registered as {@code challenger}
   * @param servedAfterPromotion the version a prediction reported after the promotion
   * @param servedAfterRollback the version a prediction reported after the rollback
   * @param championAfterRollback the version the {@code champion} alias holds at the end
   */
  public record Outcome(
      int championVersion,
      List<String> shiftedFeatures,
      List<String> driftedFeatures,
      List<String> quietWindowDrifted,
      Path driftReport,
      int challengerVersion,
      int servedAfterPromotion,
      int servedAfterRollback,
      int championAfterRollback) {
    /** Copies the lists. */
    public Outcome {
      shiftedFeatures = List.copyOf(shiftedFeatures);
      driftedFeatures = List.copyOf(driftedFeatures);
      quietWindowDrifted = List.copyOf(quietWindowDrifted);
    }
  }

  /**
   * Runs the demo: {@code --workspace DIR} (default {@code target/demo-workspace}), {@code --small}
   * for the small configuration. Exits non-zero on failure.
   */
  public static void main(String[] args) {
    Path workspace = Path.of("target", "demo-workspace");
    boolean small = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--workspace" -> {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException("--workspace needs a directory");
          }
          workspace = Path.of(args[++i]);
        }
        case "--small" -> small = true;
        default ->
            throw new IllegalArgumentException(
                "Unknown argument '" + args[i] + "'; use --workspace DIR and --small");
      }
    }
    run(small ? Options.small(workspace) : Options.full(workspace), System.out);
  }

  /** Runs the demo with {@code options}, printing to {@code stream}. */
  public static Outcome run(Options options, PrintStream stream) {
    TRIBUO_LOG.setLevel(Level.WARNING); // Tribuo logs every training epoch through JUL
    return new Demo(options, stream).run();
  }

  private Outcome run() {
    long started = System.nanoTime();
    Path workspace = options.workspace().toAbsolutePath().normalize();
    Examples.wipe(workspace);
    try {
      Files.createDirectories(lineageFile(workspace).getParent());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.raw("mlops4j demo: track, register, serve, monitor, retrain, roll back");
    out.raw("workspace: " + workspace + " (deleted and recreated at every run)");

    List<Sample> all = BreastCancer.load();
    Split split = BreastCancer.split(all, 0.3, options.seed());
    Map<String, Sample> byId = new LinkedHashMap<>();
    all.forEach(s -> byId.put(s.id(), s));
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (Store store = Store.open(workspace);
        Tracker tracker = Tracker.builder().store(store).build();
        ModelRegistry registry = ModelRegistry.builder().store(store).build();
        FeatureStore features = FeatureStore.builder().store(store).build();
        // Lineage out to the catalogs: every run, registry change and materialization below
        // becomes an OpenLineage event, here appended to a file (LineageTransport.http for
        // Marquez or DataHub). Declared last, so closed first: it sends what is queued.
        LineageEmitter lineage =
            LineageEmitter.builder()
                .namespace("mlops4j-demo")
                .transport(LineageTransport.file(lineageFile(workspace)))
                .build()) {
      lineage.observe(tracker);
      lineage.observe(registry);
      lineage.observe(features);
      Trained trained = track(workspace, tracker, split);
      ModelVersion champion = register(registry, trained);
      features(features, all, split);

      Drift drift = new Drift(workspace.resolve("reports"));
      ExecutorService retraining =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "demo-retraining");
                t.setDaemon(true);
                return t;
              });
      try (Monitor monitor = monitor(split.train(), drift)) {
        new MonitorMetrics(monitor).bindTo(meters);
        new PerformanceMetrics(monitor).bindTo(meters);
        // every evaluated window is kept in the workspace, for the console's drift page
        monitor.addListener(DriftRecorder.of(tracker, MODEL));
        // Serving to monitoring: each prediction's inputs (after enrichment) are observed, its
        // malignant score is kept under the prediction id until the label arrives.
        MonitorListener feed =
            MonitorListener.builder(monitor).score(BreastCancer.MALIGNANT).build();
        try (InferenceService service =
            InferenceService.builder()
                .registry(registry)
                .model(MODEL)
                .alias("champion")
                .features(features, featureRefs())
                .meters(MicrometerServingMeters.of(meters))
                .listener(feed)
                .sampleRate(1.0)
                .eventQueueCapacity(50_000)
                .build()) {
          Traffic traffic = new Traffic(monitor, byId);
          serve(workspace, registry, service, traffic, all, champion);

          // Step 6's wiring: every drifted window is an alert for the retraining loop, handed to
          // a worker thread so that monitoring (here: serving's event thread) never waits.
          Retraining loop =
              new Retraining(
                  registry, tracker, features, feed, traffic, trained.candidate(), split);
          List<Future<RetrainingOutcome>> alerts = new CopyOnWriteArrayList<>();
          monitor.addListener(
              DriftListener.onDatasetDrift(
                  (window, report) ->
                      alerts.add(
                          retraining.submit(
                              () ->
                                  loop.loop()
                                      .onDrift(
                                          "window " + window.index(), Drift.drifted(report))))));

          drifted(monitor, service, traffic, split, drift, meters);
          Outcome outcome =
              retrain(registry, service, traffic, loop, alerts, split, champion, drift);
          retraining.shutdown();
          if (!retraining.awaitTermination(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("Retraining alerts still running after 60 s");
          }
          if (!lineage.flush(Duration.ofSeconds(30))) {
            throw new IllegalStateException("Lineage events were not written within 30 s");
          }
          out.line(
              "lineage: %d OpenLineage events (runs, registry changes, materializations) in %s,"
                  + " %d dropped",
              lineage.sentEvents(),
              workspace.relativize(lineageFile(workspace)),
              lineage.droppedEvents());
          out.heading(
              String.format(
                  Locale.ROOT,
                  "done in %s; workspace %s",
                  Out.millis(Duration.ofNanos(System.nanoTime() - started)),
                  workspace));
          return outcome;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted", e);
      } finally {
        retraining.shutdownNow();
      }
    } finally {
      meters.close();
    }
  }

  /** Where the demo writes its OpenLineage events, one JSON object per line. */
  public static Path lineageFile(Path workspace) {
    return workspace.resolve("lineage").resolve("events.jsonl");
  }

  private static List<String> featureRefs() {
    return BreastCancer.worstFeatures().stream().map(f -> VIEW + ":" + f).toList();
  }

  // ---------------------------------------------------------------- step 1: tracking

  private record Trained(String runId, Candidate candidate, Model<Label> model) {}

  private Trained track(Path workspace, Tracker tracker, Split split) {
    out.heading("[1/6] Track: version the data, train three candidates with 5-fold CV");
    Path data = BreastCancer.copyTo(workspace.resolve("data"));
    Path trainFile = workspace.resolve("data/train.csv");
    Path testFile = workspace.resolve("data/test.csv");
    BreastCancer.writeCsv(split.train(), trainFile);
    BreastCancer.writeCsv(split.test(), testFile);
    DatasetVersion source = DatasetVersion.of(data);
    DatasetVersion train = DatasetVersion.of(trainFile);
    DatasetVersion test = DatasetVersion.of(testFile);
    out.line(
        "data set  %s: %d rows, sha256 %s…",
        source.name(), source.rowCount(), source.digest().substring(0, 12));
    out.line(
        "split     %d train / %d test, stratified by diagnosis (seed %d)",
        train.rowCount(), test.rowCount(), options.seed());

    MutableDataset<Label> trainSet =
        BreastCancer.dataset(split.train(), BreastCancer.modelFeatures(), "breast-cancer train");
    MutableDataset<Label> testSet =
        BreastCancer.dataset(split.test(), BreastCancer.modelFeatures(), "breast-cancer test");
    Map<String, Model<Label>> models = new LinkedHashMap<>();
    Map<String, Candidate> byRun = new LinkedHashMap<>();
    out.line(
        "%-8s  %-19s  %-34s  %7s  %8s  %8s",
        "run", "candidate", "CV accuracy per fold", "CV mean", "test acc", "test AUC");
    for (Candidate candidate : Models.candidates(options.seed())) {
      try (Run run =
          tracker.newRun(EXPERIMENT).name(candidate.name()).tag("stage", "candidate").start()) {
        run.logInput(source, "source").logInput(train, "train").logInput(test, "test");
        run.logParams(candidate.params());
        List<LabelEvaluation> folds = Models.crossValidate(candidate, trainSet, 5, options.seed());
        StringBuilder perFold = new StringBuilder();
        double sum = 0;
        for (int fold = 0; fold < folds.size(); fold++) {
          double accuracy = folds.get(fold).accuracy();
          run.logMetric("cv_accuracy", accuracy, fold);
          run.logMetric("cv_macro_f1", folds.get(fold).macroAveragedF1(), fold);
          perFold.append(Out.f3(accuracy)).append(' ');
          sum += accuracy;
        }
        double cvMean = sum / folds.size();
        Model<Label> model = Models.train(candidate, trainSet);
        LabelEvaluation holdout = Models.evaluate(model, testSet);
        double auc =
            model.generatesProbabilities()
                ? holdout.AUCROC(new Label(BreastCancer.MALIGNANT))
                : Double.NaN;
        run.logMetrics(metrics(cvMean, holdout, auc), 0);
        TribuoProvenance.log(run, model);
        Path file = saveModel(model, workspace.resolve("tmp"));
        run.logArtifact(file, "model/model.tribuo"); // stored by digest; the file can go
        delete(file);
        models.put(run.id(), model);
        byRun.put(run.id(), candidate);
        out.line(
            "%-8s  %-19s  %-34s  %7s  %8s  %8s",
            Out.shortId(run.id()),
            candidate.name(),
            perFold.toString().trim(),
            Out.f3(cvMean),
            Out.f3(holdout.accuracy()),
            Out.f3(auc));
      }
    }
    out.line(
        "each run: params, cv_accuracy and cv_macro_f1 per fold (step = fold), test metrics,"
            + " 3 dataset inputs by digest, Tribuo provenance, the model file");
    if (!tracker.flush(Duration.ofSeconds(30))) {
      throw new IllegalStateException("Metrics were not stored within 30 s");
    }
    List<RunInfo> best =
        tracker
            .searchRuns(
                RunQuery.builder()
                    .experiments(EXPERIMENT)
                    .filter("tags.stage = 'candidate' and params.objective = 'log'")
                    .orderBy("metrics.cv_accuracy_mean DESC")
                    .maxResults(1)
                    .build())
            .runs();
    RunInfo winner = best.get(0);
    out.line(
        "best by mean CV accuracy among probabilistic models: %s (%s)",
        Out.shortId(winner.runId()), winner.runName());
    out.line(
        "  searchRuns(\"tags.stage = 'candidate' and params.objective = 'log'\","
            + " order by metrics.cv_accuracy_mean DESC)");
    return new Trained(
        winner.runId(),
        Objects.requireNonNull(byRun.get(winner.runId()), "the winner's run"),
        Objects.requireNonNull(models.get(winner.runId()), "the winner's model"));
  }

  private static Map<String, Double> metrics(double cvMean, LabelEvaluation holdout, double auc) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("cv_accuracy_mean", cvMean);
    m.put("test_accuracy", holdout.accuracy());
    m.put("test_macro_f1", holdout.macroAveragedF1());
    if (!Double.isNaN(auc)) {
      m.put("test_auc", auc);
    }
    return m;
  }

  private static void delete(Path file) {
    try {
      Files.delete(file);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete " + file, e);
    }
  }

  private static Path saveModel(Model<Label> model, Path directory) {
    try {
      Files.createDirectories(directory);
      Path file = Files.createTempFile(directory, "model", ".tribuo");
      model.serializeToFile(file);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the model into " + directory, e);
    }
  }

  // ---------------------------------------------------------------- step 2: registry

  private ModelVersion register(ModelRegistry registry, Trained trained) {
    out.heading("[2/6] Register the best model and make it champion");
    ModelVersion v = registry.register(MODEL, trained.model(), trained.runId());
    registry
        .withComment("best mean CV accuracy in " + EXPERIMENT)
        .setAlias(MODEL, "champion", v.version());
    ModelSignature signature = v.signature().orElseThrow();
    long real = signature.inputs().stream().filter(f -> f.type() == FeatureSpec.Type.REAL).count();
    out.line(
        "%s v%d  from run %s (%s), artifact sha256 %s…",
        MODEL,
        v.version(),
        Out.shortId(trained.runId()),
        trained.candidate().name(),
        v.digest().substring(0, 12));
    out.line(
        "signature: %d inputs (%d REAL) -> %s %s",
        signature.inputs().size(), real, signature.outputType(), signature.outputLabels());
    out.line("aliases: %s", new TreeMap<>(registry.aliases(MODEL)));
    return v;
  }

  // ---------------------------------------------------------------- step 3: features

  private void features(FeatureStore features, List<Sample> all, Split split) {
    out.heading("[3/6] Features: history, point-in-time training set, online store");
    FeatureView.Builder view =
        FeatureView.builder(VIEW)
            .entity(BreastCancer.ID, ValueType.STRING)
            .description("worst-of-three nucleus measurements from the slide-analysis pipeline");
    BreastCancer.worstFeatures().forEach(f -> view.feature(f, ValueType.DOUBLE));
    var applied = features.apply(view.build());

    // Generated history: per sample a preliminary measurement (values within ±5 %) three days
    // before its diagnosis and the final one a day before; for some samples the final result
    // arrives only after the diagnosis, and for a few nothing was measured before it.
    SplittableRandom random = new SplittableRandom(options.seed() + 3);
    List<FeatureRow> rows = new ArrayList<>();
    Map<String, Instant> diagnosedAt = new LinkedHashMap<>();
    int late = 0;
    int missing = 0;
    for (int i = 0; i < all.size(); i++) {
      Sample s = all.get(i);
      Instant diagnosis = HISTORY_START.plus(Duration.ofHours(6L * i));
      diagnosedAt.put(s.id(), diagnosis);
      double u = random.nextDouble();
      Instant preliminary = diagnosis.minus(Duration.ofDays(3));
      Instant fin = diagnosis.minus(Duration.ofDays(1));
      if (u < 0.04) {
        preliminary = diagnosis.plus(Duration.ofDays(1));
        fin = diagnosis.plus(Duration.ofDays(2));
        missing++;
      } else if (u < 0.19) {
        fin = diagnosis.plus(Duration.ofDays(2));
        late++;
      }
      Map<String, Object> noisy = new LinkedHashMap<>();
      Map<String, Object> exact = new LinkedHashMap<>();
      for (String f : BreastCancer.worstFeatures()) {
        noisy.put(f, s.value(f) * (1 + 0.05 * (2 * random.nextDouble() - 1)));
        exact.put(f, s.value(f));
      }
      Map<String, Object> key = Map.of(BreastCancer.ID, s.id());
      rows.add(FeatureRow.of(key, preliminary, preliminary.plus(Duration.ofHours(1)), noisy));
      rows.add(FeatureRow.of(key, fin, fin.plus(Duration.ofHours(1)), exact));
    }
    features.write(VIEW, rows);
    out.line(
        "view %s v%d: entity %s, %d DOUBLE features; %s history rows written",
        VIEW,
        applied.version(),
        BreastCancer.ID,
        BreastCancer.worstFeatures().size(),
        Out.count(rows.size()));
    out.line(
        "history: preliminary + final result per sample; %d final results arrive after the"
            + " diagnosis, %d samples measured only after it",
        late, missing);

    // Point-in-time training set: each training sample as of its diagnosis time.
    List<String> refs = BreastCancer.worstFeatures().stream().map(f -> VIEW + ":" + f).toList();
    List<EntityRow> spine =
        split.train().stream()
            .map(
                s ->
                    EntityRow.of(
                        Map.of(BreastCancer.ID, s.id(), BreastCancer.LABEL, s.diagnosis()),
                        Objects.requireNonNull(diagnosedAt.get(s.id()), "diagnosis time")))
            .toList();
    long t0 = System.nanoTime();
    List<TrainingRow> training = features.historical(spine, refs);
    long joinNanos = System.nanoTime() - t0;
    int fromFinal = 0;
    int fromPreliminary = 0;
    int notFound = 0;
    Map<String, Sample> byId = new LinkedHashMap<>();
    all.forEach(s -> byId.put(s.id(), s));
    List<Sample> pitSamples = new ArrayList<>();
    for (TrainingRow row : training) {
      FeatureValue first = row.value(refs.get(0));
      String id = (String) Objects.requireNonNull(row.entity().get(BreastCancer.ID));
      if (first.status() != FeatureStatus.PRESENT) {
        notFound++;
        continue;
      }
      if ((Double) Objects.requireNonNull(first.value(), "a present value")
          == Objects.requireNonNull(byId.get(id), "a known sample")
              .value(BreastCancer.worstFeatures().get(0))) {
        fromFinal++;
      } else {
        fromPreliminary++;
      }
      Map<String, Double> values = new LinkedHashMap<>();
      for (int f = 0; f < refs.size(); f++) {
        values.put(BreastCancer.worstFeatures().get(f), (Double) row.get(refs.get(f)));
      }
      pitSamples.add(
          new Sample(
              id, (String) Objects.requireNonNull(row.entity().get(BreastCancer.LABEL)), values));
    }
    out.line(
        "point-in-time training set: %d spine rows -> %d rows in %.1f ms: %d final values,"
            + " %d preliminary (final not yet known), %d NOT_FOUND",
        spine.size(), training.size(), joinNanos / 1e6, fromFinal, fromPreliminary, notFound);
    out.line(
        "a join on the latest values would have used %d values not yet known at diagnosis",
        fromPreliminary + notFound);

    // A second model on the point-in-time rows (worst_* features only), checked on the test split.
    Candidate second = new Candidate("worst-only-logistic", "log", 0.5, 20, options.seed());
    Model<Label> model =
        Models.train(
            second,
            BreastCancer.dataset(pitSamples, BreastCancer.worstFeatures(), "point-in-time rows"));
    double accuracy =
        Models.evaluate(
                model,
                BreastCancer.dataset(
                    split.test(), BreastCancer.worstFeatures(), "breast-cancer test"))
            .accuracy();
    out.line(
        "second model (%s) on %d point-in-time rows: test accuracy %s",
        second.name(), pitSamples.size(), Out.f3(accuracy));

    // Materialize everything up to the end of the history into the online store.
    Instant end = HISTORY_START.plus(Duration.ofHours(6L * all.size())).plus(Duration.ofDays(3));
    List<Materialization> done = features.materialize(end);
    long entities = done.stream().mapToLong(Materialization::entitiesWritten).sum();
    out.line(
        "materialized up to %s: %s rows read, %d entities online",
        end, Out.count(done.stream().mapToLong(Materialization::rowsRead).sum()), entities);

    // Online lookup latency: one entity, all ten features, through the cache.
    long[] nanos = new long[options.lookups()];
    for (int i = 0; i < nanos.length + 200; i++) {
      String id = all.get(i % all.size()).id();
      long start = System.nanoTime();
      OnlineFeatures online = features.online(Map.of(BreastCancer.ID, id), refs);
      long took = System.nanoTime() - start;
      if (online.value(refs.get(0)).status() != FeatureStatus.PRESENT) {
        throw new IllegalStateException("No online value for " + id);
      }
      if (i >= 200) {
        nanos[i - 200] = took;
      }
    }
    out.line(
        "online lookup (1 entity, 10 features): p50 %s, p99 %s over %s lookups",
        Out.micros(Out.percentile(nanos, 50)),
        Out.micros(Out.percentile(nanos, 99)),
        Out.count(nanos.length));
  }

  // ---------------------------------------------------------------- step 4: serving

  /** Sends requests through the service, then records the true diagnoses as delayed labels. */
  private static final class Traffic {
    private final Monitor monitor;
    private final Map<String, Sample> byId;

    Traffic(Monitor monitor, Map<String, Sample> byId) {
      this.monitor = monitor;
      this.byId = byId;
    }

    /** Predicts one sample and records its label. */
    Prediction one(InferenceService service, Sample sample) {
      return send(service, List.of(sample)).get(0);
    }

    /** Predicts every sample (request: id + mean_* features) in chunks of 100, in order. */
    List<Prediction> send(InferenceService service, List<Sample> samples) {
      List<Prediction> all = new ArrayList<>(samples.size());
      for (int from = 0; from < samples.size(); from += 100) {
        List<Sample> chunk = samples.subList(from, Math.min(samples.size(), from + 100));
        List<Map<String, Object>> requests = chunk.stream().map(Demo::request).toList();
        List<Prediction> predictions = service.predictAll(requests);
        // events reach the monitor on the service's event thread: wait for them, or the labels
        // below would find no prediction to join
        service.awaitEvents(Duration.ofSeconds(30));
        for (int i = 0; i < chunk.size(); i++) {
          monitor.recordLabel(
              predictions.get(i).id(),
              Objects.requireNonNull(byId.get(chunk.get(i).id()), "a known sample")
                  .diagnosis()
                  .equals(BreastCancer.MALIGNANT));
        }
        all.addAll(predictions);
      }
      return all;
    }
  }

  /** A scoring request: the sample id and the ten mean_* measurements. */
  static Map<String, Object> request(Sample s) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put(BreastCancer.ID, s.id());
    r.putAll(s.select(BreastCancer.meanFeatures()));
    return r;
  }

  private void serve(
      Path workspace,
      ModelRegistry registry,
      InferenceService service,
      Traffic traffic,
      List<Sample> all,
      ModelVersion champion) {
    out.heading("[4/6] Serve: champion online with feature enrichment, then a batch file");
    Sample first = all.get(0);
    Prediction p = traffic.one(service, first);
    out.line(
        "predict(%s + 10 mean_* values); 10 worst_* values looked up in %s by %s",
        first.id(), VIEW, BreastCancer.ID);
    out.line(
        "  -> %s (p=%s), model %s v%d, route %s, %s on the first call  [true: %s]",
        p.output(),
        Out.f3(p.score(p.output())),
        p.model(),
        p.version(),
        p.route(),
        Out.micros(p.latency().toNanos()),
        first.diagnosis());

    List<Sample> normal = BreastCancer.resample(all, options.lookups(), options.seed() + 4);
    List<Prediction> predictions = traffic.send(service, normal);
    long[] nanos = predictions.stream().mapToLong(x -> x.latency().toNanos()).toArray();
    long correct = 0;
    for (int i = 0; i < normal.size(); i++) {
      if (predictions.get(i).output().equals(normal.get(i).diagnosis())) {
        correct++;
      }
    }
    out.line(
        "%s requests: accuracy %s, latency in the service p50 %s, p99 %s (lookup included)",
        Out.count(predictions.size()),
        Out.f3((double) correct / predictions.size()),
        Out.micros(Out.percentile(nanos, 50)),
        Out.micros(Out.percentile(nanos, 99)));
    batch(workspace, registry, all, champion);
  }

  /**
   * Scores a CSV export of all twenty features with a service pinned to the champion's version (no
   * enrichment, no monitoring feed).
   */
  private void batch(
      Path workspace, ModelRegistry registry, List<Sample> all, ModelVersion champion) {
    Path input = workspace.resolve("batch/requests.csv");
    Path output = workspace.resolve("batch/scores.csv");
    writeBatchInput(input, BreastCancer.resample(all, options.batchRows(), options.seed() + 7));
    try (InferenceService pinned =
        InferenceService.builder()
            .registry(registry)
            .model(MODEL)
            .version(champion.version())
            .build()) {
      long quarter = Math.max(1, (options.batchRows() + 2) / 4);
      long[] reported = {0};
      BatchResult r =
          BatchJob.builder()
              .service(pinned)
              .input(input)
              .output(output)
              .passThrough(BreastCancer.ID)
              .parallelism(2)
              .chunkSize(1_000)
              .checkpointEvery(10_000)
              .progressEvery(quarter, Duration.ofMinutes(1))
              .listener(
                  p -> {
                    if (p.rowsDone() > reported[0]) { // the final report repeats the last one
                      reported[0] = p.rowsDone();
                      out.line(
                          "  batch progress: %s rows (%.0f%%), %s rows/s",
                          Out.count(p.rowsDone()),
                          100 * p.fractionDone(),
                          Out.count(Math.round(p.rowsPerSecond())));
                    }
                  })
              .build()
              .run();
      out.line(
          "batch %s -> %s: %s rows scored, %d rejected (%s), %s rows/s with 2 threads",
          workspace.relativize(input),
          workspace.relativize(output),
          Out.count(r.rowsScored()),
          r.rowsRejected(),
          workspace.relativize(r.rejects()),
          Out.count(Math.round(r.rowsPerSecond())));
      try {
        List<String> head = Files.readAllLines(output).subList(0, 2);
        out.line("  %s", head.get(0));
        out.line("  %s", head.get(1));
        for (String reject : Files.readAllLines(r.rejects()).stream().skip(1).toList()) {
          out.line("  reject: %s", abbreviate(reject, 110));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read the batch output " + output, e);
      }
    }
  }

  /** Rows of id + the 20 model features, with two bad rows: a missing value, a typo. */
  private static void writeBatchInput(Path file, List<Sample> samples) {
    List<String> columns = new ArrayList<>();
    columns.add(BreastCancer.ID);
    columns.addAll(BreastCancer.modelFeatures());
    StringBuilder b = new StringBuilder(String.join(",", columns)).append('\n');
    for (int i = 0; i < samples.size(); i++) {
      Sample s = samples.get(i);
      b.append(s.id());
      for (String f : BreastCancer.modelFeatures()) {
        String cell =
            i == 1 && f.equals("worst_texture")
                ? ""
                : i == 2 && f.equals("mean_area") ? "1O01.5" : Double.toString(s.value(f));
        b.append(',').append(cell);
      }
      b.append('\n');
    }
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, b);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }

  // ---------------------------------------------------------------- step 5: drift

  /** Collects the monitor's windows; writes the HTML report of the first drifted one. */
  private static final class Drift implements DriftListener {
    private final Path reports;
    private final List<WindowInfo> windows = new CopyOnWriteArrayList<>();
    private final List<DriftReport> reportsSeen = new CopyOnWriteArrayList<>();
    private volatile long quietUpTo = Long.MAX_VALUE;
    private volatile @Nullable DriftReport first;
    private volatile @Nullable Path html;

    Drift(Path reports) {
      this.reports = reports;
    }

    @Override
    public void onWindow(WindowInfo window, DriftReport report) {
      windows.add(window);
      reportsSeen.add(report);
      if (first == null && window.index() > quietUpTo && report.driftedColumns() > 0) {
        Path file = reports.resolve("drift-window-" + window.index() + ".html");
        try {
          Files.createDirectories(reports);
        } catch (IOException e) {
          throw new UncheckedIOException("Cannot create " + reports, e);
        }
        report.writeHtml(file);
        html = file;
        first = report;
      }
    }

    void quietUpTo(long index) {
      quietUpTo = index;
    }

    List<String> firstDrifted() {
      DriftReport r = first;
      return r == null ? List.of() : drifted(r);
    }

    List<String> quietDrifted() {
      List<String> out = new ArrayList<>();
      for (int i = 0; i < windows.size(); i++) {
        if (windows.get(i).index() <= quietUpTo) {
          drifted(reportsSeen.get(i)).stream().filter(c -> !out.contains(c)).forEach(out::add);
        }
      }
      return out;
    }

    Path htmlReport() {
      Path p = html;
      return p == null ? reports.resolve("none.html") : p;
    }

    static List<String> drifted(DriftReport report) {
      return report.columns().stream()
          .filter(ColumnDrift::drifted)
          .map(ColumnDrift::column)
          .toList();
    }
  }

  /** KS per feature at this alpha: 0.01 shared by the 20 features (Bonferroni). */
  static final double ALPHA = 0.01 / 20;

  private Monitor monitor(List<Sample> train, Drift drift) {
    ProfileSchema schema =
        ProfileSchema.builder()
            .numeric(BreastCancer.modelFeatures().toArray(String[]::new))
            .kllK(2048) // sketches stay exact up to 2,048 values: exact KS p-values per window
            .build();
    List<Map<String, Double>> rows =
        train.stream().map(s -> s.select(BreastCancer.modelFeatures())).toList();
    return Monitor.builder()
        .model(MODEL)
        .reference(Profile.of(schema, rows))
        .window(WindowSpec.rows(options.windowRows()))
        .drift(
            ProfileDrift.builder()
                .numericMethod(ProfileDriftMethod.KS)
                .threshold(ProfileDriftMethod.KS, ALPHA)
                .datasetThreshold(
                    0.05) // dataset drift (the retraining trigger): any of 20 features
                .build())
        .historySize(64)
        .ignoreColumns(BreastCancer.ID) // the entity key in every request is not a feature
        .predictions(PredictionTask.BINARY_CLASSIFICATION)
        .listener(drift)
        .build();
  }

  private void drifted(
      Monitor monitor,
      InferenceService service,
      Traffic traffic,
      Split split,
      Drift drift,
      PrometheusMeterRegistry meters) {
    out.heading("[5/6] Monitor: a shifted request stream (recalibrated scanner)");
    monitor.flush(); // close the partial window of normal traffic
    long quiet =
        monitor.recentWindows().isEmpty()
            ? -1
            : monitor.lastWindow().orElseThrow().window().index();
    drift.quietUpTo(quiet);
    out.line(
        "monitor: reference = %d training rows, windows of %d requests, KS test per feature"
            + " at alpha %s (0.01 / 20 features)",
        split.train().size(), options.windowRows(), Out.p(ALPHA));
    out.line(
        "shift: %s",
        SCANNER_SHIFT.keySet().stream()
            .map(f -> f + (f.equals("mean_texture") ? " x1.3" : " +0.015"))
            .toList());
    List<Sample> shifted =
        BreastCancer.shift(
            BreastCancer.resample(split.test(), options.windowRows(), options.seed() + 5),
            SCANNER_SHIFT);
    traffic.send(service, shifted);

    // The row that fills a count window closes it: the shifted window is evaluated by now.
    List<WindowSummary> windows =
        monitor.recentWindows().stream().filter(w -> w.report().isPresent()).toList();
    List<WindowSummary> normal = windows.stream().filter(w -> w.window().index() <= quiet).toList();
    double lo = normal.stream().mapToDouble(Demo::accuracy).min().orElse(Double.NaN);
    double hi = normal.stream().mapToDouble(Demo::accuracy).max().orElse(Double.NaN);
    out.line(
        "%s (normal traffic, %s rows): drifted features: %s; accuracy %s",
        quiet == 0 ? "window 0" : "windows 0-" + quiet,
        Out.count(normal.stream().mapToLong(w -> w.window().rows()).sum()),
        Out.join(drift.quietDrifted()),
        lo == hi ? Out.f3(lo) : Out.f3(lo) + "-" + Out.f3(hi));
    for (WindowSummary w : windows) {
      if (w.window().index() > quiet) {
        out.line(
            "window %d (shifted, %d rows): drifted features: %s; accuracy %s, AUC %s",
            w.window().index(),
            w.window().rows(),
            Out.join(Drift.drifted(w.report().orElseThrow())),
            Out.f3(accuracy(w)),
            Out.f3(w.performance().flatMap(x -> optional(x.auc())).orElse(Double.NaN)));
      }
    }
    DriftReport first =
        monitor.recentWindows().stream()
            .filter(w -> w.window().index() > quiet)
            .findFirst()
            .orElseThrow()
            .report()
            .orElseThrow();
    out.line("KS p-values, first shifted window (drift when p <= %s):", Out.p(ALPHA));
    StringBuilder line = new StringBuilder();
    int n = 0;
    for (ColumnDrift c : first.columns()) {
      line.append(
          String.format(
              Locale.ROOT,
              "%-24s %-8s%s",
              c.column(),
              Out.p(c.score()),
              c.drifted() ? " DRIFT" : "      "));
      if (++n % 2 == 0) {
        out.line("  %s", line.toString().stripTrailing());
        line.setLength(0);
      } else {
        line.append("   ");
      }
    }
    if (line.length() > 0) {
      out.line("  %s", line.toString().stripTrailing());
    }
    out.line("drift report: %s", drift.htmlReport());
    out.line("Prometheus scrape (excerpt):");
    for (String l : scrape(meters)) {
      out.line("  %s", l);
    }
  }

  private static double accuracy(WindowSummary w) {
    return w.performance().flatMap(x -> optional(x.accuracy())).orElse(Double.NaN);
  }

  private static Optional<Double> optional(OptionalDouble d) {
    return d.isPresent() ? Optional.of(d.getAsDouble()) : Optional.empty();
  }

  @SuppressWarnings("StringSplitter") // Prometheus text: lines end with \n
  private static List<String> scrape(PrometheusMeterRegistry meters) {
    List<String> keep = new ArrayList<>();
    for (String l : meters.scrape().split("\n")) {
      if (l.startsWith("#")) {
        continue;
      }
      boolean drift =
          (l.startsWith("mlops_drift_score")
                  && SCANNER_SHIFT.keySet().stream()
                      .anyMatch(f -> l.contains("feature=\"" + f + "\"")))
              || (l.startsWith("mlops_drift_score") && l.contains("feature=\"mean_radius\""));
      if (drift
          || l.startsWith("mlops_drift_detected")
          || l.startsWith("mlops_drift_share")
          || l.startsWith("mlops_performance{")
          || l.startsWith("mlops_monitor_rows_total")
          || (l.startsWith("mlops_serving_predict_seconds")
              && l.contains("outcome=\"ok\"")
              && !l.contains("_max"))) {
        keep.add(l);
      }
    }
    return keep;
  }

  // ---------------------------------------------------------------- step 6: retraining

  /**
   * The retraining loop and what it needs: fresh data (the training samples as the new scanner
   * measures them), the holdout (the test samples, new scanner), the gate, and a listener that
   * gives the challenger canary traffic as soon as it is registered.
   */
  private final class Retraining implements RetrainingListener {
    private final ModelRegistry registry;
    private final FeatureStore features;
    private final MonitorListener feed;
    private final Traffic traffic;
    private final Split fresh;
    private final RetrainingLoop<Label> loop;
    private final List<RetrainingEvent> events = new CopyOnWriteArrayList<>();
    private volatile @Nullable Canary canary;

    Retraining(
        ModelRegistry registry,
        Tracker tracker,
        FeatureStore features,
        MonitorListener feed,
        Traffic traffic,
        Candidate candidate,
        Split split) {
      this.registry = registry;
      this.features = features;
      this.feed = feed;
      this.traffic = traffic;
      this.fresh =
          new Split(
              BreastCancer.shift(split.train(), SCANNER_SHIFT),
              BreastCancer.shift(split.test(), SCANNER_SHIFT));
      MutableDataset<Label> holdout =
          BreastCancer.dataset(fresh.test(), BreastCancer.modelFeatures(), "test, new scanner");
      this.loop =
          RetrainingLoop.<Label>builder()
              .registry(registry)
              .tracker(tracker)
              .model(MODEL)
              .experiment(EXPERIMENT)
              .data(
                  () ->
                      BreastCancer.dataset(
                          fresh.train(), BreastCancer.modelFeatures(), "train, new scanner"))
              .training(
                  (data, run) -> {
                    run.logParams(candidate.params());
                    Model<Label> model = Models.train(candidate, data);
                    TribuoProvenance.log(run, model);
                    return model;
                  })
              .holdout(
                  () ->
                      Holdout.builder(holdout)
                          .name("test-new-scanner")
                          .slice("mean_radius<15", e -> e.lookup("mean_radius").getValue() < 15)
                          .slice("mean_radius>=15", e -> e.lookup("mean_radius").getValue() >= 15)
                          .build())
              .gate(
                  ValidationGate.builder()
                      .require("accuracy", Rule.atLeast(0.95))
                      .require("accuracy", Rule.betterThanChampionBy(0.0))
                      .require("macro_f1", Rule.notWorseThanChampionBy(0.01))
                      .requireOnEverySlice("recall:" + BreastCancer.MALIGNANT, Rule.atLeast(0.75))
                      .significance(0.05)
                      .seed(options.seed())
                      .build())
              .minInterval(Duration.ofHours(1)) // one retraining per hour, whatever the alerts
              .promotionCheck(
                  this::canaryHolds) // the challenger's canary must hold before the gate
              .listener(this)
              .build();
    }

    RetrainingLoop<Label> loop() {
      return loop;
    }

    List<RetrainingEvent> events() {
      return List.copyOf(events);
    }

    @Nullable Canary canary() {
      return canary;
    }

    @Override
    public void onStep(RetrainingEvent event) {
      events.add(event);
    }

    /** Runs the challenger's canary; promotion goes on only if it was not rolled back. */
    private boolean canaryHolds(int challenger) {
      Canary c = runCanary(challenger);
      canary = c;
      return c.rollbacks() == 0;
    }

    /** 10 % of the new scanner's traffic, sticky by sample id, to the challenger. */
    private Canary runCanary(int challenger) {
      List<ServingEvent> lifecycle = new CopyOnWriteArrayList<>();
      PredictionListener listener =
          new PredictionListener() {
            @Override
            public void onPrediction(PredictionEvent event) {
              feed.onPrediction(event);
            }

            @Override
            public void onEvent(ServingEvent event) {
              lifecycle.add(event);
            }
          };
      try (InferenceService canaryService =
          InferenceService.builder()
              .registry(registry)
              .model(MODEL)
              .alias("champion")
              .routing(
                  Routing.canary(Target.alias("challenger"), 10, CanaryPolicy.defaults())
                      .stickyBy(BreastCancer.ID))
              .features(features, featureRefs())
              .listener(listener)
              .eventQueueCapacity(50_000)
              .build()) {
        List<Sample> requests = BreastCancer.resample(fresh.test(), 1_000, options.seed() + 6);
        List<Prediction> predictions = traffic.send(canaryService, requests);
        Map<String, long[]> byRoute = new TreeMap<>();
        Map<String, Integer> versions = new TreeMap<>();
        for (int i = 0; i < predictions.size(); i++) {
          Prediction p = predictions.get(i);
          long[] c = byRoute.computeIfAbsent(p.route(), k -> new long[2]);
          c[0]++;
          if (p.output().equals(requests.get(i).diagnosis())) {
            c[1]++;
          }
          versions.put(p.route(), p.version());
        }
        long rolledBack =
            lifecycle.stream().filter(e -> e instanceof ServingEvent.CanaryRolledBack).count();
        return new Canary(challenger, byRoute, versions, rolledBack);
      }
    }
  }

  /** What the canary phase saw: per route [requests, correct], the version per route. */
  private record Canary(
      int challenger, Map<String, long[]> byRoute, Map<String, Integer> versions, long rollbacks) {}

  @SuppressWarnings("StringSplitter") // the gate's own \n-separated report
  private Outcome retrain(
      ModelRegistry registry,
      InferenceService service,
      Traffic traffic,
      Retraining retraining,
      List<Future<RetrainingOutcome>> alerts,
      Split split,
      ModelVersion champion,
      Drift drift)
      throws InterruptedException {
    out.heading("[6/6] Retrain on the drift alert: challenger, gate, canary, promotion, rollback");
    if (alerts.isEmpty()) {
      throw new IllegalStateException("No drift alert reached the retraining loop");
    }
    RetrainingOutcome outcome;
    try {
      outcome = alerts.get(0).get(5, TimeUnit.MINUTES);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("The retraining did not finish", e);
    }
    out.line(
        "drift alert (DriftListener) -> RetrainingLoop.onDrift on a worker thread; fresh data:"
            + " the %d training samples measured by the new scanner",
        split.train().size());
    for (RetrainingEvent e : retraining.events()) {
      if (e.step() == RetrainingEvent.Step.SKIPPED) {
        continue;
      }
      out.line(
          "%-14s %s",
          e.step(),
          e.step() == RetrainingEvent.Step.TRIGGERED
              ? e.trigger()
              : e.step() == RetrainingEvent.Step.TRAINED
                  ? e.detail() + " in run " + Out.shortId(Objects.requireNonNull(e.runId()))
                  : e.step() == RetrainingEvent.Step.GATE_EVALUATED
                      ? "on the new scanner's holdout:"
                      : e.detail());
      if (e.step() == RetrainingEvent.Step.GATE_EVALUATED) {
        for (String l : (outcome.gate() == null ? "" : outcome.gate().toText()).split("\n")) {
          out.line("  %s", l);
        }
      }
      if (e.step() == RetrainingEvent.Step.REGISTERED) {
        Canary c = Objects.requireNonNull(retraining.canary(), "canary");
        for (Map.Entry<String, long[]> r : c.byRoute().entrySet()) {
          out.line(
              "  canary phase: route %-7s v%d  %4d requests, accuracy %s",
              r.getKey(),
              c.versions().get(r.getKey()),
              r.getValue()[0],
              Out.f3((double) r.getValue()[1] / r.getValue()[0]));
        }
        out.line(
            "  canary bounds (5%% errors, p99 50 ms) held: %s",
            c.rollbacks() == 0 ? "yes, no rollback" : "no, rolled back " + c.rollbacks() + "x");
      }
    }
    if (outcome.status() != RetrainingOutcome.Status.PROMOTED) {
      throw new IllegalStateException("The challenger was not promoted: " + outcome.message());
    }
    int challenger = java.util.Objects.requireNonNull(outcome.version(), "registered version");

    awaitActive(service, challenger);
    Sample probe = BreastCancer.shift(split.test(), SCANNER_SHIFT).get(0);
    Prediction promoted = traffic.one(service, probe);
    out.line(
        "service (follows champion) hot-swapped: prediction %s answered by v%d",
        Out.shortId(promoted.id()), promoted.version());

    ModelVersion back =
        registry.withComment("demo: roll back to show it").rollback(MODEL, "champion");
    awaitActive(service, back.version());
    Prediction after = traffic.one(service, probe);
    out.line(
        "rollback: champion -> v%d; next prediction answered by v%d",
        back.version(), after.version());
    long skipped =
        retraining.events().stream().filter(e -> e.step() == RetrainingEvent.Step.SKIPPED).count();
    out.line(
        "aliases now %s; later drift alerts skipped by the loop's guard rails: %d",
        new TreeMap<>(registry.aliases(MODEL)), skipped);
    out.line("audit trail of %s:", MODEL);
    for (AuditEntry e : registry.auditLog(MODEL)) {
      if (e.alias() != null) {
        out.line(
            "  #%-3d %-17s %-10s v%s -> v%s  %s",
            e.sequence(),
            e.action(),
            e.alias(),
            e.previousVersion() == null ? "-" : e.previousVersion(),
            e.version(),
            abbreviate(java.util.Objects.requireNonNullElse(e.comment(), ""), 60));
      }
    }
    return new Outcome(
        champion.version(),
        List.copyOf(SCANNER_SHIFT.keySet()),
        drift.firstDrifted(),
        drift.quietDrifted(),
        drift.htmlReport(),
        challenger,
        promoted.version(),
        after.version(),
        Objects.requireNonNull(registry.aliases(MODEL).get("champion"), "the champion alias"));
  }

  /** Waits (bounded) until the service answers primary traffic with {@code version}. */
  private static void awaitActive(InferenceService service, int version) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (service.activeVersion() != version) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            "The service still answers with v"
                + service.activeVersion()
                + " 30 s after the alias moved to v"
                + version);
      }
      LockSupport.parkNanos(1_000_000);
    }
  }

  private static String abbreviate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }

  // ---------------------------------------------------------------- shared

  private static Map<String, DoubleUnaryOperator> shift() {
    Map<String, DoubleUnaryOperator> m = new LinkedHashMap<>();
    m.put("mean_texture", v -> v * 1.3);
    m.put("mean_smoothness", v -> v + 0.015);
    return Collections.unmodifiableMap(m);
  }
}
