package io.github.mlops4j.examples;

import io.github.mlops4j.data.DatasetVersion;
import io.github.mlops4j.examples.BreastCancer.Split;
import io.github.mlops4j.examples.Models.Candidate;
import io.github.mlops4j.tracking.MetricPoint;
import io.github.mlops4j.tracking.Run;
import io.github.mlops4j.tracking.RunInfo;
import io.github.mlops4j.tracking.Tracker;
import io.github.mlops4j.tracking.TribuoProvenance;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

/**
 * Experiment tracking only: a parent run sweeps the learning rate in child runs, each logging its
 * params, a metric per epoch count, its test accuracy and its model's Tribuo provenance; a search
 * then finds the best child.
 */
public final class TrackingExample {
  private TrackingExample() {}

  /**
   * Runs the example in {@code [--workspace] DIR} (default {@code target/tracking-workspace}),
   * wiped first.
   */
  public static void main(String[] args) {
    Examples.quietTribuo();
    run(Examples.workspace(args, "tracking"), System.out);
  }

  /**
   * Runs the example; returns the best child run found by the search.
   *
   * @param workspace deleted and recreated
   */
  public static RunInfo run(Path workspace, PrintStream out) {
    Examples.wipe(workspace);
    Path csv = BreastCancer.copyTo(workspace.resolve("data"));
    Split split = BreastCancer.split(BreastCancer.load(), 0.3, 7);
    MutableDataset<Label> train = BreastCancer.dataset(split.train(), "train");
    MutableDataset<Label> test = BreastCancer.dataset(split.test(), "test");

    try (Tracker tracker = Tracker.open(workspace)) {
      try (Run sweep = tracker.newRun("tracking-example").name("lr-sweep").start()) {
        sweep.logInput(DatasetVersion.of(csv), "source");
        for (double lr : List.of(0.01, 0.1, 1.0)) {
          try (Run child = sweep.newChildRun().name("lr-" + lr).start()) {
            Model<Label> model = null;
            for (int epochs = 1; epochs <= 5; epochs++) { // a learning curve by epochs
              model = Models.train(new Candidate("lr-" + lr, "log", lr, epochs, 7), train);
              child.logMetric("test_accuracy", Models.evaluate(model, test).accuracy(), epochs);
            }
            child.logParams(new Candidate("lr-" + lr, "log", lr, 5, 7).params());
            // trainer config as params
            TribuoProvenance.log(child, java.util.Objects.requireNonNull(model, "model"));
          }
        }
      }
      tracker.flush(Duration.ofSeconds(10));
      List<RunInfo> best =
          tracker.searchRuns(
              "tracking-example", "params.objective = 'log' and metrics.test_accuracy > 0.9");
      RunInfo top =
          best.stream()
              .max((a, b) -> Double.compare(accuracy(a).value(), accuracy(b).value()))
              .orElseThrow();
      for (RunInfo r : best) {
        out.printf(
            Locale.ROOT,
            "%-10s lr=%-5s test_accuracy after 5 epochs %.3f (%d points)%n",
            r.runName(),
            r.params().get("learning_rate"),
            accuracy(r).value(),
            tracker.metricHistory(r.runId(), "test_accuracy").size());
      }
      out.println("best: " + top.runName() + ", child of " + top.parentRunId().orElseThrow());
      return top;
    }
  }

  private static MetricPoint accuracy(RunInfo run) {
    return java.util.Objects.requireNonNull(run.metrics().get("test_accuracy"), "test_accuracy");
  }
}
