package io.github.mlops4j.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.ModelUnavailableException;
import io.github.mlops4j.serving.metrics.ServingMetrics;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.tracking.Tracker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * The objects built in background while a Spring Boot application starts ({@link
 * BackgroundStartListener}): taken by the beans when they are the ones the context uses, closed
 * otherwise, before the refresh returns or fails, and failures reported as without it.
 */
class BackgroundStartTest {
  @TempDir static Path workspace;

  private static final String CHURN = "mlops.serving.models.churn.alias=champion";

  @BeforeAll
  static void registerModel() {
    ChurnFixture.register(workspace);
  }

  /** The application: a meter registry and Boot's observations, as a service has them. */
  @SpringBootConfiguration(proxyBeanMethods = false)
  @ImportAutoConfiguration({ObservationAutoConfiguration.class, MlopsAutoConfiguration.class})
  static class App {
    @Bean
    MeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }
  }

  /** The application with its own store (in another workspace). */
  @SpringBootConfiguration(proxyBeanMethods = false)
  @ImportAutoConfiguration(MlopsAutoConfiguration.class)
  static class OwnStore {
    @Bean(destroyMethod = "close")
    Store myStore(@org.springframework.beans.factory.annotation.Value("${other}") Path other) {
      return Store.open(other);
    }
  }

  /** The application with its own registry on the starter's store. */
  @SpringBootConfiguration(proxyBeanMethods = false)
  @ImportAutoConfiguration(MlopsAutoConfiguration.class)
  static class OwnRegistry {
    @Bean(destroyMethod = "close")
    ModelRegistry myRegistry(Store store) {
      return ModelRegistry.builder().store(store).build();
    }
  }

  /** An application bean that fails the start before the starter's beans are made. */
  @SpringBootConfiguration(proxyBeanMethods = false)
  @ImportAutoConfiguration(MlopsAutoConfiguration.class)
  static class Failing {
    @Bean
    String broken() {
      throw new IllegalStateException("broken on purpose");
    }
  }

  private static SpringApplicationBuilder app(
      Class<?> type, AtomicReference<BackgroundStart> seen, String... properties) {
    List<String> p = new ArrayList<>();
    p.add("spring.main.banner-mode=off");
    p.add("mlops.workspace=" + workspace);
    p.add("mlops.registry-poll-interval=0s");
    p.addAll(List.of(properties));
    return new SpringApplicationBuilder(type)
        .web(WebApplicationType.NONE)
        .logStartupInfo(false)
        .properties(p.toArray(String[]::new))
        .initializers(
            ctx -> ctx.addBeanFactoryPostProcessor(beans -> seen.set(BackgroundStart.in(beans))));
  }

  private static Set<String> mlopsThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith("mlops"))
        .collect(Collectors.toSet());
  }

  /**
   * No mlops thread started since {@code before} is left: a pool's or executor's worker ends just
   * after the close that stopped it, so this waits (up to 10 s) for the threads to end.
   */
  private static void assertNoNewThreads(Set<String> before) {
    long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (!before.containsAll(mlopsThreads()) && System.nanoTime() < until) {
      Thread.onSpinWait();
    }
    assertThat(mlopsThreads()).isSubsetOf(before);
  }

  /** Every object built in background that no bean took is closed. */
  private static void assertUnusedClosed(BackgroundStart b) {
    assertThat(b.running()).isFalse();
    Collection<String> taken = b.taken();
    for (Map.Entry<String, Object> e : b.built().entrySet()) {
      if (taken.contains(e.getKey())) {
        continue;
      }
      Object o = e.getValue();
      if (o instanceof Store s) {
        assertThat(s.isClosed()).as(e.getKey()).isTrue();
      } else if (o instanceof ModelRegistry r) {
        assertThatThrownBy(() -> r.findModel("churn"))
            .as(e.getKey())
            .isInstanceOf(IllegalStateException.class);
      } else if (o instanceof ServedModels.Prebuilt p) {
        assertThat(p.closedForTest()).as(e.getKey()).isTrue();
      }
    }
  }

  @Test
  void theBeansTakeTheObjectsBuiltInBackgroundAndBindTheContextsMeters() {
    AtomicReference<BackgroundStart> seen = new AtomicReference<>();
    Set<String> before = mlopsThreads();
    try (ConfigurableApplicationContext ctx = app(App.class, seen, CHURN).run()) {
      BackgroundStart b = seen.get();
      assertThat(b).isNotNull();
      assertThat(b.taken()).containsExactly("store", "tracker", "registry", "churn");
      assertThat(b.running()).isFalse();
      assertThat(ctx.containsBean(BackgroundStart.NAME)).isFalse();

      Store store = ctx.getBean(Store.class);
      assertThat(b.built().get("store")).isSameAs(store);
      assertThat(ctx.getBean(Tracker.class).store()).isSameAs(store);
      assertThat(ctx.getBean(ModelRegistry.class)).isSameAs(b.built().get("registry"));
      assertThat(ctx.getBean(FeatureStore.class)).isNotNull();

      InferenceService churn = ctx.getBean("churn", InferenceService.class);
      assertThat(churn.activeVersion()).isEqualTo(1);
      assertThat(churn.predict(ChurnFixture.customer(1, 1)).output()).isEqualTo("churn");
      MeterRegistry meters = ctx.getBean(MeterRegistry.class);
      assertThat(
              meters.find(ServingMetrics.PREDICT).tag("model", "churn").timers().stream()
                  .mapToLong(io.micrometer.core.instrument.Timer::count)
                  .sum())
          .isEqualTo(1);
      assertThat(meters.find(ServingMetrics.IN_FLIGHT).tag("model", "churn").gauge()).isNotNull();
      assertThat(meters.find("mlops.prediction").timer()).isNotNull();
      ServedModels served = ctx.getBean(ServedModels.class);
      assertThat(served.models().get("churn").service()).containsSame(churn);
    }
    assertNoNewThreads(before);
  }

  @Test
  void theSameFailureMessageAsWithoutTheBackgroundStart() {
    AtomicReference<BackgroundStart> seen = new AtomicReference<>();
    Set<String> before = mlopsThreads();
    String alias = "mlops.serving.models.churn.alias=nobody";
    Throwable withBackground = catchStart(app(App.class, seen, alias));
    BackgroundStart b = seen.get();
    assertThat(b).isNotNull();
    assertThat(b.taken()).contains("store", "registry", "churn");
    assertUnusedClosed(b);
    Throwable without =
        catchStart(
            app(App.class, new AtomicReference<>(), alias, "mlops.startup.background=false"));
    assertThat(rootMessage(withBackground)).isEqualTo(rootMessage(without)).contains("nobody");
    assertThat(messages(withBackground)).isEqualTo(messages(without));
    assertNoNewThreads(before);
  }

  @Test
  void aStoreThatDoesNotOpenFailsNamingThePropertyAsBefore(@TempDir Path dir) throws Exception {
    Path ws = dir.resolve("ws");
    Files.createDirectories(ws);
    Files.writeString(ws.resolve(Store.DATABASE_FILE), "not a database");
    AtomicReference<BackgroundStart> seen = new AtomicReference<>();
    Throwable withBackground = catchStart(app(App.class, seen, "mlops.workspace=" + ws));
    assertThat(seen.get()).isNotNull();
    Throwable without =
        catchStart(
            app(
                App.class,
                new AtomicReference<>(),
                "mlops.workspace=" + ws,
                "mlops.startup.background=false"));
    assertThat(messages(withBackground)).isEqualTo(messages(without));
    assertThat(messages(withBackground)).anyMatch(m -> m.contains("mlops.workspace"));
  }

  @Test
  void anApplicationsOwnStoreTakesNothingAndEverythingBuiltIsClosed(@TempDir Path other) {
    ChurnFixture.register(other);
    AtomicReference<BackgroundStart> seen = new AtomicReference<>();
    Set<String> before = mlopsThreads();
    try (ConfigurableApplicationContext ctx =
        app(OwnStore.class, seen, CHURN, "other=" + other).run()) {
      BackgroundStart b = seen.get();
      assertThat(b).isNotNull();
      assertThat(b.taken()).isEmpty();
      assertThat(b.built()).containsKeys("store", "tracker", "registry", "churn");
      assertUnusedClosed(b);
      Store mine = ctx.getBean(Store.class);
      assertThat(mine.isClosed()).isFalse();
      assertThat(ctx.getBean(ModelRegistry.class).store()).isSameAs(mine);
      assertThat(ctx.getBean("churn", InferenceService.class).activeVersion()).isEqualTo(1);
    }
    assertNoNewThreads(before);
  }

  @Test
  void anApplicationsOwnRegistryTakesTheStoreOnly() {
    AtomicReference<BackgroundStart> seen = new AtomicReference<>();
    Set<String> before = mlopsThreads();
    try (ConfigurableApplicationContext ctx = app(OwnRegistry.class, seen, CHURN).run()) {
      BackgroundStart b = seen.get();
      assertThat(b.taken()).containsExactly("store", "tracker");
      assertUnusedClosed(b);
      assertThat(ctx.getBean(Store.class).isClosed()).isFalse();
      InferenceService churn = ctx.getBean("churn", InferenceService.class);
      assertThat(churn.predict(ChurnFixture.customer(1, 1)).output()).isEqualTo("churn");
    }
    assertNoNewThreads(before);
  }

  @Test
  void aStartThatFailsBeforeTheBeansClosesEverythingBuilt() {
    AtomicReference<BackgroundStart> seen = new AtomicReference<>();
    Set<String> before = mlopsThreads();
    Throwable t = catchStart(app(Failing.class, seen, CHURN));
    assertThat(messages(t)).anyMatch(m -> m.contains("broken on purpose"));
    BackgroundStart b = seen.get();
    assertThat(b).isNotNull();
    assertThat(b.taken()).isEmpty();
    assertUnusedClosed(b);
    assertNoNewThreads(before);
  }

  @Test
  void turnedOffByPropertyOrWithoutAnExistingWorkspaceOrWhenExcluded(@TempDir Path dir) {
    AtomicReference<BackgroundStart> seen = new AtomicReference<>();
    try (ConfigurableApplicationContext ctx =
        app(App.class, seen, CHURN, "mlops.startup.background=false").run()) {
      assertThat(seen.get()).isNull();
      assertThat(ctx.getBean("churn", InferenceService.class).activeVersion()).isEqualTo(1);
    }
    Path fresh = dir.resolve("fresh");
    try (ConfigurableApplicationContext ctx =
        app(App.class, seen, "mlops.workspace=" + fresh).run()) {
      assertThat(seen.get()).isNull(); // a workspace the starter creates: built by the bean
      assertThat(ctx.getBean(Store.class).isClosed()).isFalse();
    }
    try (ConfigurableApplicationContext ctx =
        app(
                App.class,
                seen,
                CHURN,
                "spring.autoconfigure.exclude=" + MlopsAutoConfiguration.class.getName())
            .run()) {
      assertThat(seen.get()).isNull(); // the workspace exists, but the starter is excluded
      assertThat(ctx.containsBean("mlopsStore")).isFalse();
    }
  }

  private static Throwable catchStart(SpringApplicationBuilder app) {
    try (ConfigurableApplicationContext ctx = app.run()) {
      throw new AssertionError("started: " + ctx);
    } catch (RuntimeException e) {
      return e;
    }
  }

  private static List<String> messages(Throwable t) {
    List<String> out = new ArrayList<>();
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ModelUnavailableException
          || c.getClass().getName().startsWith("org.springframework.boot.context.properties")
          || c instanceof IllegalStateException) {
        out.add(c.getClass().getSimpleName() + ": " + c.getMessage());
      }
    }
    return out;
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null) {
      c = c.getCause();
    }
    return String.valueOf(c.getMessage());
  }
}
