package io.github.mlops4j.examples.spring;

import io.github.mlops4j.features.FeatureRow;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.features.FeatureView;
import io.github.mlops4j.features.ValueType;
import io.github.mlops4j.monitoring.profile.Profile;
import io.github.mlops4j.spring.ChurnFixture;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What the training side leaves in the service's workspace: the starter's churn model registered as
 * {@code champion} (a real Tribuo logistic regression on tenure and spend), the feature view {@code
 * customer} with each customer's spend online, and the reference profile of the training inputs.
 */
final class ChurnWorkspace {
  /** The customers with online features, and their spend. */
  static final Map<String, Double> SPEND = Map.of("c-1", 1.5, "c-2", 9.0, "c-3", 4.0);

  static final String REFERENCE = "reference-profile.json";

  /** The tests' predict timeout: long enough never to expire on a loaded machine. */
  static final String NO_DEADLINE = "mlops.serving.models.churn.timeout=60s";

  private ChurnWorkspace() {}

  /** Fills {@code workspace} and returns it. */
  static Path fill(Path workspace) {
    ChurnFixture.register(workspace);
    Instant written = Instant.now().minusSeconds(60);
    try (FeatureStore features = FeatureStore.open(workspace)) {
      features.apply(
          FeatureView.builder("customer")
              .entity("customer_id", ValueType.STRING)
              .feature("spend", ValueType.DOUBLE)
              .build());
      List<FeatureRow> rows = new ArrayList<>();
      SPEND.forEach(
          (id, spend) ->
              rows.add(FeatureRow.of(Map.of("customer_id", id), written, Map.of("spend", spend))));
      features.write("customer", rows);
      features.materialize(Instant.now());
    }
    // the training tenures: uniform over [0, 10), as ChurnFixture trains on
    SplittableRandom random = new SplittableRandom(11);
    List<Map<String, Double>> tenures = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      tenures.add(Map.of("tenure", random.nextDouble(0, 10)));
    }
    try (OutputStream out = Files.newOutputStream(workspace.resolve(REFERENCE))) {
      Profile.of(ChurnMonitoring.schema(), tenures).writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return workspace;
  }

  /** The label Tribuo itself predicts for the customer: the reference for the service's answer. */
  static String expected(String customer, double tenure) {
    return ChurnFixture.tribuoPredicts(ChurnFixture.train(11), tenure, SPEND.get(customer));
  }
}
