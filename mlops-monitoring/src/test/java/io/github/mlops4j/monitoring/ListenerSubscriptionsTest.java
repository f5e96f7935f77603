package io.github.mlops4j.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.Subscription;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every public {@code addListener} of this module returns the shared {@link Subscription}. */
class ListenerSubscriptionsTest {

  @Test
  void everyAddListenerReturnsASubscription() throws Exception {
    Path classes = Path.of(Monitor.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> addListeners = new ArrayList<>();
    List<String> wrong = new ArrayList<>();
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        String name = classes.relativize(file).toString().replace('/', '.').replace('\\', '.');
        Class<?> type = Class.forName(name.substring(0, name.length() - ".class".length()), false,
            getClass().getClassLoader());
        for (Method m : type.getDeclaredMethods()) {
          if (m.getName().equals("addListener") && Modifier.isPublic(m.getModifiers())
              && Modifier.isPublic(type.getModifiers())) {
            addListeners.add(type.getSimpleName());
            if (m.getReturnType() != Subscription.class) {
              wrong.add(type.getName() + "." + m.getName() + " returns " + m.getReturnType());
            }
          }
        }
      }
    }
    assertThat(addListeners).contains("Monitor");
    assertThat(wrong).isEmpty();
  }
}
