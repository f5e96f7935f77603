package io.github.mlops4j.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * A churn-prediction service: {@code GET /churn/{customerId}?tenure=..} predicts with the model the
 * registry's {@code champion} alias names, the customer's {@code spend} looked up in the feature
 * store; {@link DriftCheck} compares recent requests with the training data on a schedule.
 * Everything mlops4j is configured by the starter from {@code application.properties}: the
 * workspace ({@code MLOPS_WORKSPACE}), the served model, health probes, metrics and the graceful
 * drain.
 *
 * <p>The workspace is filled by the training side (a registered {@code churn} model with the alias
 * {@code champion}, and the feature view {@code customer} with its online rows); this service only
 * reads it.
 */
@SpringBootApplication
@EnableScheduling
public class ChurnApplication {
  /** Configured by Spring. */
  public ChurnApplication() {}

  /** Starts the service; Spring's command-line arguments ({@code --server.port=8081}) apply. */
  public static void main(String[] args) {
    SpringApplication.run(ChurnApplication.class, args);
  }
}
