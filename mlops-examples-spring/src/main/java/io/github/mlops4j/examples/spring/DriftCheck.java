package io.github.mlops4j.examples.spring;

import io.github.mlops4j.monitoring.Monitor;
import io.github.mlops4j.monitoring.WindowSummary;
import io.github.mlops4j.monitoring.drift.ColumnDrift;
import io.github.mlops4j.monitoring.drift.DriftReport;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The scheduled drift check: every {@code churn.drift.interval} (default one minute) it closes the
 * monitor's window and compares it with the reference ({@link ChurnMonitoring}). The scores are
 * exported as {@code mlops.drift.*} meters; a drifted window is logged.
 */
@Component
public class DriftCheck {
  private static final Logger LOG = LoggerFactory.getLogger(DriftCheck.class);

  private final Monitor monitor;

  /**
   * @param monitor fed by {@link ChurnController}
   */
  public DriftCheck(Monitor monitor) {
    this.monitor = monitor;
  }

  /** Runs {@link #check()} on Spring's scheduler. */
  @Scheduled(
      fixedDelayString = "${churn.drift.interval:PT1M}",
      initialDelayString = "${churn.drift.interval:PT1M}")
  public void scheduled() {
    check();
  }

  /**
   * Closes the window and compares it with the reference.
   *
   * @return the drift report of the window, empty if it had no rows or nothing to compare with
   */
  public Optional<DriftReport> check() {
    Optional<DriftReport> report = monitor.flush().flatMap(WindowSummary::report);
    report.ifPresent(
        r -> {
          if (r.datasetDrift()) {
            LOG.warn(
                "churn: inputs drifted from the reference: {}",
                r.columns().stream()
                    .filter(ColumnDrift::drifted)
                    .map(ColumnDrift::column)
                    .toList());
          } else {
            LOG.info("churn: no drift in {} columns", r.columns().size());
          }
        });
    return report;
  }
}
