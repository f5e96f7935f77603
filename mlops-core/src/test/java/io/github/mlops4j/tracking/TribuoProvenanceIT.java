package io.github.mlops4j.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/** A real Tribuo model trained on a small synthetic set; its provenance logged to a run. */
class TribuoProvenanceIT {
  @TempDir Path temp;

  private static Model<Label> train() {
    LabelFactory factory = new LabelFactory();
    MutableDataset<Label> data =
        new MutableDataset<>(new SimpleDataSourceProvenance("synthetic churn", factory), factory);
    Random random = new Random(7);
    for (int i = 0; i < 200; i++) {
      double tenure = random.nextDouble() * 10;
      double spend = random.nextDouble() * 100;
      String label = tenure < 3 && spend < 50 ? "yes" : "no";
      data.add(
          new ArrayExample<>(
              new Label(label), new String[] {"tenure", "spend"}, new double[] {tenure, spend}));
    }
    return new LogisticRegressionTrainer().train(data);
  }

  @Test
  void logsTrainerConfigDatasetAndVersions() throws Exception {
    Model<Label> model = train();
    try (Tracker tracker = Tracker.builder().workspace(temp).captureEnvironment(false).build();
        Run run = tracker.startRun("tribuo")) {
      Map<String, String> logged = TribuoProvenance.log(run, model);
      RunInfo info = tracker.findRun(run.id()).orElseThrow();
      assertThat(info.params())
          .containsAllEntriesOf(logged)
          .containsEntry("tribuo.model.class", model.getProvenance().getClassName())
          .containsKey("tribuo.trainer.seed")
          .containsKey("tribuo.trainer.epochs")
          .containsEntry("tribuo.dataset.num-examples", "200")
          .containsEntry("tribuo.dataset.num-features", "2");
      assertThat(info.tags())
          .containsEntry("tribuo.version", model.getProvenance().getTribuoVersion())
          .containsKeys("tribuo.java.version", "tribuo.os", "tribuo.arch", "tribuo.trained-at");
      try (InputStream in = tracker.openArtifact(run.id(), TribuoProvenance.ARTIFACT)) {
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
            .contains("LogisticRegressionTrainer")
            .contains("synthetic churn");
      }
    }
  }
}
