package io.github.mlops4j.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.tracking.Run;
import io.github.mlops4j.tracking.Tracker;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.classification.Label;

/** The README's registry example (workspace path under a temporary directory). */
class ReadmeExampleTest {
  @TempDir Path dir;

  @Test
  void readmeExample() {
    Path workspace = dir.resolve("workspace");
    Model<Label> model = Models.churn(1);
    Run run;
    try (Tracker tracker = Tracker.open(workspace)) {
      run = tracker.startRun("churn");
      run.close();
    }
    ModelVersion rolledBackTo;
    // --- README start
    try (ModelRegistry registry = ModelRegistry.open(workspace)) {
      ModelVersion v = registry.register("churn", model, run.id());
      registry.withComment("beats v3 on holdout").setAlias("churn", "champion", v.version());
      ModelVersion champion = registry.resolve("churn", "champion").orElseThrow();
      Model<Label> loaded = registry.loadTribuo(champion, Label.class);
      // --- README end (the rollback line needs an earlier champion, set up here)
      assertThat(loaded.predict(Models.example(1, 10)).getOutput())
          .isEqualTo(model.predict(Models.example(1, 10)).getOutput());
      ModelVersion v2 = registry.register("churn", Models.churn(2), run.id());
      registry.setAlias("churn", "champion", v2.version());
      rolledBackTo = registry.rollback("churn", "champion");
    }
    assertThat(rolledBackTo.version()).isEqualTo(1);
  }
}
