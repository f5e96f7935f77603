package io.github.mlops4j.spring;

import io.github.mlops4j.store.Store;
import io.github.mlops4j.tracking.Tracker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.util.ClassUtils;

/**
 * The starter's objects built on one background thread while Spring Boot prepares the context (see
 * {@link BackgroundStartListener}): the embedded store, the tracker, the registry and the service
 * of each served model, from the {@code mlops.*} properties as the environment gives them once it
 * is prepared. Each bean method takes its object ({@code store}, {@code tracker}, ...), waiting for
 * it, only when the bean it would create is that object: the same settings, built on the objects
 * the context uses (a user's own {@code Store} bean means none of the objects built on the
 * background store is taken). A failure in background is thrown from the bean method that takes the
 * object, as if the bean method had failed building it.
 *
 * <p>{@link #destroy()} ends the thread (waiting for the step it is in) and closes every object no
 * bean took; the listener calls it when the context is refreshed, and the context when it is closed
 * or its refresh fails.
 */
final class BackgroundStart implements DisposableBean {
  /** The name of the singleton in the context's bean factory until the context is refreshed. */
  static final String NAME = "io.github.mlops4j.spring.internalBackgroundStart";

  private static final Logger LOG = LoggerFactory.getLogger(BackgroundStart.class);
  private static final String AUTO_CONFIGURATION = MlopsAutoConfiguration.class.getName();

  private final ConfigurableEnvironment environment;
  private final MlopsProperties settings;
  private final Path workspace;
  private final Slot store = new Slot();
  private final Slot tracker = new Slot();
  private final @Nullable Slot registry;
  private final Map<String, Slot> services = new LinkedHashMap<>();
  private final Thread thread;
  private volatile boolean closing;
  private boolean closed; // guarded by this

  /** One object built in background, and whether a bean took it. */
  private static final class Slot {
    final CompletableFuture<Object> future = new CompletableFuture<>();
    boolean claimed; // guarded by the BackgroundStart
  }

  private BackgroundStart(
      ConfigurableEnvironment environment,
      MlopsProperties settings,
      Path workspace,
      boolean withRegistry,
      List<String> served) {
    this.environment = environment;
    this.settings = settings;
    this.workspace = workspace;
    this.registry = withRegistry ? new Slot() : null;
    served.forEach(name -> services.put(name, new Slot()));
    this.thread = new Thread(this::run, "mlops-background-start");
    this.thread.setDaemon(true);
  }

  /**
   * Starts building in background what the starter would build for {@code env}, or returns null
   * when it would build nothing there, or not without the context's beans: no embedded workspace,
   * one that does not exist yet (opening it would create it, and the auto-configuration may yet be
   * excluded), {@code mlops.startup.background=false}, the auto-configuration excluded by property,
   * lazy initialization, or settings the bean methods will refuse.
   */
  static @Nullable BackgroundStart start(ConfigurableEnvironment env) {
    if (Boolean.getBoolean("spring.backgroundpreinitializer.ignore")) {
      return null;
    }
    String ws = env.getProperty("mlops.workspace");
    if (ws == null || "false".equalsIgnoreCase(ws)) {
      return null; // the starter is off (a quick look, before any binding)
    }
    if (!env.getProperty("spring.boot.enableautoconfiguration", Boolean.class, true)
        || env.getProperty("spring.main.lazy-initialization", Boolean.class, false)) {
      return null;
    }
    Binder binder = Binder.get(env);
    try {
      List<String> excluded =
          binder
              .bind("spring.autoconfigure.exclude", Bindable.listOf(String.class))
              .orElse(List.of());
      if (excluded.contains(AUTO_CONFIGURATION)) {
        return null;
      }
      MlopsProperties p = new MlopsProperties();
      binder.bind("mlops", Bindable.ofInstance(p));
      Path workspace = p.getWorkspace();
      if (!p.getStartup().isBackground()
          || p.getStore() != MlopsProperties.StoreKind.EMBEDDED
          || workspace == null
          || !Files.isRegularFile(workspace.resolve(Store.DATABASE_FILE))) {
        return null;
      }
      boolean withRegistry =
          isPresent("io.github.mlops4j.registry.ModelRegistry")
              && !p.getRegistryPollInterval().isNegative();
      List<String> served = new ArrayList<>();
      if (withRegistry && isPresent("io.github.mlops4j.serving.InferenceService")) {
        Map<String, MlopsProperties.Model> models = p.getServing().getModels();
        ServingBeans.checkAll(List.copyOf(models.keySet()), models); // else the start fails anyway
        if (p.getServing().getShutdownTimeout().isNegative()) {
          return null;
        }
        models.forEach(
            (name, m) -> {
              if (ServedModels.canPrebuild(m)) {
                served.add(name);
              }
            });
      }
      BackgroundStart b = new BackgroundStart(env, p, workspace, withRegistry, served);
      b.thread.start();
      return b;
    } catch (RuntimeException e) {
      // a value that does not bind or check: the bean methods report it as they always do
      LOG.debug("Not building mlops4j's objects in background: {}", e.toString());
      return null;
    }
  }

