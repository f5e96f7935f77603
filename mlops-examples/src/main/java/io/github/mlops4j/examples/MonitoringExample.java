package io.github.mlops4j.examples;

import io.github.mlops4j.examples.BreastCancer.Sample;
import io.github.mlops4j.examples.BreastCancer.Split;
import io.github.mlops4j.monitoring.drift.ColumnDrift;
import io.github.mlops4j.monitoring.drift.DriftDetector;
import io.github.mlops4j.monitoring.drift.DriftReport;
import io.github.mlops4j.monitoring.drift.Frame;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Batch drift detection only: the training split against the test split with two features shifted
 * (a recalibrated scanner). The default preset picks a KS test for these small numeric columns; the
 * report is written as a self-contained HTML page.
 */
public final class MonitoringExample {
  private MonitoringExample() {}

  /**
   * Runs the example in {@code [--workspace] DIR} (default {@code target/monitoring-workspace}),
   * wiped first.
   */
  public static void main(String[] args) {
    run(Examples.workspace(args, "monitoring"), System.out);
  }

  /**
   * Runs the example; returns the report.
   *
   * @param workspace deleted and recreated; the report is {@code drift.html} in it
   */
  public static DriftReport run(Path workspace, PrintStream out) {
    Examples.wipe(workspace);
    Split split = BreastCancer.split(BreastCancer.load(), 0.3, 42);
    List<Sample> current = BreastCancer.shift(split.test(), Demo.SCANNER_SHIFT);

    DriftDetector detector = DriftDetector.builder(frame(split.train())).build();
    DriftReport report = detector.compare(frame(current));
    for (ColumnDrift c : report.columns()) {
      out.printf(
          Locale.ROOT,
          "%-24s %-4s p=%-9.2g %s%n",
          c.column(),
          c.method(),
          c.score(),
          c.drifted() ? "DRIFT" : "");
    }
    Path html = workspace.resolve("drift.html");
    report.writeHtml(html);
    out.println(
        report.driftedColumns()
            + " of "
            + report.columns().size()
            + " columns drifted; report: "
            + html);
    return report;
  }

  private static Frame frame(List<Sample> samples) {
    Frame.Builder b = Frame.builder();
    for (String f : BreastCancer.meanFeatures()) {
      b.numeric(f, samples.stream().mapToDouble(s -> s.value(f)).toArray());
    }
    return b.build();
  }
}
