package io.github.mlops4j.serving.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.InferenceService;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example of the "Batch scoring" section of docs/serving.md, compiled and run. */
class BatchDocExampleTest {
  @TempDir Path temp;

  @Test
  void batchScoringExample() {
    Path workspace = temp.resolve("workspace");
    Path customers = BatchFixtures.csv(temp.resolve("customers.csv"), 250);
    Path scores = temp.resolve("scores.csv");
    List<String> log = new ArrayList<>();
    try (ModelRegistry registry = ModelRegistry.open(workspace)) {
      registry.register("churn", BatchFixtures.churnModel(0), null);

      // tag::batch[]
      try (InferenceService churn =
          InferenceService.builder()
              .registry(registry)
              .model("churn")
              .version(1) // pin the version for a batch run
              .build()) {
        BatchResult r =
            BatchJob.builder()
                .service(churn)
                .input(customers) // customer_id,tenure,spend,note
                .output(scores) // rejects go to scores.rejects.csv
                .passThrough("customer_id")
                .parallelism(2)
                .checkpointEvery(10_000)
                .listener(p -> log.add(p.rowsDone() + " rows, ETA " + p.eta().orElse(null)))
                .build()
                .run();
        System.out.printf(
            "%d scored, %d rejected, %.0f rows/s%n",
            r.rowsScored(), r.rowsRejected(), r.rowsPerSecond());
      }
      // end::batch[]
    }
    assertThat(BatchFixtures.lines(scores)).hasSize(251);
    assertThat(BatchFixtures.lines(scores).get(0))
        .isEqualTo("customer_id,prediction_id,model_version,output,score_no,score_yes");
    assertThat(log).last().asString().startsWith("250 rows");
  }
}
