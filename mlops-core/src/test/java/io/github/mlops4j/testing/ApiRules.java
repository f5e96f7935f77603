package io.github.mlops4j.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.errorprone.annotations.CheckReturnValue;
import io.github.mlops4j.Subscription;
import java.io.IOException;
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
