package io.github.mlops4j.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.errorprone.annotations.CheckReturnValue;
import io.github.mlops4j.Subscription;
import io.github.mlops4j.store.StoreOptions;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/** API-shape rules checked by reflection over a module's main classes. Shared via the test-jar. */
public final class ApiRules {
  private ApiRules() {}

  /**
   * Asserts that every public {@code with…} method of a public class compiled beside {@code anchor}
   * that returns its own class (a new view or value: the receiver is unchanged, so ignoring the
   * result loses the call) is annotated {@link CheckReturnValue}; returns the methods it checked.
   */
  public static List<String> checkReturnValueOnWithers(Class<?> anchor) {
    List<String> checked = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (Class<?> type : ExceptionRules.classesBeside(anchor)) {
      if (!Modifier.isPublic(type.getModifiers())) {
        continue;
      }
      for (Method m : type.getDeclaredMethods()) {
        if (Modifier.isPublic(m.getModifiers())
            && !Modifier.isStatic(m.getModifiers())
            && m.getName().startsWith("with")
            && m.getReturnType() == type) {
          String name = type.getSimpleName() + "." + m.getName();
          checked.add(name);
          if (!m.isAnnotationPresent(CheckReturnValue.class)
              && !type.isAnnotationPresent(CheckReturnValue.class)) {
            missing.add(name);
          }
        }
      }
    }
    assertThat(missing).as("with… methods without @CheckReturnValue").isEmpty();
    return checked;
  }

  /**
   * Asserts that every public {@code addListener} of a public class compiled beside {@code anchor}
   * returns the shared {@link Subscription}; returns the simple names of the classes that have one.
   */
  public static List<String> addListenersReturnSubscriptions(Class<?> anchor) {
    List<String> addListeners = new ArrayList<>();
    List<String> wrong = new ArrayList<>();
    for (Class<?> type : ExceptionRules.classesBeside(anchor)) {
      for (Method m : type.getDeclaredMethods()) {
        if (m.getName().equals("addListener")
            && Modifier.isPublic(m.getModifiers())
            && Modifier.isPublic(type.getModifiers())) {
          addListeners.add(type.getSimpleName());
          if (m.getReturnType() != Subscription.class) {
            wrong.add(type.getName() + ".addListener returns " + m.getReturnType());
          }
        }
      }
    }
    assertThat(wrong).isEmpty();
    return addListeners;
  }

  /**
   * Asserts that no public builder compiled beside {@code anchor} that extends {@link StoreOptions}
   * declares again a setter of the shared store options ({@code workspace}, {@code clock}, ...):
   * each lives once, in {@link StoreOptions}. Returns the simple names of the builders checked.
   */
  public static List<String> storeOptionSettersLiveOnce(Class<?> anchor) {
    List<String> shared = new ArrayList<>();
    for (Method m : StoreOptions.class.getDeclaredMethods()) {
      if (Modifier.isPublic(m.getModifiers())) {
        shared.add(m.getName());
      }
    }
    assertThat(shared).contains("workspace", "store", "clock");
    List<String> builders = new ArrayList<>();
    List<String> copies = new ArrayList<>();
    for (Class<?> type : ExceptionRules.classesBeside(anchor)) {
      if (type == StoreOptions.class
          || !StoreOptions.class.isAssignableFrom(type)
          || !Modifier.isPublic(type.getModifiers())) {
        continue;
      }
      builders.add(type.getSimpleName());
      for (Method m : type.getDeclaredMethods()) {
        if (Modifier.isPublic(m.getModifiers()) && !m.isBridge() && shared.contains(m.getName())) {
          copies.add(type.getName() + "." + m.getName());
        }
      }
    }
    assertThat(copies).as("store options declared again in a builder").isEmpty();
    return builders;
  }
}
