package io.github.mlops4j.examples;

import io.github.mlops4j.examples.BreastCancer.Sample;
import io.github.mlops4j.examples.BreastCancer.Split;
import io.github.mlops4j.examples.Models.Candidate;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.Prediction;
import io.github.mlops4j.serving.batch.BatchJob;
import io.github.mlops4j.serving.batch.BatchResult;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

/**
 * Serving only: a service that follows the {@code champion} alias answers online requests, swaps to
 * a new version when the alias moves, and scores a CSV file in batch.
 */
public final class ServingExample {
  private ServingExample() {}

  /**
   * The versions that answered before and after the alias moved, and the batch result.
   *
   * @param before version answering before the move
   * @param after version answering after the move
   * @param batch the batch job's result
   */
  public record Result(int before, int after, BatchResult batch) {}

  /**
   * Runs the example in {@code [--workspace] DIR} (default {@code target/serving-workspace}), wiped
   * first.
   */
  public static void main(String[] args) {
    Examples.quietTribuo();
    run(Examples.workspace(args, "serving"), System.out);
  }

  /**
   * Runs the example.
   *
   * @param workspace deleted and recreated
   */
  public static Result run(Path workspace, PrintStream out) {
    Examples.wipe(workspace);
    Split split = BreastCancer.split(BreastCancer.load(), 0.3, 5);
    MutableDataset<Label> train = BreastCancer.dataset(split.train(), "train");
    try (ModelRegistry registry = ModelRegistry.open(workspace)) {
      int v1 =
          registry
              .register(
                  "diagnosis", Models.train(new Candidate("a", "log", 0.05, 3, 5), train), null)
              .version();
      registry.setAlias("diagnosis", "champion", v1);

      try (InferenceService service =
          InferenceService.builder()
              .registry(registry)
              .model("diagnosis")
              .alias("champion")
              .timeout(Duration.ofSeconds(5)) // a call that takes longer fails (a hung model)
              .build()) {
        Sample s = split.test().get(0);
        Map<String, Double> request = s.select(BreastCancer.modelFeatures());
        Prediction p = service.predict(request);
        out.println(
            "v"
                + p.version()
                + " says "
                + p.output()
                + " (scores "
                + p.scores()
                + ") in "
                + p.latency().toNanos() / 1_000
                + " µs; true: "
                + s.diagnosis());

        int v2 =
            registry
                .register(
                    "diagnosis", Models.train(new Candidate("b", "log", 0.5, 20, 5), train), null)
                .version();
        registry.setAlias("diagnosis", "champion", v2); // loaded and warmed, then swapped in
        // The service follows the move on its own, in the background; refresh waits until it
        // serves what the registry says now (at most 30 s).
        service.refresh(Duration.ofSeconds(30));
        Prediction q = service.predict(request);
        out.println("after the alias moved: v" + q.version() + " says " + q.output());

        List<Sample> rows = new ArrayList<>(split.test());
        Path csv = workspace.resolve("requests.csv");
        BreastCancer.writeCsv(rows, csv); // sample_id, diagnosis, 30 features
        BatchResult batch =
            BatchJob.builder()
                .service(service)
                .input(csv)
                .output(workspace.resolve("scores.csv"))
                .passThrough(BreastCancer.ID, BreastCancer.LABEL)
                .parallelism(2)
                .build()
                .run();
        out.println(
            "batch: "
                + batch.rowsScored()
                + " rows scored, "
                + batch.rowsRejected()
                + " rejected -> "
                + batch.output());
        return new Result(p.version(), q.version(), batch);
      }
    }
  }
}
