package io.github.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.testing.TestClassPath;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Micrometer and mlops-monitoring are optional: a service without a meter registry runs with no
 * Micrometer at all, and a service that feeds no monitor runs without mlops-monitoring (and its
 * DataSketches), listener, event delivery and {@code awaitEvents} included.
 */
class MicrometerOptionalTest {
  @TempDir Path workspace;

  @Test
  void servesWithoutMicrometerOnTheClassPath() throws Exception {
    assertThat(
            probe(
                entry -> entry.contains("micrometer"),
                "io.micrometer.core.instrument.MeterRegistry"))
        .isEqualTo("yes");
  }

  @Test
  void servesWithoutMonitoringOnTheClassPath() throws Exception {
    assertThat(
            probe(
                entry ->
                    entry.contains("mlops-monitoring")
                        || entry.contains("datasketches")
                        || entry.contains("micrometer"),
                "io.github.mlops4j.monitoring.Monitor"))
        .isEqualTo("yes");
  }

  /** Runs {@link NoMicrometerProbe} in a loader without the excluded class path entries. */
  private String probe(Predicate<String> excluded, String absentClass) throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : TestClassPath.entries()) {
      if (!entry.isBlank() && !excluded.test(entry)) {
        urls.add(new File(entry).toURI().toURL());
      }
    }
    try (URLClassLoader loader =
        new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
      assertThatThrownBy(() -> Class.forName(absentClass, false, loader))
          .isInstanceOf(ClassNotFoundException.class);
      @SuppressWarnings("unchecked")
      Function<Path, String> probe =
          (Function<Path, String>)
              Class.forName(NoMicrometerProbe.class.getName(), true, loader)
                  .getDeclaredConstructor()
                  .newInstance();
      return probe.apply(workspace);
    }
  }
}
