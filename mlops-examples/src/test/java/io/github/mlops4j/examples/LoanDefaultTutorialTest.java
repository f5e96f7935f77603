package io.github.mlops4j.examples;

import static io.github.mlops4j.registry.validation.Rule.atLeast;
import static io.github.mlops4j.registry.validation.Rule.notWorseThanChampionBy;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.examples.LoanData.Application;
import io.github.mlops4j.features.EntityRow;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.features.FeatureView;
import io.github.mlops4j.features.TrainingRow;
import io.github.mlops4j.features.ValueType;
import io.github.mlops4j.monitoring.Monitor;
import io.github.mlops4j.monitoring.PredictionTask;
import io.github.mlops4j.monitoring.WindowSpec;
import io.github.mlops4j.monitoring.WindowSummary;
import io.github.mlops4j.monitoring.drift.DriftDetector;
import io.github.mlops4j.monitoring.drift.DriftReport;
import io.github.mlops4j.monitoring.drift.Frame;
import io.github.mlops4j.monitoring.profile.Profile;
import io.github.mlops4j.monitoring.profile.ProfileSchema;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.registry.validation.GateResult;
import io.github.mlops4j.registry.validation.Holdout;
import io.github.mlops4j.registry.validation.ValidationGate;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.Prediction;
import io.github.mlops4j.serving.batch.BatchJob;
import io.github.mlops4j.serving.batch.BatchResult;
import io.github.mlops4j.serving.monitoring.MonitorListener;
import io.github.mlops4j.tracking.Run;
import io.github.mlops4j.tracking.RunInfo;
import io.github.mlops4j.tracking.Tracker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * The loan-default application of docs/tutorial.md, compiled and run: every code block of the
 * tutorial is a tagged region of this file ({@code DocSnippetsTest} checks that they are equal),
 * and the assertions pin what the tutorial says the code does.
 */
class LoanDefaultTutorialTest {
  @TempDir Path dir;

