package io.github.mlops4j.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.InvalidInputException;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationFilter;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.test.simple.SimpleTracer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.autoconfigure.observation.ObservationRegistryCustomizer;
import org.springframework.boot.actuate.autoconfigure.tracing.MicrometerTracingAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Predictions timed straight into the starter's cached timers, without an {@code Observation} per
 * call, only where Boot's set-up has nothing but meter handlers; every other set-up keeps the full
 * observation, so that a tracer or an application's handler sees every prediction.
 */
class DirectPredictionTimersTest {
  @TempDir static Path workspace;

  @BeforeAll
  static void registerModel() {
    ChurnFixture.register(workspace);
  }

  /** An application's handler: counts the prediction observations it is shown and stops. */
  static final class CountingHandler implements ObservationHandler<Observation.Context> {
    final AtomicInteger started = new AtomicInteger();
    final AtomicInteger stopped = new AtomicInteger();

    @Override
    public void onStart(Observation.Context context) {
      if (PredictionObservations.PREDICTION.equals(context.getName())) {
        started.incrementAndGet();
      }
    }

    @Override
    public void onStop(Observation.Context context) {
      if (PredictionObservations.PREDICTION.equals(context.getName())) {
        stopped.incrementAndGet();
      }
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
      return true;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class UserHandler {
    @Bean
    CountingHandler countingHandler() {
      return new CountingHandler();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class UserFilter {
    @Bean
    ObservationFilter regionFilter() {
      return context ->
          context.addLowCardinalityKeyValue(io.micrometer.common.KeyValue.of("region", "eu"));
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class UserCustomizer {
    @Bean
    ObservationRegistryCustomizer<ObservationRegistry> customizer() {
      return registry -> {};
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnRegistry {
    @Bean
    ObservationRegistry observationRegistry() {
      return ObservationRegistry.create();
    }
  }

  private static ApplicationContextRunner runner() {
    return PredictionObservationsTest.runner(workspace);
  }

  private static boolean direct(AssertableApplicationContext ctx) {
    return ctx.getBean(PredictionObservations.class).timesDirectly();
  }

  /** Call kinds 0-5: valid customers; 6: a text value; 7: a field missing; 8: an unknown field. */
  private static void call(InferenceService churn, int kind) {
    Map<String, Object> request =
        switch (kind) {
          case 6 -> Map.of("tenure", "long", "spend", 2.0);
          case 7 -> Map.of("tenure", 3.0);
          case 8 -> Map.of("tenure", 3.0, "spend", 2.0, "age", 40);
          default -> ChurnFixture.customer(kind * 1.7, 9 - kind * 1.5);
        };
    if (kind < 6) {
      churn.predict(request);
    } else {
      assertThatThrownBy(() -> churn.predict(request)).isInstanceOf(InvalidInputException.class);
    }
  }

  /** Every {@code mlops.prediction} timer by its tags, to its count. */
  private static Map<List<Tag>, Long> predictionTimers(MeterRegistry meters) {
    Map<List<Tag>, Long> out = new HashMap<>();
    for (Timer t : meters.find(PredictionObservations.PREDICTION).timers()) {
      Meter.Id id = t.getId();
      out.put(id.getTags(), t.count());
    }
    return out;
  }

  private static Map<List<Tag>, Long> minus(
      Map<List<Tag>, Long> after, Map<List<Tag>, Long> before) {
    Map<List<Tag>, Long> out = new HashMap<>();
    after.forEach(
        (tags, count) -> {
          long d = count - before.getOrDefault(tags, 0L);
          if (d != 0) {
            out.put(tags, d);
          }
        });
    return out;
  }

  @Test
  void withMeterHandlersOnly_randomCallSequences_endInTheSameTimersAsFullObservations() {
    runner()
        .run(
            direct ->
                runner()
                    .withPropertyValues("mlops.observations.direct-timers=false")
                    .run(
                        full -> {
                          assertThat(direct(direct)).isTrue();
                          assertThat(direct(full)).isFalse();
                          InferenceService fast = direct.getBean("churn", InferenceService.class);
                          InferenceService simple = full.getBean("churn", InferenceService.class);
                          MeterRegistry fastMeters = direct.getBean(MeterRegistry.class);
                          MeterRegistry simpleMeters = full.getBean(MeterRegistry.class);
                          qt().withFixedSeed(25)
                              .withExamples(40)
                              .forAll(lists().of(integers().between(0, 8)).ofSizeBetween(0, 12))
                              .checkAssert(
                                  calls -> {
                                    Map<List<Tag>, Long> fastBefore = predictionTimers(fastMeters);
                                    Map<List<Tag>, Long> simpleBefore =
                                        predictionTimers(simpleMeters);
                                    for (int kind : calls) {
                                      call(fast, kind);
                                      call(simple, kind);
                                    }
                                    assertThat(minus(predictionTimers(fastMeters), fastBefore))
                                        .isEqualTo(
                                            minus(predictionTimers(simpleMeters), simpleBefore))
                                        .as("one count per call")
                                        .satisfies(
                                            m ->
                                                assertThat(
                                                        m.values().stream()
                                                            .mapToLong(Long::longValue)
                                                            .sum())
                                                    .isEqualTo(calls.size()));
                                  });
                          assertThat(predictionTimers(fastMeters))
                              .isEqualTo(predictionTimers(simpleMeters));
                        }));
  }

  @Test
  void directTiming_recordsTheCallsDuration() {
    runner()
        .run(
            ctx -> {
              assertThat(direct(ctx)).isTrue();
              InferenceService churn = ctx.getBean("churn", InferenceService.class);
              for (int i = 0; i < 5; i++) {
                call(churn, 1);
              }
              Timer ok =
                  ctx.getBean(MeterRegistry.class)
                      .get(PredictionObservations.PREDICTION)
                      .tags("mlops.outcome", "ok", "error", "none")
                      .timer();
              assertThat(ok.count()).isEqualTo(5);
              assertThat(ok.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
            });
  }

  @Test
  void anApplicationsHandlerBean_seesEveryPrediction() {
    runner()
        .withUserConfiguration(UserHandler.class)
        .run(
            ctx -> {
              assertThat(direct(ctx)).isFalse();
              InferenceService churn = ctx.getBean("churn", InferenceService.class);
              List<Integer> kinds = new ArrayList<>();
              for (int i = 0; i < 20; i++) {
                kinds.add(i % 9);
              }
              kinds.forEach(k -> call(churn, k));
              CountingHandler handler = ctx.getBean(CountingHandler.class);
              assertThat(handler.started).hasValue(kinds.size());
              assertThat(handler.stopped).hasValue(kinds.size());
              assertThat(
                      predictionTimers(ctx.getBean(MeterRegistry.class)).values().stream()
                          .mapToLong(Long::longValue)
                          .sum())
                  .as("still timed once each by the starter's handler")
                  .isEqualTo(kinds.size());
            });
  }

  @Test
  void aTracer_keepsTheFullObservation() {
    runner()
        .withConfiguration(AutoConfigurations.of(MicrometerTracingAutoConfiguration.class))
        .withUserConfiguration(PredictionObservationsTest.Tracing.class)
        .run(
            ctx -> {
              assertThat(direct(ctx)).isFalse();
              call(ctx.getBean("churn", InferenceService.class), 2);
              assertThat(ctx.getBean(SimpleTracer.class).onlySpan().getName())
                  .isEqualTo(PredictionObservations.PREDICTION);
            });
  }

  @Test
  void bootsCommonKeyValues_reachTheDirectlyRecordedTimers() {
    runner()
        .withPropertyValues("management.observations.key-values.region=eu")
        .run(
            ctx -> {
              assertThat(direct(ctx)).isTrue();
              InferenceService churn = ctx.getBean("churn", InferenceService.class);
              for (int i = 0; i < 3; i++) {
                call(churn, 0);
              }
              call(churn, 6);
              MeterRegistry meters = ctx.getBean(MeterRegistry.class);
              assertThat(
                      meters
                          .get(PredictionObservations.PREDICTION)
                          .tags("region", "eu", "mlops.outcome", "ok")
                          .timer()
                          .count())
                  .isEqualTo(3);
              assertThat(
                      meters
                          .get(PredictionObservations.PREDICTION)
                          .tags("region", "eu", "mlops.outcome", "invalid")
                          .timer()
                          .count())
                  .isEqualTo(1);
            });
  }

  @Test
  void predictionsTurnedOffByBootsProperty_areNotTimed() {
    runner()
        .withPropertyValues("management.observations.enable.mlops.prediction=false")
        .run(
            ctx -> {
              assertThat(direct(ctx)).isFalse();
              call(ctx.getBean("churn", InferenceService.class), 1);
              assertThat(predictionTimers(ctx.getBean(MeterRegistry.class))).isEmpty();
            });
  }

  @Test
  void anApplicationsFilter_customizerOrOwnRegistry_orTheProperty_keepTheFullObservation() {
    for (Class<?> config : List.of(UserFilter.class, UserCustomizer.class, OwnRegistry.class)) {
      runner()
          .withUserConfiguration(config)
          .run(ctx -> assertThat(direct(ctx)).as(config.getSimpleName()).isFalse());
    }
    runner()
        .withPropertyValues("mlops.observations.direct-timers=false")
        .run(
            ctx -> {
              assertThat(ctx).doesNotHaveBean(DirectTimers.class);
              assertThat(direct(ctx)).isFalse();
            });
    runner()
        .withUserConfiguration(UserFilter.class)
        .run(
            ctx -> {
              call(ctx.getBean("churn", InferenceService.class), 1);
              assertThat(
                      ctx.getBean(MeterRegistry.class)
                          .get(PredictionObservations.PREDICTION)
                          .tag("region", "eu")
                          .timer()
                          .count())
                  .isEqualTo(1);
            });
  }
}
