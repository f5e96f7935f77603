package io.github.mlops4j.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.InvalidInputException;
import io.github.mlops4j.serving.Prediction;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.tracing.MicrometerTracingAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Predictions observed through Boot's own observation set-up: timed once by the starter's cached
 * meter handler (Boot's default handler keeps every other observation), and traced when a tracer
 * exists.
 */
class PredictionObservationsTest {
  @TempDir static Path workspace;

  @BeforeAll
  static void registerModel() {
    ChurnFixture.register(workspace);
  }

  @Configuration(proxyBeanMethods = false)
  static class Meters {
    @Bean
    SimpleMeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Tracing {
    @Bean
    SimpleTracer tracer() {
      return new SimpleTracer();
    }
  }

  private ApplicationContextRunner runner() {
    return runner(workspace);
  }

  /**
   * Boot's observation auto-configuration and the starter, with a {@code MeterRegistry}, serving
   * {@code churn} from {@code workspace} (where {@link ChurnFixture#register} put it).
   */
  static ApplicationContextRunner runner(Path workspace) {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(ObservationAutoConfiguration.class, MlopsAutoConfiguration.class))
        .withUserConfiguration(Meters.class)
        .withPropertyValues(
            "mlops.workspace=" + workspace,
            "mlops.registry-poll-interval=0s",
            "mlops.serving.models.churn.alias=champion",
            "mlops.serving.meters=false");
  }

  private static Timer timer(MeterRegistry meters, String... tags) {
    return meters.get(PredictionObservations.PREDICTION).tags(tags).timer();
  }

  @Test
  void eachPredictionIsTimedOnce_byTheStartersHandler_otherObservationsByBootsDefault() {
    runner()
        .run(
            ctx -> {
              assertThat(ctx).hasSingleBean(DefaultMeterObservationHandler.class);
              assertThat(ctx).hasSingleBean(PredictionMeterHandler.class);
              assertThat(ctx.getBeanProvider(MeterObservationHandler.class).orderedStream())
                  .first()
                  .isInstanceOf(PredictionMeterHandler.class);
              InferenceService churn = ctx.getBean("churn", InferenceService.class);
              MeterRegistry meters = ctx.getBean(MeterRegistry.class);
              for (int i = 0; i < 3; i++) {
                churn.predict(ChurnFixture.customer(1 + i, 2));
              }
              assertThatThrownBy(() -> churn.predict(Map.of("tenure", "long")))
                  .isInstanceOf(InvalidInputException.class);

              Timer ok =
                  timer(
                      meters,
                      "mlops.model",
                      "churn",
                      "mlops.version",
                      "1",
                      "mlops.route",
                      "primary",
                      "mlops.outcome",
                      "ok",
                      "error",
                      "none");
              assertThat(ok.count()).isEqualTo(3);
              Timer invalid =
                  timer(
                      meters,
                      "mlops.model",
                      "churn",
                      "mlops.version",
                      "1",
                      "mlops.route",
                      "none",
                      "mlops.outcome",
                      "invalid",
                      "error",
                      "InvalidInputException");
              assertThat(invalid.count()).isEqualTo(1);
              assertThat(
                      meters.get(PredictionObservations.PREDICTION).timers().stream()
                          .mapToLong(Timer::count)
                          .sum())
                  .as("no observation timed twice")
                  .isEqualTo(4);
              // the same timer object every call: found in the handler's cache
              churn.predict(ChurnFixture.customer(5, 5));
              assertThat(ok.count()).isEqualTo(4);

              Observation.createNotStarted("app.other", ctx.getBean(ObservationRegistry.class))
                  .observe(() -> {});
              assertThat(meters.get("app.other").timer().count()).isEqualTo(1);
            });
  }

  @Test
  void predictAllIsOneListObservation() {
    runner()
        .run(
            ctx -> {
              InferenceService churn = ctx.getBean("churn", InferenceService.class);
              MeterRegistry meters = ctx.getBean(MeterRegistry.class);
              churn.predictAll(List.of(ChurnFixture.customer(1, 2), ChurnFixture.customer(9, 8)));
              assertThatThrownBy(() -> churn.predictAll(List.of(Map.of("tenure", "long"))))
                  .isInstanceOf(InvalidInputException.class);
              assertThat(
                      meters
                          .get(PredictionObservations.LIST)
                          .tags("mlops.model", "churn", "mlops.kind", "predict_all")
                          .tag("mlops.outcome", "ok")
                          .timer()
                          .count())
                  .isEqualTo(1);
              assertThat(
                      meters
                          .get(PredictionObservations.LIST)
                          .tags("mlops.kind", "predict_all", "mlops.outcome", "invalid")
                          .timer()
                          .count())
                  .isEqualTo(1);
              assertThat(meters.find(PredictionObservations.PREDICTION).timers())
                  .as("the list's requests are not observed one by one")
                  .isEmpty();
            });
  }

  @Test
  void withATracer_eachPredictionIsASpanWithItsKeys_andStillTimedOnce() {
    runner()
        .withConfiguration(AutoConfigurations.of(MicrometerTracingAutoConfiguration.class))
        .withUserConfiguration(Tracing.class)
        .run(
            ctx -> {
              assertThat(ctx).hasSingleBean(PredictionMeterHandler.class);
              InferenceService churn = ctx.getBean("churn", InferenceService.class);
              Prediction p = churn.predict(ChurnFixture.customer(1, 2));

              SimpleTracer tracer = ctx.getBean(SimpleTracer.class);
              SimpleSpan span = tracer.onlySpan();
              assertThat(span.getName()).isEqualTo(PredictionObservations.PREDICTION);
              assertThat(span.getTags())
                  .containsEntry("mlops.model", "churn")
                  .containsEntry("mlops.version", "1")
                  .containsEntry("mlops.route", "primary")
                  .containsEntry("mlops.outcome", "ok")
                  .containsEntry("mlops.prediction.id", p.id());
              assertThat(span.getEndTimestamp()).isNotNull();
              MeterRegistry meters = ctx.getBean(MeterRegistry.class);
              assertThat(timer(meters, "mlops.model", "churn", "mlops.outcome", "ok").count())
                  .isEqualTo(1);
            });
  }
}
