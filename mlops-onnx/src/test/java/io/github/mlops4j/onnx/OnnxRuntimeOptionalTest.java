package io.github.mlops4j.onnx;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * onnxruntime is needed only to register and load ONNX models: without it on the class path (mlops-
 * onnx present, the onnxruntime jar excluded) a service still serves Tribuo models, and ONNX
 * registration and loading fail with a message naming the missing artifact.
 */
class OnnxRuntimeOptionalTest {
  @TempDir Path workspace;

  @Test
  void tribuoServesAndOnnxNamesTheMissingRuntime() throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : TestClassPath.entries()) {
      if (!entry.isBlank() && !entry.contains("onnxruntime")) {
        urls.add(new File(entry).toURI().toURL());
      }
    }
    try (URLClassLoader loader =
        new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
      assertThatThrownBy(() -> Class.forName("ai.onnxruntime.OrtSession", false, loader))
          .isInstanceOf(ClassNotFoundException.class);
      @SuppressWarnings("unchecked")
      Function<Path, String> probe =
          (Function<Path, String>)
              Class.forName(NoOnnxRuntimeProbe.class.getName(), true, loader)
                  .getDeclaredConstructor()
                  .newInstance();
      String[] answers = probe.apply(workspace).split("\\|");
      assertThat(answers[0]).isEqualTo("yes");
      assertThat(answers[1]).contains("com.microsoft.onnxruntime:onnxruntime");
      assertThat(answers[2]).contains("com.microsoft.onnxruntime:onnxruntime");
    }
  }
}
