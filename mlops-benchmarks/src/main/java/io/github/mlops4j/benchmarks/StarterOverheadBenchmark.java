package io.github.mlops4j.benchmarks;

import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.Prediction;
import io.github.mlops4j.serving.metrics.MicrometerServingMeters;
import io.github.mlops4j.spring.MlopsAutoConfiguration;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.tracking.Tracker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Cost of the Spring Boot starter on {@code predict}, and of starting a context with one served
 * model, each beside the same objects built by hand in the same run.
 *
 * <p>Setup: the logistic regression of {@link ServingOverheadBenchmark} (5,000 rows, 20 features)
 * registered under {@code champion} in an embedded workspace. Every service records {@code
 * MicrometerServingMeters} into a {@code SimpleMeterRegistry}, as the starter does when the
 * application has a {@code MeterRegistry}.
 *
 * <ul>
 *   <li>{@code byHand} (baseline): {@code InferenceService.builder()...build()} with those meters.
 *   <li>{@code starterNoObservation}: the starter's {@code churn} bean with {@code
 *       mlops.observations.enabled=false}: the in-flight count of the graceful drain only.
 *   <li>{@code starterObserved}: the starter's bean with Boot's own {@code
 *       ObservationAutoConfiguration} and no tracer (long-task timers off, {@code
 *       management.observations.long-task-timer.enabled=false}): the meter handlers in one
 *       first-matching group, the starter's prediction handler (a cache of timers) first. With
 *       nothing else to see a prediction, the starter times each call straight into that handler's
 *       {@code mlops.prediction} timer ({@code mlops.observations.direct-timers}).
 *   <li>{@code starterObservedWithHandler}: the same with an application's own {@code
 *       ObservationHandler} bean, which must see every call: one full {@code mlops.prediction}
 *       {@code Observation} per call, timed by the same handler.
 *   <li>{@code startContext} / {@code startByHand} (single shot): a non-web context with the
 *       starter and one served model, started and closed; the store, tracker, feature store,
 *       registry and service built and closed by hand.
 *   <li>{@code startBareContext} (single shot): the same context start with mlops4j's
 *       auto-configuration excluded, the floor Spring sets: {@code startContext} can be no faster
 *       than {@code startBareContext + startByHand}, so when {@code startBareContext} exceeds half
 *       of {@code startByHand} the 1.5x target is below that floor.
 *   <li>{@code startHandWiredContext} (single shot): the same application without the starter,
 *       declaring the objects of {@code startByHand} as its own beans ({@link HandWired}): what a
 *       Spring Boot application builds by hand instead of using the starter. {@code startContext -
 *       startHandWiredContext} is the starter's own start cost.
 * </ul>
 *
 * <p>Targets: {@code starterObserved} p50 - {@code byHand} p50 &lt;= 0.3 us; {@code startContext}
 * &lt;= 1.5 x {@code startByHand}.
 *
 * <p>Run (from the repository root): {@code java -jar mlops-benchmarks/target/benchmarks.jar
 * StarterOverheadBenchmark -f 1}; allocation per call: add {@code -prof gc}; where the time goes:
 * {@code -prof jfr}.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
@State(Scope.Benchmark)
public class StarterOverheadBenchmark {
  static final int ROWS = 1024;

  Path dir;
  ModelRegistry registry;
  InferenceService byHand;
  ConfigurableApplicationContext plain;
  ConfigurableApplicationContext observed;
  ConfigurableApplicationContext withHandler;
  InferenceService starterNoObservation;
  InferenceService starterObserved;
  InferenceService starterObservedWithHandler;
  List<Map<String, Object>> requests;
  int next;

  /** The application's meter registry; Boot's observation auto-configuration, without a tracer. */
  @SpringBootConfiguration(proxyBeanMethods = false)
  @ImportAutoConfiguration({ObservationAutoConfiguration.class, MlopsAutoConfiguration.class})
  public static class App {
    /** Spring makes it. */
    public App() {}

