package io.github.mlops4j.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@link Monitor} is a thin facade over package-private engines (the windowed profiler, the window
 * evaluator, the listener dispatch, the delayed-label join), and its public surface is the one
 * documented.
 */
class MonitorFacadeTest {
  private static final List<String> ENGINES =
      List.of("WindowedProfiler", "WindowEvaluator", "DriftListeners", "LabelJoin");

  @Test
  void theEnginesArePackagePrivate() throws Exception {
    for (String name : ENGINES) {
      Class<?> c = Class.forName("io.github.mlops4j.monitoring." + name);
      assertThat(Modifier.isPublic(c.getModifiers()) || Modifier.isProtected(c.getModifiers()))
          .as(name)
          .isFalse();
      assertThat(Modifier.isFinal(c.getModifiers())).as(name).isTrue();
    }
  }

  @Test
  void theFacadeHoldsNoConcurrencyStateOfItsOwn() {
    List<String> types =
        Arrays.stream(Monitor.class.getDeclaredFields())
            .filter(f -> !Modifier.isStatic(f.getModifiers()))
            .map(Field::getType)
            .map(Class::getName)
            .filter(n -> n.startsWith("java.util.concurrent") && !n.endsWith("LongAdder"))
            .toList();
    assertThat(types).as("locks, queues, semaphores and latches belong to the engines").isEmpty();
    assertThat(
            Arrays.stream(Monitor.class.getDeclaredFields()).map(f -> f.getType().getSimpleName()))
        .contains("WindowedProfiler", "WindowEvaluator", "DriftListeners", "LabelJoin");
  }

  @Test
  void thePublicSurfaceIsUnchanged() {
    assertThat(publicMethods(Monitor.class))
        .containsExactly(
            "addListener(DriftListener)Subscription",
            "builder()Builder",
            "close()void",
            "drift()ProfileDrift",
            "flush()Optional",
            "ignoredColumns()Set",
            "isClosed()boolean",
            "lastWindow()Optional",
            "model()String",
            "observe(Map)void",
            "observe(double[])void",
            "observe(double[],String[])void",
            "predictionTask()Optional",
            "recentWindows()List",
            "recordLabel(String,String)boolean",
            "recordLabel(String,boolean)boolean",
            "recordLabel(String,double)boolean",
            "recordPrediction(String,String)void",
            "recordPrediction(String,double)void",
            "reference()Optional",
            "removeListener(DriftListener)boolean",
            "schema()ProfileSchema",
            "stats()MonitorStats",
            "tick()boolean",
            "toString()String",
            "windowSpec()WindowSpec");
    assertThat(
            Arrays.stream(Monitor.class.getDeclaredConstructors())
                .filter(c -> Modifier.isPublic(c.getModifiers())))
        .isEmpty();
  }

  private static List<String> publicMethods(Class<?> c) {
    return Arrays.stream(c.getDeclaredMethods())
        .filter(m -> Modifier.isPublic(m.getModifiers()) && !m.isSynthetic())
        .map(MonitorFacadeTest::signature)
        .sorted()
        .collect(Collectors.toList());
  }

  private static String signature(Method m) {
    return m.getName()
        + "("
        + Arrays.stream(m.getParameterTypes())
            .map(Class::getSimpleName)
            .collect(Collectors.joining(","))
        + ")"
        + m.getReturnType().getSimpleName();
  }
}
