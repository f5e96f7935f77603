package io.github.mlops4j.monitoring.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The examples of docs/monitoring.md, compiled and run: the page shows the tagged regions {@code
 * monitoring-example} and {@code monitoring-detector} (kept equal by {@code DocSnippetsTest} in
 * mlops-examples).
 */
class MonitoringGuideExampleTest {
  @TempDir Path dir;

  @Test
  void guideExample() throws IOException {
    SplittableRandom rnd = new SplittableRandom(7);
    int n = 5000;
    double[] ages = new double[n];
    String[] plans = new String[n];
    Boolean[] churned = new Boolean[n];
    for (int i = 0; i < n; i++) {
      ages[i] = 20 + rnd.nextInt(50);
      plans[i] = rnd.nextInt(10) == 0 ? null : rnd.nextBoolean() ? "basic" : "pro";
      churned[i] = rnd.nextInt(5) == 0;
    }
    double[] olderAges = new double[1000];
    String[] currentPlans = new String[1000];
    Boolean[] currentChurned = new Boolean[1000];
    for (int i = 0; i < 1000; i++) {
      olderAges[i] = 35 + rnd.nextInt(50);
      currentPlans[i] = rnd.nextBoolean() ? "basic" : "pro";
      currentChurned[i] = rnd.nextInt(5) == 0;
    }
    Frame currentWindow =
        Frame.builder()
            .numeric("age", olderAges)
            .categorical("plan", currentPlans)
            .bool("churned", currentChurned)
            .build();
    Path html = dir.resolve("drift.html");
    // tag::monitoring-example[]
    Frame reference =
        Frame.builder()
            .numeric("age", ages) // double[]: NaN and ±Infinity are missing
            .categorical("plan", plans) // String[]: null is missing
            .bool("churned", churned) // Boolean[]: null is missing
            .build();

    DriftDetector detector =
        DriftDetector.builder(reference)
            .preset(DriftPreset.PRODUCTION) // or EVIDENTLY, the default
            .column("age", DriftMethod.wasserstein(0.1)) // override the preset for one column
            .build(); // sorts and bins the reference once

    DriftReport report = detector.compare(currentWindow); // cheap: call it for every window
    for (ColumnDrift c : report.columns()) {
      System.out.println(
          c.column() + ": " + c.method() + " = " + c.score() + (c.drifted() ? ", drift" : ""));
    }
    boolean alarm = report.datasetDrift(); // share of drifted columns >= 0.5
    report.writeHtml(html); // html = Path.of("drift.html"): one self-contained page
    String json = report.toJson(); // schemaVersion 1
    // end::monitoring-example[]
    assertThat(report.columns()).hasSize(3);
    assertThat(report.column("age").orElseThrow().method()).isEqualTo("wasserstein_normed");
    assertThat(report.column("age").orElseThrow().drifted()).isTrue();
    assertThat(report.column("plan").orElseThrow().method()).isEqualTo("psi");
    assertThat(report.column("plan").orElseThrow().quality().referenceMissingShare()).isPositive();
    assertThat(report.column("churned").orElseThrow().drifted()).isFalse();
    assertThat(alarm).isEqualTo(report.driftedShare() >= 0.5);
    assertThat(Files.readString(html)).contains("<svg");
    assertThat(json).contains("\"schemaVersion\" : 1");
  }

  @Test
  void builderOptions() {
    Frame reference =
        Frame.builder()
            .numeric("income", DriftTestData.range(1, 100))
            .categorical("customer_id", DriftTestData.labels(new String[] {"c1", "c2"}, 50, 50))
            .build();
    Frame current = Frame.builder().numeric("income", DriftTestData.range(1, 100)).build();
    Clock clock = DriftTestData.CLOCK;
    // tag::monitoring-detector[]
    DriftDetector detector =
        DriftDetector.builder(reference)
            .preset(DriftPreset.EVIDENTLY) // default; or PRODUCTION
            .column("income", DriftMethod.psi(0.2)) // this column's method, whatever the preset
            .ignore("customer_id") // not compared; need not be in current data
            .datasetThreshold(0.5) // dataset drift when >= this share drifts (default 0.5)
            .failOnExtraColumns(false) // default: unknown current columns are ignored
            .histogramBins(20) // report histograms; 0 leaves them out
            .clock(clock) // stamps reports (default: UTC system clock)
            .build();
    DriftReport report = detector.compare(current);
    // end::monitoring-detector[]
    assertThat(report.columns()).extracting(ColumnDrift::method).containsExactly("psi");
    assertThat(report.createdTime()).isEqualTo(clock.instant());
  }
}
