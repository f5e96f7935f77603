package io.github.mlops4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.features.FeatureLookupObserver;
import io.github.mlops4j.features.FeatureRow;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.features.FeatureView;
import io.github.mlops4j.features.ValueType;
import io.github.mlops4j.tracking.Run;
import io.github.mlops4j.tracking.Tracker;
import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The tracker's writer lag, the feature cache's meters (under Micrometer's cache names) and the
 * {@code mlops.features.lookup} observation, through Boot's own metrics and observation set-up.
 */
class FeatureAndTrackerMetersTest {
  @TempDir Path workspace;

  private static final String SPEND = "customer:spend";

  /** Contexts of the observations that stopped, in order. */
  static final class Recording implements ObservationHandler<Observation.Context> {
    final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();

    @Override
    public void onStop(Observation.Context context) {
      stopped.add(context);
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
      return true;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Meters {
    @Bean
    SimpleMeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }

    @Bean
    Recording recording() {
      return new Recording();
    }
  }

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                MetricsAutoConfiguration.class,
                ObservationAutoConfiguration.class,
                MlopsAutoConfiguration.class,
                io.github.mlops4j.spring.actuate.MlopsActuatorAutoConfiguration.class))
        .withUserConfiguration(Meters.class)
        .withPropertyValues("mlops.workspace=" + workspace, "mlops.registry-poll-interval=0s");
  }

  /** A view {@code customer} with c1's spend materialized. */
  private static void customerSpend(FeatureStore features) {
    features.apply(
        FeatureView.builder("customer")
            .entity("customer_id", ValueType.STRING)
            .feature("spend", ValueType.DOUBLE)
            .build());
    Instant now = Instant.now();
    features.write(
        "customer",
        List.of(
            FeatureRow.of(
                Map.of("customer_id", "c1"), now.minusSeconds(60), Map.of("spend", 12.5))));
    features.materialize(now);
  }

  private static double cache(MeterRegistry meters, String name, String... tags) {
    return meters.get(name).tags("cache", "mlops.features").tags(tags).functionCounter().count();
  }

  private static Timer lookups(MeterRegistry meters, String outcome) {
    return meters
        .get(FeatureLookupObservations.LOOKUP)
        .tags("mlops.view", "customer", "mlops.outcome", outcome)
        .timer();
  }

  @Test
  void theCacheMetersMoveWithLookups_andEachLookupIsObserved() {
    runner()
        .run(
            ctx -> {
              MeterRegistry meters = ctx.getBean(MeterRegistry.class);
              FeatureStore features = ctx.getBean(FeatureStore.class);
              assertThat(ctx).hasSingleBean(FeatureLookupObservations.class);
              customerSpend(features);
              assertThat(cache(meters, "cache.gets", "result", "miss")).isZero();
              assertThat(cache(meters, "cache.gets", "result", "hit")).isZero();

              features.online(Map.of("customer_id", "c1"), List.of(SPEND)); // a miss, one load
              assertThat(cache(meters, "cache.gets", "result", "miss")).isEqualTo(1);
              assertThat(cache(meters, "cache.gets", "result", "hit")).isZero();
              assertThat(cache(meters, "cache.load", "result", "success")).isEqualTo(1);
              assertThat(cache(meters, "cache.puts")).isEqualTo(1);
              features.online(Map.of("customer_id", "c1"), List.of(SPEND)); // a hit
              assertThat(cache(meters, "cache.gets", "result", "hit")).isEqualTo(1);
              assertThat(cache(meters, "cache.gets", "result", "miss")).isEqualTo(1);
              assertThat(meters.get("cache.size").tags("cache", "mlops.features").gauge().value())
                  .isEqualTo(1);
              assertThat(cache(meters, "cache.evictions")).isZero();
              // the tag keys Spring Boot gives its caches' meters: one key set per name
              assertThat(
                      meters
                          .get("cache.gets")
                          .tags("result", "hit")
                          .functionCounter()
                          .getId()
                          .getTags())
                  .extracting(Tag::getKey)
                  .containsExactlyInAnyOrder("cache", "name", "cache.manager", "result");
              assertThat(cache(meters, "cache.load", "result", "failure")).isZero();
              assertThat(meters.get("cache.load.duration").timeGauge()).isNotNull();

              features.online(Map.of("customer_id", "nobody"), List.of(SPEND));
              assertThat(lookups(meters, "present").count()).isEqualTo(2);
              assertThat(lookups(meters, "not_found").count()).isEqualTo(1);
              assertThat(lookups(meters, "present").getId().getTags())
                  .extracting(Tag::getKey)
                  .containsExactlyInAnyOrder("mlops.view", "mlops.outcome", "error");

              List<Observation.Context> seen =
                  ctx.getBean(Recording.class).stopped.stream()
                      .filter(c -> FeatureLookupObservations.LOOKUP.equals(c.getName()))
                      .toList();
              assertThat(seen).hasSize(3);
              assertThat(seen.get(2).getLowCardinalityKeyValues())
                  .containsExactlyInAnyOrder(
                      KeyValue.of("mlops.view", "customer"),
                      KeyValue.of("mlops.outcome", "not_found"));
              assertThat(seen.get(2).getHighCardinalityKeyValues())
                  .containsExactly(KeyValue.of("mlops.rows", "1"));
            });
  }

  @Test
  void theWriterLagIsZeroWhileTheTrackerIsIdle() {
    runner()
        .run(
            ctx -> {
              MeterRegistry meters = ctx.getBean(MeterRegistry.class);
              Tracker tracker = ctx.getBean(Tracker.class);
              assertThat(meters.get("mlops.tracker.writer.lag").timeGauge().value(TimeUnit.SECONDS))
                  .isZero();
              try (Run run = tracker.startRun("meters")) {
                run.logMetric("loss", 0.5, 1);
                assertThat(tracker.flush(Duration.ofSeconds(30))).isTrue();
              }
              assertThat(meters.get("mlops.tracker.writer.lag").timeGauge().value(TimeUnit.SECONDS))
                  .isZero();
              assertThat(meters.get("mlops.tracker.points.stored").functionCounter().count())
                  .isEqualTo(1);
            });
  }

  @Test
  void lookupsAreNotObservedWhenSwitchedOff_theCacheMetersStay() {
    for (String off :
        new String[] {
          "mlops.observations.feature-lookups=false", "mlops.observations.enabled=false"
        }) {
      runner()
          .withPropertyValues(off)
          .run(
              ctx -> {
                assertThat(ctx).doesNotHaveBean(FeatureLookupObserver.class);
                MeterRegistry meters = ctx.getBean(MeterRegistry.class);
                FeatureStore features = ctx.getBean(FeatureStore.class);
                customerSpend(features);
                features.online(Map.of("customer_id", "c1"), List.of(SPEND));
                assertThat(meters.find(FeatureLookupObservations.LOOKUP).timer()).as(off).isNull();
                assertThat(cache(meters, "cache.gets", "result", "miss")).isEqualTo(1);
              });
    }
  }

  @Test
  void anApplicationObserverIsUsed() {
    List<String> seen = new CopyOnWriteArrayList<>();
    runner()
        .withBean(
            FeatureLookupObserver.class,
            () ->
                new FeatureLookupObserver() {
                  @Override
                  public Object onStart(List<String> views, int rows) {
                    seen.add("start " + views);
                    return "ctx";
                  }

                  @Override
                  public void onEnd(
                      Object context,
                      io.github.mlops4j.features.FeatureStatus outcome,
                      Throwable error) {
                    seen.add("end " + outcome);
                  }
                })
        .run(
            ctx -> {
              assertThat(ctx).doesNotHaveBean(FeatureLookupObservations.class);
              FeatureStore features = ctx.getBean(FeatureStore.class);
              customerSpend(features);
              features.online(Map.of("customer_id", "c1"), List.of(SPEND));
              assertThat(seen).containsExactly("start [customer]", "end PRESENT");
              assertThat(ctx.getBean(ObservationRegistry.class)).isNotNull();
            });
  }
}
