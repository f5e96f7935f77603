package io.github.mlops4j.examples.spring;

import io.github.mlops4j.monitoring.Monitor;
import io.github.mlops4j.monitoring.WindowSpec;
import io.github.mlops4j.monitoring.metrics.MonitorMetrics;
import io.github.mlops4j.monitoring.profile.Profile;
import io.github.mlops4j.monitoring.profile.ProfileSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The drift monitor of the request inputs and its meters. The reference is the training data's
 * profile at {@code churn.reference-profile} (a {@link Profile} JSON file the training side
 * writes); without one each window is compared with the previous one.
 */
@Configuration(proxyBeanMethods = false)
public class ChurnMonitoring {
  /** Configured by Spring. */
  public ChurnMonitoring() {}

  /** The inputs the controller observes: the request's own, not the looked-up ones. */
  public static ProfileSchema schema() {
    return ProfileSchema.builder().numeric("tenure").build();
  }

  /**
   * The monitor; its window is closed by {@link DriftCheck} (or after {@code
   * churn.drift.max-window-rows} rows).
   */
  @Bean(destroyMethod = "close")
  public Monitor churnMonitor(
      @Value("${churn.reference-profile:}") String reference,
      @Value("${churn.drift.max-window-rows:1000000}") long maxRows) {
    Monitor.Builder b =
        Monitor.builder().model("churn").schema(schema()).window(WindowSpec.rows(maxRows));
    if (reference.isBlank()) {
      b.rollingReference();
    } else {
      b.reference(readProfile(Path.of(reference)));
    }
    return b.build();
  }

  /** {@code mlops.drift.score{model,feature,method}}, {@code mlops.drift.share} and the others. */
  @Bean
  public MonitorMetrics churnMonitorMetrics(Monitor churnMonitor) {
    return new MonitorMetrics(churnMonitor);
  }

  private static Profile readProfile(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return Profile.readFrom(in);
    } catch (IOException e) {
      throw new UncheckedIOException("churn.reference-profile: cannot read " + file, e);
    }
  }
}