  @Test
  void theLoanDefaultFlowRunsAsTheTutorialSays() throws IOException {
    Path workspace = dir.resolve("workspace");
    LoanData history = new LoanData(1_600, 1.0, 11, 1);
    List<Application> applications = history.applications;
    LoanData later = new LoanData(500, 1.0, 12, 5_001);
    LoanData campaign = new LoanData(500, 2.5, 13, 6_001);
    Clock clock = Clock.fixed(Instant.parse("2026-12-01T10:15:00Z"), ZoneOffset.UTC);

    // tag::open[]
    try (Tracker tracker = Tracker.open(workspace);
        FeatureStore features = FeatureStore.builder().store(tracker.store()).build();
        ModelRegistry registry = ModelRegistry.builder().store(tracker.store()).build()) {
      // end::open[]

      // tag::features[]
      features.apply(
          FeatureView.builder("applicant_stats")
              .entity("applicant_id", ValueType.STRING)
              .feature("debt_ratio", ValueType.DOUBLE)
              .feature("late_payments_12m", ValueType.LONG)
              .build());
      features.write("applicant_stats", history.bureau); // List<FeatureRow>, with event times
      // end::features[]
      features.write("applicant_stats", later.bureau);
      features.write("applicant_stats", campaign.bureau);
      // tag::materialize[]
      features.materialize(Instant.now()); // the latest value per applicant -> online store
      // end::materialize[]

      // tag::training-set[]
      List<String> bureau =
          List.of("applicant_stats:debt_ratio", "applicant_stats:late_payments_12m");
      // one row per application, with the bureau statistics as known when it was made
      List<TrainingRow> rows = features.historical(spineOf(applications), bureau);
      List<TrainingRow> train = rows.subList(0, 1_000);
      List<TrainingRow> holdoutRows = rows.subList(1_000, rows.size());
      // end::training-set[]
      assertThat(rows).hasSize(1_600);
      assertThat(rows.get(0).get("applicant_stats:debt_ratio"))
          .as("the statistics known before the application, not the later report")
          .isEqualTo(history.bureau.get(0).values().get("debt_ratio"));

      // tag::train[]
      ModelVersion v1;
      try (Run run = tracker.startRun("loan_default")) {
        run.logParams(Map.of("trainer", "logistic-regression", "rows", "1000"));
        MutableDataset<Label> data = dataset(train);
        Model<Label> model = new LogisticRegressionTrainer().train(data);
        LabelEvaluation eval = new LabelEvaluator().evaluate(model, dataset(holdoutRows));
        run.logMetric("accuracy", eval.accuracy());
        run.logMetric("auc", eval.AUCROC(new Label("yes")));
        v1 = registry.register("loan_default", model, run.id()); // signature from the model
      }
      registry.withComment("first model").setAlias("loan_default", "champion", v1.version());
      // end::train[]
      tracker.flush(Duration.ofSeconds(30));
      List<RunInfo> tracked = tracker.searchRuns("loan_default", "metrics.auc > 0.6");
      assertThat(tracked).hasSize(1);

      // tag::profile[]
      ProfileSchema schema =
          ProfileSchema.builder()
              .numeric("income", "loan_amount", "debt_ratio", "late_payments_12m")
              .categorical("region")
              .build();
      List<Map<String, ?>> trainingInputs = new ArrayList<>();
      for (TrainingRow r : train) {
        trainingInputs.add(inputs(r));
      }
      Files.write(
          workspace.resolve("loan_default-v1.profile.json"),
          Profile.of(schema, trainingInputs).toBytes());
      // end::profile[]

      // tag::serve[]
      Profile reference =
          Profile.fromBytes(Files.readAllBytes(workspace.resolve("loan_default-v1.profile.json")));
      try (Monitor monitor =
              Monitor.builder()
                  .model("loan_default")
                  .reference(reference) // its schema: the columns to profile
                  .ignoreColumns("applicant_id") // in every request, not a model input
                  .window(WindowSpec.time(Duration.ofHours(1)))
                  .clock(clock) // default Clock.systemUTC()
                  .predictions(PredictionTask.BINARY_CLASSIFICATION)
                  .build();
          InferenceService service =
              InferenceService.builder()
                  .registry(registry)
                  .model("loan_default")
                  .alias("champion")
                  .features(features, bureau) // adds debt_ratio and late_payments_12m
                  .listener(MonitorListener.builder(monitor).score("yes").build())
                  .build()) {
        Prediction p =
            service.predict(
                Map.of(
                    "applicant_id",
                    "A00007",
                    "region",
                    "south",
                    "income",
                    48.5,
                    "loan_amount",
                    22.0));
        // p.output() "yes" or "no", p.scores() both probabilities, p.version() 1
        // end::serve[]
        assertThat(p.version()).isEqualTo(1);
        assertThat(p.scores()).containsOnlyKeys("yes", "no");

        later.writeRequestsCsv(workspace.resolve("requests.csv"));
        // tag::batch[]
        // requests.csv: applicant_id,region,income,loan_amount  (region as text: "south")
        BatchResult scored =
            BatchJob.builder()
                .service(service)
                .input(workspace.resolve("requests.csv"))
                .output(workspace.resolve("scores.csv"))
                .passThrough("applicant_id")
                .build()
                .run();
        // end::batch[]
        assertThat(scored.rowsRejected()).isZero();
        assertThat(scored.rowsScored()).isEqualTo(500);

        // tag::monitor[]
        Map<String, String> predictionIds = new HashMap<>(); // your request log
        for (Application a : later.applications) {
          predictionIds.put(a.applicantId(), service.predict(a.request()).id());
        }
        service.awaitEvents(Duration.ofSeconds(30)); // the monitor is fed off the caller's thread
        for (Application a : later.applications) { // months later: the outcomes
          monitor.recordLabel(predictionIds.get(a.applicantId()), a.defaulted());
        }
        WindowSummary window = monitor.flush().orElseThrow(); // windows also close on time
        // window.performance(): accuracy and AUC of the 500 labelled predictions
        // window.report(): drift of this window against the training profile
        // end::monitor[]
        assertThat(window.performance().orElseThrow().labelled()).isEqualTo(500);
        assertThat(window.performance().orElseThrow().auc().orElseThrow()).isGreaterThan(0.6);
        assertThat(window.report().orElseThrow().column("loan_amount").orElseThrow().drifted())
            .isFalse();
        for (Application a : campaign.applications) {
          service.predict(a.request());
        }
        service.awaitEvents(Duration.ofSeconds(30));
        WindowSummary campaignWindow = monitor.flush().orElseThrow();
        assertThat(
                campaignWindow.report().orElseThrow().column("loan_amount").orElseThrow().drifted())
            .isTrue();

        // tag::drift[]
        List<Map<String, ?>> campaignInputs = new ArrayList<>(); // e.g. last week's requests
        for (Application a : campaign.applications) {
          campaignInputs.add(a.request());
        }
        DriftReport drift =
            DriftDetector.builder(frame(trainingInputs)).build().compare(frame(campaignInputs));
        drift.writeHtml(workspace.resolve("drift.html"));
        // drift.column("loan_amount"): drifted; drift.datasetDrift(): whether enough columns did
        // end::drift[]
        assertThat(drift.column("loan_amount").orElseThrow().drifted()).isTrue();
        assertThat(drift.column("income").orElseThrow().drifted()).isFalse();

        // tag::gate[]
        List<TrainingRow> recent = new ArrayList<>(train);
        recent.addAll(features.historical(spineOf(later.applications), bureau));
        ModelVersion v2;
        try (Run run = tracker.startRun("loan_default")) {
          run.logParams(Map.of("trainer", "logistic-regression", "rows", "1500"));
          LogisticRegressionTrainer trainer = new LogisticRegressionTrainer();
          v2 = registry.register("loan_default", trainer.train(dataset(recent)), run.id());
        }
        writeCsv(holdoutRows, workspace.resolve("holdout.csv"));
        Holdout<Label> holdout =
            Holdout.csvBuilder(workspace.resolve("holdout.csv"), "defaulted", new LabelFactory())
                .sliceBy("region") // every rule below also holds per region
                .build();
        ValidationGate gate =
            ValidationGate.builder()
                .require("accuracy", atLeast(0.7))
                .require("macro_f1", notWorseThanChampionBy(0.02)) // paired, on the same rows
                .requireOnEverySlice("accuracy", atLeast(0.6))
                .build();
        GateResult result =
            gate.promoteIfPassed(registry, "loan_default", v2.version(), "champion", holdout);
        System.out.print(result.toText()); // every rule, overall and per slice
        service.refresh(Duration.ofSeconds(30)); // the service follows the alias
        // end::gate[]
        assertThat(result.passed()).isTrue();
        assertThat(
                service
                    .predict(
                        Map.of(
                            "applicant_id",
                            "A00007",
                            "region",
                            "south",
                            "income",
                            48.5,
                            "loan_amount",
                            22.0))
                    .version())
            .isEqualTo(2);

        // tag::rollback[]
        registry
            .withComment("complaints from the south region")
            .rollback("loan_default", "champion"); // back to v1, in the audit trail
        service.refresh(Duration.ofSeconds(30));
        // end::rollback[]
        assertThat(
                service
                    .predict(
                        Map.of(
                            "applicant_id",
                            "A00007",
                            "region",
                            "south",
                            "income",
                            48.5,
                            "loan_amount",
                            22.0))
                    .version())
            .isEqualTo(1);
      }
    }
  }

