package io.github.mlops4j.registry.validation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;

/**
 * A churn CSV where the text column {@code region} is a model feature (one-hot) and {@code
 * customer_id} is not a feature: churn is "yes" when tenure is below a threshold that depends on
 * the region. Linear in the one-hot encoding, so a logistic regression learns it well.
 */
final class LoanCsv {
  static final String HEADER = "customer_id,tenure,spend,region,churn";
  private static final String[] REGIONS = {"north", "south", "east"};
  private static final double[] OFFSET = {2.5, 0.0, 1.2};

  private LoanCsv() {}

  static Path write(Path file, int rows, long seed) throws IOException {
    Random random = new Random(seed);
    List<String> lines = new ArrayList<>();
    lines.add(HEADER);
    for (int i = 0; i < rows; i++) {
      int r = random.nextInt(REGIONS.length);
      double tenure = random.nextDouble() * 10;
      double spend = random.nextDouble() * 100;
      boolean churn = tenure < 4 + OFFSET[r];
      lines.add(
          String.format(
              Locale.ROOT,
              "C%06d,%.3f,%.2f,%s,%s",
              seed * 1_000_000 + i,
              tenure,
              spend,
              REGIONS[r],
              churn ? "yes" : "no"));
    }
    return Files.write(file, lines, StandardCharsets.UTF_8);
  }

  /** A logistic regression over tenure, spend and the one-hot region, trained on the CSV. */
  static Model<Label> train(Path csv) {
    Holdout<Label> data =
        Holdout.csvBuilder(csv, "churn", new LabelFactory()).ignoreColumns("customer_id").build();
    return new LogisticRegressionTrainer().train(data.dataset());
  }
}
