package io.github.mlops4j.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Fuzzes the reader of MLflow's meta.yaml files: any text either gives a map of at most as many
 * entries as it has characters, or fails with an {@link MlflowImportException} that names the file
 * and has a short message; never another exception, an {@code Error} or a hang. The seed corpus
 * (meta files as MLflow writes them, alias bombs, explicit tags, deep nesting) is in {@code
 * src/test/resources/io/github/mlops4j/mlflow/MlflowImportYamlFuzzTestInputs/parse/}.
 */
class MlflowImportYamlFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void parse(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    try {
      Map<String, @Nullable String> meta = MlflowImportYaml.parse(text, "1/meta.yaml");
      assertThat(meta.size()).isLessThanOrEqualTo(text.length());
    } catch (MlflowImportException e) {
      assertThat(e.file()).isEqualTo("1/meta.yaml");
      assertThat(e.getMessage()).startsWith("1/meta.yaml: ").hasSizeLessThan(1_000);
    }
  }
}