  private static boolean isPresent(String className) {
    return ClassUtils.isPresent(className, BackgroundStart.class.getClassLoader());
  }

  /** The environment the objects were configured from. */
  ConfigurableEnvironment environment() {
    return environment;
  }

  /** The background start registered in {@code beans}, or null. */
  static @Nullable BackgroundStart in(BeanFactory beans) {
    return beans.containsBean(NAME) ? beans.getBean(NAME, BackgroundStart.class) : null;
  }

  // ------------------------------------------------------------------- the background thread

  private void run() {
    Store s = (Store) build(store, () -> Store.open(workspace));
    if (s == null) {
      cancelRest();
      return;
    }
    build(tracker, () -> Tracker.builder().store(s).build());
    Slot r = registry;
    if (r == null) {
      return;
    }
    Object reg = build(r, () -> Registries.build(s, settings.getRegistryPollInterval()));
    if (reg == null) {
      cancelRest();
      return;
    }
    services.forEach(
        (name, slot) ->
            build(
                slot,
                () ->
                    Registries.prebuild(
                        name,
                        Objects.requireNonNull(settings.getServing().getModels().get(name)),
                        reg,
                        settings)));
  }

  /** Builds one object unless closing; null if it failed or was not built. */
  private @Nullable Object build(Slot slot, Supplier<Object> builder) {
    if (closing) {
      slot.future.completeExceptionally(new CancellationException("closed before it was built"));
      return null;
    }
    try {
      Object o = builder.get();
      slot.future.complete(o);
      return o;
    } catch (Throwable e) { // NOPMD: handed to the bean method that takes it
      slot.future.completeExceptionally(e);
      return null;
    }
  }

  private void cancelRest() {
    CancellationException c = new CancellationException("not built: an earlier step failed");
    tracker.future.completeExceptionally(c);
    if (registry != null) {
      registry.future.completeExceptionally(c);
    }
    services.values().forEach(slot -> slot.future.completeExceptionally(c));
  }

  /** Keeps mlops-registry and mlops-serving types out of this class. */
  private static final class Registries {
    static Object build(Store store, Duration pollInterval) {
      return io.github.mlops4j.registry.ModelRegistry.builder()
          .store(store)
          .pollInterval(pollInterval)
          .build();
    }

    static Object prebuild(
        String name, MlopsProperties.Model m, Object registry, MlopsProperties settings) {
      return ServedModels.prebuild(
          name, m, (io.github.mlops4j.registry.ModelRegistry) registry, settings);
    }
  }

  // ------------------------------------------------------------------- claims by the beans

