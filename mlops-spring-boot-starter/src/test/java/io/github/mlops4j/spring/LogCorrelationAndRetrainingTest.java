package io.github.mlops4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.registry.training.RetrainingEvent;
import io.github.mlops4j.registry.training.RetrainingEvent.Step;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.Prediction;
import io.github.mlops4j.tracking.Run;
import io.github.mlops4j.tracking.Tracker;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Run and prediction ids in SLF4J's MDC, and the retraining observation. */
class LogCorrelationAndRetrainingTest {
  @TempDir static Path workspace;

  @BeforeAll
  static void registerModel() {
    ChurnFixture.register(workspace);
  }

  /** Records each stopped observation: its name, key values and the MDC when it stopped. */
  static final class Recording implements ObservationHandler<Observation.Context> {
    final List<String> stopped = new CopyOnWriteArrayList<>();
    final List<Map<String, String>> mdc = new CopyOnWriteArrayList<>();
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(Observation.Event event, Observation.Context context) {
      events.add(event.getName());
    }

    @Override
    public void onStop(Observation.Context context) {
      StringBuilder b = new StringBuilder(String.valueOf(context.getName()));
      context
          .getAllKeyValues()
          .forEach(kv -> b.append(' ').append(kv.getKey()).append('=').append(kv.getValue()));
      stopped.add(b.toString());
      Map<String, String> m = MDC.getCopyOfContextMap();
      mdc.add(m == null ? Map.of() : m);
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
      return true;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Observations {
    final Recording recording = new Recording();

    @Bean
    Recording recording() {
      return recording;
    }

    @Bean
    ObservationRegistry observationRegistry(Recording recording) {
      ObservationRegistry r = ObservationRegistry.create();
      r.observationConfig().observationHandler(recording);
      return r;
    }
  }

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(MlopsAutoConfiguration.class))
        .withUserConfiguration(Observations.class)
        .withPropertyValues(
            "mlops.workspace=" + workspace,
            "mlops.registry-poll-interval=0s",
            "mlops.serving.models.churn.alias=champion");
  }

  @Test
  void withMdcOn_theRunIdIsInTheMdcWhileTheRunRunsOnItsThread() {
    runner()
        .withPropertyValues("mlops.observations.mdc=true")
        .run(
            ctx -> {
              Tracker tracker = ctx.getBean(Tracker.class);
              Run run = tracker.startRun("mdc");
              assertThat(MDC.get("mlops.run.id")).isEqualTo(run.id());
              run.close();
              assertThat(MDC.get("mlops.run.id")).isNull();
            });
  }

  @Test
  void withMdcOn_thePredictionIdIsInTheMdcWhenTheObservationEnds_andClearedAfterTheCall() {
    runner()
        .withPropertyValues("mlops.observations.mdc=true")
        .run(
            ctx -> {
              Recording recording = ctx.getBean(Recording.class);
              Prediction p =
                  ctx.getBean("churn", InferenceService.class).predict(ChurnFixture.customer(1, 2));
              assertThat(recording.mdc)
                  .last()
                  .isEqualTo(
                      Map.of(
                          ServedModels.MDC_MODEL, "churn", ServedModels.MDC_PREDICTION_ID, p.id()));
              assertThat(MDC.get(ServedModels.MDC_PREDICTION_ID)).isNull();
              assertThat(MDC.get(ServedModels.MDC_MODEL)).isNull();
            });
  }

  @Test
  void mdcIsOffByDefault() {
    runner()
        .run(
            ctx -> {
              assertThat(ctx).doesNotHaveBean("mlopsRunMdc");
              Run run = ctx.getBean(Tracker.class).startRun("no-mdc");
              assertThat(MDC.get("mlops.run.id")).isNull();
              run.close();
              ctx.getBean("churn", InferenceService.class).predict(ChurnFixture.customer(1, 2));
              assertThat(ctx.getBean(Recording.class).mdc).last().isEqualTo(Map.of());
            });
  }

  private static RetrainingEvent event(Step step, Integer version, String run) {
    return new RetrainingEvent(
        "churn", step, "drift: spend", version, run, "gate: auc 0.91", Instant.EPOCH);
  }

  @Test
  void aRetrainingIsOneObservationFromTriggerToOutcome_withItsStepsAsEvents() {
    Recording recording = new Recording();
    ObservationRegistry registry = ObservationRegistry.create();
    registry.observationConfig().observationHandler(recording);
    RetrainingObservations observations = new RetrainingObservations(registry);

    observations.onStep(event(Step.TRIGGERED, null, null));
    observations.onStep(event(Step.SKIPPED, null, null)); // a second trigger, refused
    observations.onStep(event(Step.TRAINED, null, "run-1"));
    observations.onStep(event(Step.REGISTERED, 2, "run-1"));
    observations.onStep(event(Step.GATE_EVALUATED, 2, "run-1"));
    assertThat(recording.stopped).hasSize(1).first().asString().contains("mlops.outcome=skipped");
    observations.onStep(event(Step.PROMOTED, 2, "run-1"));

    assertThat(recording.stopped).hasSize(2);
    assertThat(recording.stopped.get(1))
        .startsWith("mlops.retraining ")
        .contains(
            "mlops.model=churn",
            "mlops.outcome=promoted",
            "mlops.run.id=run-1",
            "mlops.version=2",
            "mlops.trigger=drift: spend");
    assertThat(recording.events).containsExactly("trained", "registered", "gate_evaluated");
  }
}
