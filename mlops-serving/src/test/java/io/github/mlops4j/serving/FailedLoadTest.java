package io.github.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FailedLoadTest {
  @TempDir Path workspace;

  @Test
  void aTamperedVersionNeverTakesTrafficAndTheOldOneKeepsServing() throws Exception {
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      registry.register("churn", TestModels.classifier(0), null);
      ModelVersion bad = registry.register("churn", TestModels.classifier(1), null);
      registry.register("churn", TestModels.classifier(1), null);
      registry.setAlias("churn", "champion", 1);
      Path artifact =
          ((io.github.mlops4j.artifacts.DirectoryArtifactStore) registry.store().artifacts())
              .path(bad.digest());
      byte[] bytes = Files.readAllBytes(artifact);
      bytes[bytes.length / 2] ^= 0x5A;
      artifact.toFile().setWritable(true);
      Files.write(artifact, bytes);

      List<ServingEvent> events = new CopyOnWriteArrayList<>();
      CountDownLatch failed = new CountDownLatch(1);
      try (InferenceService s =
          InferenceService.builder()
              .registry(registry)
              .model("churn")
              .alias("champion")
              .listener(
                  PredictionListener.onServingEvent(
                      event -> {
                        events.add(event);
                        if (event instanceof ServingEvent.LoadFailed) {
                          failed.countDown();
                        }
                      }))
              .build()) {
        registry.setAlias("churn", "champion", 2);
        s.refresh(Duration.ofSeconds(10));
        failed.await();
        assertThat(s.activeVersion()).isEqualTo(1);
        Prediction p = s.predict(TestModels.request(1, 1, 1));
        assertThat(p.version()).isEqualTo(1);
        assertThat(p.output()).isEqualTo("yes");
        assertThat(events)
            .filteredOn(e -> e instanceof ServingEvent.LoadFailed)
            .singleElement()
            .satisfies(
                e -> {
                  ServingEvent.LoadFailed f = (ServingEvent.LoadFailed) e;
                  assertThat(f.version()).isEqualTo(2);
                  assertThat(f.reason()).contains("integrity");
                });
        // a good version after the bad one is taken
        registry.setAlias("churn", "champion", 3);
        s.refresh(Duration.ofSeconds(10));
        assertThat(s.predict(TestModels.request(1, 1, 1)).version()).isEqualTo(3);
      }
    }
  }

  @Test
  void aVersionFailingItsWarmUpNeverTakesTraffic() {
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      registry.register("churn", TestModels.classifier(0), null);
      registry.register("churn", TestModels.planClassifier(), null); // v2: different inputs
      registry.setAlias("churn", "champion", 1);
      try (InferenceService s =
          InferenceService.builder()
              .registry(registry)
              .model("churn")
              .alias("champion")
              .warmUp(List.of(TestModels.request(1, 1, 1)))
              .build()) {
        registry.setAlias("churn", "champion", 2);
        s.refresh(Duration.ofSeconds(10));
        assertThat(s.activeVersion()).isEqualTo(1);
        assertThat(s.predict(TestModels.request(1, 1, 1)).version()).isEqualTo(1);
      }
    }
  }
}
