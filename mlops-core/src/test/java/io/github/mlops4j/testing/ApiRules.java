package io.github.mlops4j.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.errorprone.annotations.CheckReturnValue;
import io.github.mlops4j.Subscription;
import io.github.mlops4j.store.StoreOptions;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

  /**
   * The message of a missing required setting: {@code "<builder>: <setting> is required; call
   * <call>"}.
   */
  public static final Pattern MISSING_SETTING =
      Pattern.compile(
          "[A-Z]\\w*(\\.Builder)?( \\(.*\\))?: .+ (is|are) required; call .+", Pattern.DOTALL);

  /**
   * Asserts that {@code build()} on an empty builder throws {@link IllegalStateException} with a
   * {@link #MISSING_SETTING} message, or succeeds (a builder with nothing required): for every
   * public class compiled beside {@code anchor} with a public static no-argument {@code builder()},
   * and for each of {@code started} (builders made by a {@code builder(x)} that take more required
   * settings, which must throw). Returns the names of the builders that require a setting.
   */
  public static List<String> missingSettingsThrowIllegalState(Class<?> anchor, Object... started)
      throws ReflectiveOperationException {
    List<Object> builders = new ArrayList<>();
    for (Class<?> type : ExceptionRules.classesBeside(anchor)) {
      if (!Modifier.isPublic(type.getModifiers())) {
        continue;
      }
      for (Method m : type.getDeclaredMethods()) {
        if (m.getName().equals("builder")
            && m.getParameterCount() == 0
            && Modifier.isStatic(m.getModifiers())
            && Modifier.isPublic(m.getModifiers())) {
          builders.add(m.invoke(null));
        }
      }
    }
    List<String> requiring = new ArrayList<>();
    List<String> wrong = new ArrayList<>();
    for (Object builder : builders) {
      check(builder, false, requiring, wrong);
    }
    for (Object builder : started) {
      check(builder, true, requiring, wrong);
    }
    assertThat(wrong).as("builders whose missing settings are not reported uniformly").isEmpty();
    return requiring;
  }

  private static void check(
      Object builder, boolean mustThrow, List<String> requiring, List<String> wrong)
      throws ReflectiveOperationException {
    Class<?> type = builder.getClass();
    String name =
        type.getEnclosingClass() == null
            ? type.getSimpleName()
            : type.getEnclosingClass().getSimpleName() + "." + type.getSimpleName();
    Method build = type.getMethod("build");
    try {
      Object built = build.invoke(builder);
      if (built instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      }
      if (mustThrow) {
        wrong.add(name + ": build() succeeded without its required settings");
      }
    } catch (InvocationTargetException e) {
      Throwable t = e.getCause();
      requiring.add(name);
      if (!(t instanceof IllegalStateException) || t.getClass() != IllegalStateException.class) {
        wrong.add(name + ": " + t);
      } else if (t.getMessage() == null || !MISSING_SETTING.matcher(t.getMessage()).matches()) {
        wrong.add(name + ": message \"" + t.getMessage() + "\"");
      }
    }
  }

  /**
   * Asserts that the class-level Javadoc of every public top-level type compiled beside {@code
   * anchor} outside {@code *.internal} packages has an {@code @since} tag, reading the sources
   * under {@code sourceRoot} (the module's {@code src/main/java}); returns the names of the types
   * checked. Nested types take the {@code @since} of the type that encloses them.
   */
  public static List<String> sinceOnPublicTypes(Class<?> anchor, Path sourceRoot) {
    List<String> checked = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (Class<?> type : ExceptionRules.classesBeside(anchor)) {
      if (!Modifier.isPublic(type.getModifiers())
          || type.getEnclosingClass() != null
          || ModuleRules.isInternal(type.getPackageName())) {
        continue;
      }
      Path source = sourceRoot.resolve(type.getName().replace('.', '/') + ".java").toAbsolutePath();
      checked.add(type.getName());
      String text;
      try {
        text = Files.readString(source);
      } catch (IOException e) {
        missing.add(type.getName() + " (no source at " + source + ")");
        continue;
      }
      Matcher m =
          Pattern.compile(
                  "(?m)^public\\s+(?:[a-z-]+\\s+)*(?:class|interface|enum|record|@interface)\\s+"
                      + type.getSimpleName()
                      + "\\b")
              .matcher(text);
      if (!m.find()) {
        missing.add(type.getName() + " (declaration not found in its source)");
        continue;
      }
      String before = text.substring(0, m.start());
      int open = before.lastIndexOf("/**");
      int close = before.lastIndexOf("*/");
      if (open < 0 || close < open || !before.substring(open, close).contains("@since ")) {
        missing.add(type.getName());
      }
    }
    assertThat(missing).as("public types without @since in their class Javadoc").isEmpty();
    return checked;
  }
}
