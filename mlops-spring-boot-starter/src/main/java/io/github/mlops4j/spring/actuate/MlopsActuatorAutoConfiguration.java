package io.github.mlops4j.spring.actuate;

import io.github.mlops4j.features.FeatureCacheStats;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.spring.MlopsAutoConfiguration;
import io.github.mlops4j.spring.MlopsProperties;
import io.github.mlops4j.spring.ServedModels;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.tracking.Tracker;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Actuator and metrics for mlops4j: health contributor {@code mlops} ({@code store} and {@code
 * models/<name>}), info contribution {@code mlops.models}, and tracker and feature meters.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = MlopsAutoConfiguration.class)
@ConditionalOnBean(Store.class)
public class MlopsActuatorAutoConfiguration {
  /** Configured by Spring. */
  public MlopsActuatorAutoConfiguration() {}

  /** Health and info, with spring-boot-actuator on the class path. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthIndicator.class)
  static class Actuator {
    @Bean
    HealthContributor mlopsHealthContributor(
        Store store,
        MlopsProperties properties,
        ObjectProvider<DataSource> dataSource,
        ObjectProvider<ServedModels> served) {
      Map<String, HealthContributor> parts = new LinkedHashMap<>();
      parts.put(
          "store",
          MlopsHealth.store(
              store,
              properties.getStore() == MlopsProperties.StoreKind.DATASOURCE
                  ? dataSource.getIfAvailable()
                  : null,
              properties.getWorkspace()));
      ServedModels models = served.getIfAvailable();
      if (models != null && !models.models().isEmpty()) {
        Map<String, HealthContributor> each = new LinkedHashMap<>();
        models.models().forEach((name, s) -> each.put(name, MlopsHealth.model(models, s)));
        parts.put("models", CompositeHealthContributor.fromMap(each));
      }
      return CompositeHealthContributor.fromMap(parts);
    }

    @Bean
    @ConditionalOnClass(InferenceService.class)
    @ConditionalOnBean(ServedModels.class)
    InfoContributor mlopsInfoContributor(ServedModels models) {
      return builder -> {
        Map<String, Object> out = new LinkedHashMap<>();
        models
            .models()
            .forEach(
                (name, s) -> {
                  Map<String, Object> m = new LinkedHashMap<>();
                  s.alias().ifPresent(a -> m.put("alias", a));
                  s.service()
                      .ifPresent(
                          svc -> {
                            // one read: empty while no version is loaded yet, or once closed
                            Map<String, Integer> routes = svc.routes();
                            m.put("routes", routes);
                            if (!routes.isEmpty()) { // the first route is the active version's
                              m.put("version", routes.values().iterator().next());
                            }
                            svc.notLoadedReason().ifPresent(r -> m.put("notLoaded", r));
                          });
                  out.put(name, m);
                });
        builder.withDetail("mlops", Map.of("models", out));
      };
    }
  }

  /**
   * Tracker meters ({@code mlops.tracker.*}: queue depth, writer lag, points stored, dropped and
   * rejected), feature meters ({@code mlops.features.*}: freshness and lookups per view) and the
   * feature cache's meters ({@code cache.*} with tag {@code cache=mlops.features}), with Micrometer
   * on the class path.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MeterRegistry.class)
  static class Metrics {
    @Bean
    MeterBinder mlopsStoreMetrics(
        ObjectProvider<Tracker> tracker, ObjectProvider<FeatureStore> fs) {
      return registry -> {
        Tracker t = tracker.getIfAvailable();
        if (t != null) {
          bindTracker(t, registry);
        }
        FeatureStore f = fs.getIfAvailable();
        if (f != null) {
          bindFeatures(f, registry);
          bindCache(f, registry);
        }
      };
    }
  }

  static void bindTracker(Tracker t, MeterRegistry registry) {
    Gauge.builder("mlops.tracker.queue.depth", t, Tracker::pendingMetricPoints)
        .description("Metric points waiting for the tracker's writer")
        .register(registry);
    FunctionCounter.builder("mlops.tracker.points.dropped", t, Tracker::droppedMetricPoints)
        .description("Metric points dropped because the queue was full")
        .register(registry);
    FunctionCounter.builder("mlops.tracker.points.rejected", t, Tracker::rejectedMetricPoints)
        .description("Metric points dropped because their run had ended in the store")
        .register(registry);
    FunctionCounter.builder("mlops.tracker.points.stored", t, Tracker::storedMetricPoints)
        .description("Metric points written to the store")
        .register(registry);
    TimeGauge.builder(
            "mlops.tracker.writer.lag",
            t,
            TimeUnit.MILLISECONDS,
            x -> (double) x.metricWriterLag().toMillis())
        .description("How long the oldest metric point not yet stored has waited")
        .register(registry);
  }

  /** The name and tag of the feature cache's meters, as Micrometer's cache binders name them. */
  static final String CACHE = "mlops.features";

