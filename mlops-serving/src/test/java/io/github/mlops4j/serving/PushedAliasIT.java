package io.github.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.store.EmbeddedPostgresExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.classification.Label;

/**
 * A service on registry B follows an alias that registry A moves, on one PostgreSQL database with a
 * DataSource each (as two processes would have). B polls once an hour: the move reaches it through
 * PostgreSQL's {@code NOTIFY}.
 */
class PushedAliasIT {
  @RegisterExtension
  static final EmbeddedPostgresExtension postgres = new EmbeddedPostgresExtension("serving_push");

  @TempDir Path temp;

  @Test
  void aServiceOnB_followsAnAliasMovedOnA() throws Exception {
    String db = postgres.create();
    Path artifacts = temp.resolve("artifacts");
    Model<Label> first = TestModels.classifier(0);
    Model<Label> second = TestModels.classifier(1); // answers the opposite of the first
    try (ModelRegistry a =
            ModelRegistry.builder()
                .dataSource(postgres.dataSource(db))
                .artifactRoot(artifacts)
                .pollInterval(Duration.ZERO)
                .build();
        ModelRegistry b =
            ModelRegistry.builder()
                .dataSource(postgres.dataSource(db))
                .artifactRoot(artifacts)
                .pollInterval(Duration.ofHours(1))
                .build()) {
      a.register("churn", first, null);
      a.register("churn", second, null);
      a.setAlias("churn", "champion", 1);
      CountDownLatch swapped = new CountDownLatch(1);
      try (InferenceService service =
          InferenceService.builder()
              .registry(b)
              .model("churn")
              .alias("champion")
              .warmUp(List.of(TestModels.request(1, 1, 1)))
              .listener(
                  PredictionListener.onServingEvent(
                      e -> {
                        if (e instanceof ServingEvent.Swapped s && s.toVersion() == 2) {
                          swapped.countDown();
                        }
                      }))
              .build()) {
        assertThat(service.predict(TestModels.request(1, 1, 1)).version()).isEqualTo(1);

        a.setAlias("churn", "champion", 2);

        assertThat(swapped.await(60, TimeUnit.SECONDS)).as("safety net").isTrue();
        Prediction p = service.predict(TestModels.request(1, 1, 1));
        assertThat(p.version()).isEqualTo(2);
        assertThat(p.output()).isEqualTo(TestModels.expected(second, 1, 1, 1));
        assertThat(p.output()).isNotEqualTo(TestModels.expected(first, 1, 1, 1));
      }
    }
  }
}
