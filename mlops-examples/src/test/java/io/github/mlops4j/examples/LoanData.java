package io.github.mlops4j.examples;

import io.github.mlops4j.features.FeatureRow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The generated loan-default data of docs/tutorial.md, from a fixed seed: loan applications with
 * what the applicant gives (region, income and loan amount in thousands) and the outcome, and a
 * history of credit-bureau statistics per applicant (debt ratio, late payments in the last 12
 * months) with event times, some of them known only after the application.
 */
final class LoanData {
  static final String[] REGIONS = {"north", "south", "east", "west"};
  static final Instant START = Instant.parse("2021-01-04T08:00:00Z");

  /** One application; {@code defaulted} is known months later. */
  record Application(
      String applicantId,
      Instant appliedAt,
      String region,
      double income,
      double loanAmount,
      boolean defaulted) {
    Map<String, Object> request() {
      return Map.of(
          "applicant_id",
          applicantId,
          "region",
          region,
          "income",
          income,
          "loan_amount",
          loanAmount);
    }
  }

  final List<Application> applications = new ArrayList<>();
  final List<FeatureRow> bureau = new ArrayList<>();

  /**
   * @param n applications
   * @param loanScale 1 for the training population; above 1 for a campaign that brings larger loans
   *     (drift)
   * @param seed the generator's seed
   * @param firstId number of the first applicant id
   */
  LoanData(int n, double loanScale, long seed, int firstId) {
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < n; i++) {
      String id = String.format(Locale.ROOT, "A%05d", firstId + i);
      Instant appliedAt = START.plus(Duration.ofHours(6L * (firstId + i)));
      String region = REGIONS[random.nextInt(REGIONS.length)];
      double income = round(25 + 95 * random.nextDouble());
      double loan = round(loanScale * (5 + 45 * random.nextDouble()));
      double debtRatio = round(Math.min(0.95, Math.max(0.02, 0.35 + 0.2 * gaussian(random))));
      long late = Math.min(6, (long) Math.floor(-Math.log(1 - random.nextDouble()) * 0.8));
      double z =
          -2.2
              + 5 * (debtRatio - 0.35)
              + 0.6 * late
              + 2.5 * (loan / income - 0.35)
              + (region.equals("south") ? 0.5 : 0);
      boolean defaulted = random.nextDouble() < 1 / (1 + Math.exp(-z));
      applications.add(new Application(id, appliedAt, region, income, loan, defaulted));
      Map<String, String> key = Map.of("applicant_id", id);
      // the statistics known 20 days before the application ...
      bureau.add(
          FeatureRow.of(
              key,
              appliedAt.minus(Duration.ofDays(20)),
              Map.of("debt_ratio", debtRatio, "late_payments_12m", late)));
      // ... and a later report, after the application: a point-in-time join must not use it
      bureau.add(
          FeatureRow.of(
              key,
              appliedAt.plus(Duration.ofDays(30)),
              Map.of(
                  "debt_ratio",
                  round(Math.min(0.95, debtRatio + 0.3)),
                  "late_payments_12m",
                  late + 2)));
    }
  }

  /** Writes the requests as a CSV file with the raw {@code region} column, as a client sends. */
  void writeRequestsCsv(Path file) {
    StringBuilder csv = new StringBuilder("applicant_id,region,income,loan_amount\n");
    for (Application a : applications) {
      csv.append(a.applicantId())
          .append(',')
          .append(a.region())
          .append(',')
          .append(a.income())
          .append(',')
          .append(a.loanAmount())
          .append('\n');
    }
    try {
      Files.writeString(file, csv, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static double gaussian(SplittableRandom random) {
    return Math.sqrt(-2 * Math.log(1 - random.nextDouble()))
        * Math.cos(2 * Math.PI * random.nextDouble());
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
