package io.github.mlops4j.spring;

import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.SmartApplicationListener;
import org.springframework.core.Ordered;

/**
 * Builds the starter's objects on a background thread while Spring Boot starts the application, in
 * the way Boot's own {@code BackgroundPreinitializer} warms up classes: once the environment is
 * prepared, when {@code mlops.workspace} names an embedded workspace that exists, the store, the
 * tracker, the registry and the service of each served model (without online features) are built
 * from the {@code mlops.*} properties; the auto-configuration's bean methods take them instead of
 * building their own when they would build the same (the same workspace and settings, none of them
 * replaced by the application's own bean), binding what only the context knows (the meter registry,
 * the observations). A failure in background fails the start from the bean method, with the same
 * message. Whatever no bean took is closed, and the thread has ended, before the context's refresh
 * returns or fails.
 *
 * <p>Registered in {@code META-INF/spring.factories}; applications do not use it directly. Turned
 * off by {@code mlops.startup.background=false} or the system property {@code
 * spring.backgroundpreinitializer.ignore=true}.
 *
 * @since 0.1.0
 */
public final class BackgroundStartListener implements SmartApplicationListener {
  /** The background start between the prepared environment and the prepared context. */
  private final AtomicReference<@Nullable BackgroundStart> pending = new AtomicReference<>();

  /** Made by Spring Boot from {@code META-INF/spring.factories}. */
  public BackgroundStartListener() {}

  @Override
  public boolean supportsEventType(Class<? extends ApplicationEvent> eventType) {
    return ApplicationEnvironmentPreparedEvent.class.isAssignableFrom(eventType)
        || ApplicationPreparedEvent.class.isAssignableFrom(eventType)
        || ContextRefreshedEvent.class.isAssignableFrom(eventType)
        || ApplicationFailedEvent.class.isAssignableFrom(eventType);
  }

  /** After Boot's listeners that load the configuration files into the environment. */
  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }

  @Override
  public void onApplicationEvent(ApplicationEvent event) {
    if (event instanceof ApplicationEnvironmentPreparedEvent e) {
      end(pending.getAndSet(BackgroundStart.start(e.getEnvironment())));
    } else if (event instanceof ApplicationPreparedEvent e) {
      hand(e.getApplicationContext());
    } else if (event instanceof ContextRefreshedEvent e) {
      release(e.getApplicationContext());
    } else if (event instanceof ApplicationFailedEvent e) {
      end(pending.getAndSet(null));
      ConfigurableApplicationContext context = e.getApplicationContext();
      if (context != null) {
        release(context);
      }
    }
  }

  /**
   * Hands the background start to the context: its bean methods find it there, and the context ends
   * it if its refresh fails or it is closed, before the store and registry beans close (their
   * unused services and registry first).
   */
  private void hand(ConfigurableApplicationContext context) {
    BackgroundStart b = pending.getAndSet(null);
    if (b == null) {
      return;
    }
    ConfigurableListableBeanFactory beans = context.getBeanFactory();
    if (b.environment() != context.getEnvironment()
        || !(beans instanceof DefaultListableBeanFactory registry)
        || registry.containsSingleton(BackgroundStart.NAME)) {
      b.destroy();
      return;
    }
    registry.registerSingleton(BackgroundStart.NAME, b);
    registry.registerDisposableBean(BackgroundStart.NAME, b);
    registry.registerDependentBean("mlopsStore", BackgroundStart.NAME);
    registry.registerDependentBean("mlopsModelRegistry", BackgroundStart.NAME);
  }

  /** Ends the background start of {@code context} (a refresh done: no bean takes anything more). */
  private static void release(ApplicationContext context) {
    if (!(context instanceof ConfigurableApplicationContext c)) {
      return;
    }
    ConfigurableListableBeanFactory factory;
    try {
      factory = c.getBeanFactory();
    } catch (IllegalStateException e) {
      return; // a refreshable context whose refresh failed: its beans were destroyed with it
    }
    if (factory instanceof DefaultListableBeanFactory beans
        && beans.containsSingleton(BackgroundStart.NAME)) {
      beans.destroySingleton(BackgroundStart.NAME);
    }
  }

  private static void end(@Nullable BackgroundStart b) {
    if (b != null) {
      b.destroy();
    }
  }
}