  /**
   * The feature store's online cache under the names of Micrometer's {@code CaffeineCacheMetrics}
   * ({@code cache.gets{result=hit|miss}}, {@code cache.puts}, {@code cache.evictions}, {@code
   * cache.eviction.weight}, {@code cache.load{result=success|failure}}, {@code
   * cache.load.duration}, {@code cache.size}), tag {@code cache=mlops.features}, so cache panels
   * made for Caffeine caches show it. The tags {@code name} and {@code cache.manager} complete the
   * tag keys Spring Boot gives its own caches' meters: Prometheus wants one set of tag keys per
   * meter name, and an application with Spring caches publishes {@code cache.gets} too. Each meter
   * reads {@link FeatureStore#cacheStats()}.
   */
  static void bindCache(FeatureStore f, MeterRegistry registry) {
    Tags tags = Tags.of("cache", CACHE, "name", CACHE, "cache.manager", "mlops4j");
    Gauge.builder("cache.size", f, s -> (double) s.cacheStats().size())
        .tags(tags)
        .description("The number of entries in this cache (an estimate)")
        .register(registry);
    String gets =
        "The number of times cache lookup methods have returned a cached (hit) or uncached"
            + " (newly loaded) value (miss)";
    cacheCounter(
        registry, f, "cache.gets", tags.and("result", "hit"), gets, FeatureCacheStats::hits);
    cacheCounter(
        registry, f, "cache.gets", tags.and("result", "miss"), gets, FeatureCacheStats::misses);
    cacheCounter(
        registry,
        f,
        "cache.puts",
        tags,
        "The number of entries added to the cache",
        s -> s.loadSuccesses() + s.loadFailures());
    cacheCounter(
        registry,
        f,
        "cache.evictions",
        tags,
        "The number of times the cache was evicted",
        FeatureCacheStats::evictions);
    cacheCounter(
        registry,
        f,
        "cache.eviction.weight",
        tags,
        "The sum of weights of evicted entries (each entry weighs 1)",
        FeatureCacheStats::evictions);
    String loads =
        "The number of times cache lookup methods have successfully loaded a new value or failed"
            + " to load a new value";
    cacheCounter(
        registry,
        f,
        "cache.load",
        tags.and("result", "success"),
        loads,
        FeatureCacheStats::loadSuccesses);
    cacheCounter(
        registry,
        f,
        "cache.load",
        tags.and("result", "failure"),
        loads,
        FeatureCacheStats::loadFailures);
    TimeGauge.builder(
            "cache.load.duration",
            f,
            TimeUnit.NANOSECONDS,
            s -> (double) s.cacheStats().totalLoadTime().toNanos())
        .tags(tags)
        .description("The time the cache has spent loading new values")
        .register(registry);
  }

  private static void cacheCounter(
      MeterRegistry registry,
      FeatureStore f,
      String name,
      Tags tags,
      String description,
      ToLongFunction<FeatureCacheStats> count) {
    FunctionCounter.builder(name, f, s -> (double) count.applyAsLong(s.cacheStats()))
        .tags(tags)
        .description(description)
        .register(registry);
  }

  /** Freshness per view: age of the newest online row, and lookups by status. */
  static void bindFeatures(FeatureStore f, MeterRegistry registry) {
    f.freshness()
        .forEach(
            view -> {
              String name = view.view();
              Gauge.builder(
                      "mlops.features.freshness.age",
                      f,
                      s -> {
                        var a = s.freshness(name).age();
                        return a == null ? Double.NaN : a.toNanos() / 1e9;
                      })
                  .tag("view", name)
                  .baseUnit("seconds")
                  .description("Age of the newest materialized event of the view")
                  .register(registry);
              FunctionCounter.builder("mlops.features.lookups", f, s -> s.freshness(name).lookups())
                  .tag("view", name)
                  .description("Online feature values served for the view")
                  .register(registry);
            });
  }
}
