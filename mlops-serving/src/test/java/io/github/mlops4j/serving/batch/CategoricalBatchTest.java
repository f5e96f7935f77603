package io.github.mlops4j.serving.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.registry.FeatureSpec;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.serving.InferenceService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/** Tribuo marks a numeric feature with few distinct values (a 0/1 flag) as categorical. */
class CategoricalBatchTest {
  @Test
  void numericCategoricalColumnsAreScoredLikeOnline(@TempDir Path dir) throws IOException {
    LabelFactory factory = new LabelFactory();
    MutableDataset<Label> data =
        new MutableDataset<>(new SimpleDataSourceProvenance("flags", factory), factory);
    Random random = new Random(5);
    for (int i = 0; i < 300; i++) {
      double flag = random.nextBoolean() ? 1 : 0;
      double tenure = random.nextGaussian();
      data.add(
          new ArrayExample<>(
              new Label(flag + tenure > 0.5 ? "yes" : "no"),
              new String[] {"flag", "tenure"},
              new double[] {flag, tenure}));
    }
    try (ModelRegistry registry =
        ModelRegistry.builder().workspace(dir.resolve("ws")).pollInterval(Duration.ZERO).build()) {
      ModelVersion v =
          registry.register("churn", new LogisticRegressionTrainer().train(data), null);
      assertThat(v.signature().orElseThrow().inputs())
          .contains(new FeatureSpec("flag", FeatureSpec.Type.CATEGORICAL));
      try (InferenceService s =
          InferenceService.builder()
              .registry(registry)
              .model("churn")
              .version(v.version())
              .build()) {
        Path in =
            Files.write(dir.resolve("in.csv"), List.of("id,flag,tenure", "a,1,2.0", "b,0,-1.0"));
        Path inJson =
            Files.write(
                dir.resolve("in.jsonl"),
                List.of(
                    "{\"id\":\"a\",\"flag\":1,\"tenure\":2.0}",
                    "{\"id\":\"b\",\"flag\":\"0\",\"tenure\":-1.0}"));
        for (Path input : List.of(in, inJson)) {
          Path out = dir.resolve("out-" + input.getFileName() + ".csv");
          BatchResult r =
              BatchJob.builder()
                  .service(s)
                  .input(input)
                  .output(out)
                  .passThrough("id")
                  .parallelism(1)
                  .build()
                  .run();
          assertThat(r.rowsRejected()).isZero();
          List<String> lines = Files.readAllLines(out);
          assertThat(lines.get(1))
              .startsWith("a,")
              .contains("," + s.predict(Map.of("flag", 1.0, "tenure", 2.0)).output() + ",");
          assertThat(lines.get(2))
              .startsWith("b,")
              .contains("," + s.predict(Map.of("flag", 0.0, "tenure", -1.0)).output() + ",");
        }
      }
    }
  }
}
