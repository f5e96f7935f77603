package io.github.mlops4j.xgboost;

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
 * xgboost4j is needed only to register and load XGBoost models: without it on the class path
 * (mlops-xgboost present, the xgboost4j jar excluded) a service still serves Tribuo models, and
 * XGBoost registration, loading and serving fail with a message naming the missing artifact.
 */
class XgboostRuntimeOptionalTest {
  @TempDir Path workspace;

  @Test
  void tribuoServesAndXgboostNamesTheMissingArtifact() throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : TestClassPath.entries()) {
      if (!entry.isBlank() && !entry.contains("xgboost4j")) {
        urls.add(new File(entry).toURI().toURL());
      }
    }
    try (URLClassLoader loader =
        new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
      assertThatThrownBy(() -> Class.forName("ml.dmlc.xgboost4j.java.Booster", false, loader))
          .isInstanceOf(ClassNotFoundException.class);
      @SuppressWarnings("unchecked")
      Function<Path, String> probe =
          (Function<Path, String>)
              Class.forName(NoXgboostProbe.class.getName(), true, loader)
                  .getDeclaredConstructor()
                  .newInstance();
      String[] answers = probe.apply(workspace).split("\\|");
      assertThat(answers[0]).isIn("yes", "no");
      assertThat(answers[1]).contains("ml.dmlc:xgboost4j_2.12");
      assertThat(answers[2]).contains("ml.dmlc:xgboost4j_2.12");
      assertThat(answers[3]).contains("ml.dmlc:xgboost4j_2.12");
    }
  }
}