  // tag::dataset[]
  /** Your applications with their outcome, as the spine of a point-in-time join. */
  static List<EntityRow> spineOf(List<Application> applications) {
    List<EntityRow> spine = new ArrayList<>();
    for (Application a : applications) {
      spine.add(
          EntityRow.of(
              Map.of(
                  "applicant_id",
                  a.applicantId(),
                  "region",
                  a.region(),
                  "income",
                  a.income(),
                  "loan_amount",
                  a.loanAmount(),
                  "defaulted",
                  a.defaulted() ? "yes" : "no"),
              a.appliedAt()));
    }
    return spine;
  }

  /** Tribuo one-hot encodes text: region "south" is the feature region@south = 1. */
  static MutableDataset<Label> dataset(List<TrainingRow> rows) {
    LabelFactory labels = new LabelFactory();
    MutableDataset<Label> data =
        new MutableDataset<>(new SimpleDataSourceProvenance("applications", labels), labels);
    for (TrainingRow r : rows) {
      ArrayExample<Label> e = new ArrayExample<>(new Label((String) r.entity().get("defaulted")));
      inputs(r)
          .forEach(
              (name, value) -> {
                if (value instanceof String text) {
                  e.add(name + "@" + text, 1.0);
                } else {
                  e.add(name, ((Number) value).doubleValue());
                }
              });
      data.add(e);
    }
    return data;
  }

  /** The model's inputs of a training row, named as a request names them. */
  static Map<String, Object> inputs(TrainingRow r) {
    Map<String, Object> in = new HashMap<>();
    for (String column : List.of("region", "income", "loan_amount")) {
      in.put(column, r.entity().get(column));
    }
    in.put("debt_ratio", r.get("applicant_stats:debt_ratio"));
    in.put("late_payments_12m", r.get("applicant_stats:late_payments_12m"));
    return in;
  }

  /** A holdout file: the model's inputs and the outcome, one row per application. */
  static void writeCsv(List<TrainingRow> rows, Path file) throws IOException {
    List<String> columns =
        List.of("region", "income", "loan_amount", "debt_ratio", "late_payments_12m");
    StringBuilder csv = new StringBuilder(String.join(",", columns)).append(",defaulted\n");
    for (TrainingRow r : rows) {
      Map<String, Object> in = inputs(r);
      for (String c : columns) {
        csv.append(in.get(c)).append(',');
      }
      csv.append(r.entity().get("defaulted")).append('\n');
    }
    Files.writeString(file, csv);
  }

  /** A table of model inputs for the drift detector, a column per input. */
  static Frame frame(List<Map<String, ?>> rows) {
    Frame.Builder frame =
        Frame.builder()
            .categorical(
                "region", rows.stream().map(r -> (String) r.get("region")).toArray(String[]::new));
    for (String column : List.of("income", "loan_amount")) {
      frame.numeric(
          column, rows.stream().mapToDouble(r -> ((Number) r.get(column)).doubleValue()).toArray());
    }
    return frame.build();
  }
  // end::dataset[]
}