  /** The store, if the bean method would open the same embedded workspace. */
  @Nullable Store store(MlopsProperties p) {
    if (p.getStore() != MlopsProperties.StoreKind.EMBEDDED
        || !Objects.equals(p.getWorkspace(), workspace)) {
      return null;
    }
    return (Store) claim(store);
  }

  /** The tracker, if {@code s} is the store built here. */
  @Nullable Tracker tracker(Store s) {
    return taken(store, s) ? (Tracker) claim(tracker) : null;
  }

  /** The registry (a {@code ModelRegistry}), if built here on {@code s} with that interval. */
  @Nullable Object registry(Store s, Duration pollInterval) {
    Slot r = registry;
    if (r == null || !taken(store, s) || !pollInterval.equals(settings.getRegistryPollInterval())) {
      return null;
    }
    return claim(r);
  }

  /** The service of {@code name}, if built here with {@code registry} and the same settings. */
  <T> @Nullable T service(String name, Object registry, List<Object> key, Class<T> type) {
    Slot slot = services.get(name);
    if (slot == null || this.registry == null || !taken(this.registry, registry)) {
      return null;
    }
    MlopsProperties.Model m = settings.getServing().getModels().get(name);
    if (m == null || !key.equals(ServedModels.settingsKey(m, settings))) {
      return null;
    }
    return type.cast(claim(slot));
  }

  /** True if {@code slot}'s object was taken by a bean and is {@code o}. */
  private synchronized boolean taken(Slot slot, Object o) {
    return slot.claimed && slot.future.isDone() && slot.future.getNow(null) == o;
  }

  /** Takes the object of {@code slot}, waiting for it, or throws what building it threw. */
  private @Nullable Object claim(Slot slot) {
    synchronized (this) {
      if (closed || slot.claimed) {
        return null;
      }
      slot.claimed = true;
    }
    try {
      return slot.future.join();
    } catch (CompletionException | CancellationException e) {
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      if (cause instanceof CancellationException) {
        synchronized (this) {
          slot.claimed = false;
        }
        return null; // not built: the bean method builds it
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    }
  }

  // ------------------------------------------------------------------- for tests

  /** The objects beans took: {@code store}, {@code tracker}, {@code registry}, model names. */
  synchronized List<String> taken() {
    List<String> out = new ArrayList<>();
    if (store.claimed) {
      out.add("store");
    }
    if (tracker.claimed) {
      out.add("tracker");
    }
    if (registry != null && registry.claimed) {
      out.add("registry");
    }
    services.forEach(
        (name, slot) -> {
          if (slot.claimed) {
            out.add(name);
          }
        });
    return out;
  }

  /** Every object built here, by what it is: {@code store}, ..., model names. */
  Map<String, Object> built() {
    Map<String, Object> out = new LinkedHashMap<>();
    put(out, "store", store);
    put(out, "tracker", tracker);
    if (registry != null) {
      put(out, "registry", registry);
    }
    services.forEach((name, slot) -> put(out, name, slot));
    return out;
  }

  private static void put(Map<String, Object> out, String key, Slot slot) {
    Object o = slot.future.isCompletedExceptionally() ? null : slot.future.getNow(null);
    if (o != null) {
      out.put(key, o);
    }
  }

  /** True while the background thread runs. */
  boolean running() {
    return thread.isAlive();
  }

  // ------------------------------------------------------------------- the end

  /** Ends the thread and closes every object no bean took, services first, the store last. */
  @Override
  public void destroy() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    closing = true;
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true; // the step in progress is bounded; close what it built
      }
    }
    List<Slot> order = new ArrayList<>(services.values());
    if (registry != null) {
      order.add(registry);
    }
    order.add(tracker);
    order.add(store);
    for (Slot slot : order) {
      boolean claimed;
      synchronized (this) {
        claimed = slot.claimed;
      }
      Object o = slot.future.isCompletedExceptionally() ? null : slot.future.getNow(null);
      if (!claimed && o instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception e) {
          LOG.warn("Closing the unused {} built in background failed", o.getClass().getName(), e);
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
