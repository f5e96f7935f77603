package io.github.mlops4j.examples;

import io.github.mlops4j.features.EntityRow;
import io.github.mlops4j.features.FeatureRow;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.features.FeatureValue;
import io.github.mlops4j.features.FeatureView;
import io.github.mlops4j.features.OnlineFeatures;
import io.github.mlops4j.features.TrainingRow;
import io.github.mlops4j.features.ValueType;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Feature lookup only: a view of one sample's lab measurement written twice (a preliminary value,
 * then a corrected one), a point-in-time training set that sees each value only from its event time
 * on, materialization, and an online read.
 */
public final class FeaturesExample {
  private FeaturesExample() {}

  /**
   * Runs the example in {@code [--workspace] DIR} (default {@code target/features-workspace}),
   * wiped first.
   */
  public static void main(String[] args) {
    run(Examples.workspace(args, "features"), System.out);
  }

  /**
   * Runs the example; returns the values the training set got for its three spine rows, in order.
   *
   * @param workspace deleted and recreated
   */
  public static List<FeatureValue> run(Path workspace, PrintStream out) {
    Examples.wipe(workspace);
    Instant jan1 = Instant.parse("2025-01-01T00:00:00Z");
    Instant jan5 = Instant.parse("2025-01-05T00:00:00Z");
    try (FeatureStore features = FeatureStore.open(workspace)) {
      features.apply(
          FeatureView.builder("cell_nuclei")
              .entity("sample_id", ValueType.STRING)
              .feature("worst_radius", ValueType.DOUBLE)
              .build());
      features.write(
          "cell_nuclei",
          List.of(
              FeatureRow.of(Map.of("sample_id", "S0001"), jan1, Map.of("worst_radius", 24.1)),
              FeatureRow.of(Map.of("sample_id", "S0001"), jan5, Map.of("worst_radius", 25.38))));

      Map<String, Object> label = Map.of("sample_id", "S0001", "diagnosis", "malignant");
      List<EntityRow> spine =
          List.of( // the label as known at three times
              EntityRow.of(label, jan1.minusSeconds(1)),
              EntityRow.of(label, jan1.plusSeconds(3600)),
              EntityRow.of(label, jan5.plusSeconds(3600)));
      List<TrainingRow> rows = features.historical(spine, List.of("cell_nuclei:worst_radius"));
      for (TrainingRow r : rows) {
        FeatureValue v = r.value("cell_nuclei:worst_radius");
        out.println("as of " + r.timestamp() + ": " + v.status() + " " + v.value());
      }

      features.materialize(jan5.plusSeconds(7200));
      OnlineFeatures online =
          features.online(Map.of("sample_id", "S0001"), List.of("cell_nuclei:worst_radius"));
      out.println("online: " + online.value("cell_nuclei:worst_radius"));
      return rows.stream().map(r -> r.value("cell_nuclei:worst_radius")).toList();
    }
  }
}