    @Bean
    MeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }
  }

  /** {@link App} with an application's own observation handler, which must see every call. */
  @SpringBootConfiguration(proxyBeanMethods = false)
  @ImportAutoConfiguration({ObservationAutoConfiguration.class, MlopsAutoConfiguration.class})
  public static class AppWithHandler {
    /** Spring makes it. */
    public AppWithHandler() {}

    @Bean
    MeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }

    @Bean
    CountingHandler countingHandler() {
      return new CountingHandler();
    }
  }

  /**
   * The objects of {@code startByHand} declared by an application without the starter: the store in
   * the workspace of {@code mlops.workspace}, the tracker, feature store and registry on it, and
   * the served model's service following {@code champion}, recording into the application's meter
   * registry. Each is closed when the context closes.
   */
  @Configuration(proxyBeanMethods = false)
  public static class HandWired {
    /** Spring makes it. */
    public HandWired() {}

    @Bean(destroyMethod = "close")
    Store store(Environment environment) {
      return Store.open(Path.of(environment.getRequiredProperty("mlops.workspace")));
    }

    @Bean(destroyMethod = "close")
    Tracker tracker(Store store) {
      return Tracker.builder().store(store).build();
    }

    @Bean(destroyMethod = "close")
    FeatureStore featureStore(Store store) {
      return FeatureStore.builder().store(store).build();
    }

    @Bean(destroyMethod = "close")
    ModelRegistry modelRegistry(Store store) {
      return ModelRegistry.builder().store(store).pollInterval(Duration.ZERO).build();
    }

    @Bean(destroyMethod = "close")
    InferenceService churn(ModelRegistry registry, MeterRegistry meters) {
      return InferenceService.builder()
          .registry(registry)
          .model("churn")
          .alias("champion")
          .meters(MicrometerServingMeters.of(meters))
          .build();
    }
  }

  /** Counts the observations it sees, as a user's handler (a log, an audit) would look at them. */
  public static final class CountingHandler implements ObservationHandler<Observation.Context> {
    long stopped;

    @Override
    public void onStop(Observation.Context context) {
      stopped++;
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
      return true;
    }
  }

  static ConfigurableApplicationContext start(Path workspace, boolean observations) {
    return start(App.class, workspace, observations);
  }

  static ConfigurableApplicationContext start(Class<?> app, Path workspace, boolean observations) {
    return builder(app, workspace, observations).run();
  }

  static SpringApplicationBuilder builder(Class<?> app, Path workspace, boolean observations) {
    return new SpringApplicationBuilder(app)
        .web(WebApplicationType.NONE)
        .logStartupInfo(false)
        .properties(
            "spring.main.banner-mode=off",
            "management.observations.long-task-timer.enabled=false",
            "mlops.workspace=" + workspace,
            "mlops.registry-poll-interval=0s",
            "mlops.serving.models.churn.alias=champion",
            "mlops.observations.enabled=" + observations);
  }

  @Setup(Level.Trial)
  public void setUp() {
    dir = BenchmarkSupport.tempDir("starter");
    registry = ModelRegistry.builder().workspace(dir).pollInterval(Duration.ZERO).build();
    registry.register("churn", LogisticFixture.train(5_000, 7), null);
    registry.setAlias("churn", "champion", 1);
    byHand =
        InferenceService.builder()
            .registry(registry)
            .model("churn")
            .alias("champion")
            .meters(MicrometerServingMeters.of(new SimpleMeterRegistry()))
            .build();
    plain = start(dir, false);
    observed = start(dir, true);
    withHandler = start(AppWithHandler.class, dir, true);
    starterNoObservation = plain.getBean("churn", InferenceService.class);
    starterObserved = observed.getBean("churn", InferenceService.class);
    starterObservedWithHandler = withHandler.getBean("churn", InferenceService.class);
    SplittableRandom random = new SplittableRandom(11);
    requests = new ArrayList<>(ROWS);
    for (int i = 0; i < ROWS; i++) {
      requests.add(LogisticFixture.request(LogisticFixture.row(random)));
    }
    for (Map<String, Object> r : requests) { // the three must agree
      String a = byHand.predict(r).output();
      if (!a.equals(starterObserved.predict(r).output())
          || !a.equals(starterNoObservation.predict(r).output())
          || !a.equals(starterObservedWithHandler.predict(r).output())) {
        throw new IllegalStateException("The services disagree on " + r);
      }
    }
    if (observed.getBean(MeterRegistry.class).find("mlops.prediction").timer() == null) {
      throw new IllegalStateException("No mlops.prediction timer: the observation is off");
    }
    if (observed.getBeanProvider(MeterObservationHandler.class).stream().count() == 0) {
      throw new IllegalStateException("The starter's prediction meter handler is missing");
    }
    if (withHandler.getBean(CountingHandler.class).stopped < ROWS) {
      throw new IllegalStateException("The application's handler did not see every prediction");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    byHand.close();
    plain.close();
    observed.close();
    withHandler.close();
    registry.close();
    BenchmarkSupport.deleteRecursively(dir);
  }

  private Map<String, Object> nextRequest() {
    int i = next;
    next = (i + 1) & (ROWS - 1);
    return requests.get(i);
  }

  @Benchmark
  public Prediction byHand() {
    return byHand.predict(nextRequest());
  }

  @Benchmark
  public Prediction starterNoObservation() {
    return starterNoObservation.predict(nextRequest());
  }

  @Benchmark
  public Prediction starterObserved() {
    return starterObserved.predict(nextRequest());
  }

  @Benchmark
  public Prediction starterObservedWithHandler() {
    return starterObservedWithHandler.predict(nextRequest());
  }

  /** Context start with one served model, and the same objects by hand. */
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 5)
  @Measurement(iterations = 20)
  @Fork(1)
  @State(Scope.Benchmark)
  public static class Startup {
    Path dir;

    @Setup(Level.Trial)
    public void setUp() {
      dir = BenchmarkSupport.tempDir("starter-start");
      try (ModelRegistry r = ModelRegistry.open(dir)) {
        r.register("churn", LogisticFixture.train(5_000, 7), null);
        r.setAlias("churn", "champion", 1);
      }
      // the hand-wired application serves what the starter's serves
      Map<String, Object> request =
          LogisticFixture.request(LogisticFixture.row(new SplittableRandom(3)));
      try (ConfigurableApplicationContext starter = start(dir, true);
          ConfigurableApplicationContext handWired = handWired(dir)) {
        if (handWired.containsBean("mlopsStore")) {
          throw new IllegalStateException("The starter was not excluded");
        }
        String expected =
            starter.getBean("churn", InferenceService.class).predict(request).output();
        String actual =
            handWired.getBean("churn", InferenceService.class).predict(request).output();
        if (!expected.equals(actual)) {
          throw new IllegalStateException(
              "The hand-wired service predicts " + actual + ", the starter's " + expected);
        }
      }
    }

    static ConfigurableApplicationContext handWired(Path workspace) {
      return builder(App.class, workspace, true)
          .sources(HandWired.class)
          .properties("spring.autoconfigure.exclude=" + MlopsAutoConfiguration.class.getName())
          .run();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      BenchmarkSupport.deleteRecursively(dir);
    }

    @Benchmark
    public int startContext() {
      try (ConfigurableApplicationContext ctx = start(dir, true)) {
        return ctx.getBean("churn", InferenceService.class).activeVersion();
      }
    }

    /**
     * The same application start as {@link #startContext} (same application class, properties, Boot
     * auto-configuration and logging) with mlops4j's auto-configuration excluded through {@code
     * spring.autoconfigure.exclude}: the application without the starter. Excluding it, rather than
     * leaving out the {@code mlops.*} properties, keeps the starter's condition evaluation and
     * configuration-class parsing out of the floor, so that {@code startContext - startBareContext
     * - startByHand} is all the starter's own cost.
     */
    @Benchmark
    public int startBareContext() {
      try (ConfigurableApplicationContext ctx =
          builder(App.class, dir, true)
              .properties("spring.autoconfigure.exclude=" + MlopsAutoConfiguration.class.getName())
              .run()) {
        if (ctx.containsBean("churn")) {
          throw new IllegalStateException("The starter was not excluded");
        }
        return ctx.getBeanDefinitionCount();
      }
    }

    /**
     * The same application start as {@link #startContext} (same application class, properties, Boot
     * auto-configuration, meter registry and logging) with mlops4j's auto-configuration excluded,
     * as in {@link #startBareContext}, and the objects of {@link #startByHand} declared by the
     * application's own configuration class ({@link HandWired}): the store, tracker, feature store,
     * registry and the served model's service, each a bean closed with the context. This is the
     * alternative to the starter in a Spring Boot application, so {@code startContext -
     * startHandWiredContext} is what the starter itself adds to a start (configuration classes,
     * conditions, {@code mlops.*} binding and checks, observations, the served-model registrar).
     */
    @Benchmark
    public int startHandWiredContext() {
      try (ConfigurableApplicationContext ctx = handWired(dir)) {
        return ctx.getBean("churn", InferenceService.class).activeVersion();
      }
    }

    @Benchmark
    public int startByHand() {
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      try (Store store = Store.open(dir);
          Tracker tracker = Tracker.builder().store(store).build();
          FeatureStore features = FeatureStore.builder().store(store).build();
          ModelRegistry r =
              ModelRegistry.builder().store(store).pollInterval(Duration.ZERO).build();
          InferenceService s =
              InferenceService.builder()
                  .registry(r)
                  .model("churn")
                  .alias("champion")
                  .meters(MicrometerServingMeters.of(meters))
                  .build()) {
        return s.activeVersion() + (tracker.store() == store ? 0 : 1) + features.views().size();
      }
    }
  }
}
