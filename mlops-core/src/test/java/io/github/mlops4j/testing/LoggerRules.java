package io.github.mlops4j.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/** The house style for SLF4J loggers, checked over a module's main classes (test-jar). */
public final class LoggerRules {
  private LoggerRules() {}

  /**
   * Asserts that every SLF4J logger field compiled beside {@code anchor} is declared {@code private
   * static final Logger LOG}; returns the classes that declare one.
   */
  public static List<String> check(Class<?> anchor) {
    List<String> declaring = new ArrayList<>();
    List<String> wrong = new ArrayList<>();
    for (Class<?> type : ExceptionRules.classesBeside(anchor)) {
      for (Field f : type.getDeclaredFields()) {
        if (f.getType().getName().equals("org.slf4j.Logger")) {
          declaring.add(type.getSimpleName());
          int mods = f.getModifiers();
          if (!f.getName().equals("LOG")
              || !Modifier.isPrivate(mods)
              || !Modifier.isStatic(mods)
              || !Modifier.isFinal(mods)) {
            wrong.add(type.getName() + "." + f.getName() + " (" + Modifier.toString(mods) + ")");
          }
        }
      }
    }
    assertThat(wrong).as("loggers not declared 'private static final Logger LOG'").isEmpty();
    return declaring;
  }
}
