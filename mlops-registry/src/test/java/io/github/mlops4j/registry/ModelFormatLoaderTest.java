package io.github.mlops4j.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.classification.Label;

/** Loading versions of other formats through {@link ModelFormatLoader}s. */
class ModelFormatLoaderTest {
  @TempDir Path dir;

  /** A loader of format "fake" that records the bytes it was given and answers a Tribuo model. */
  private static final class FakeLoader implements ModelFormatLoader {
    final List<byte[]> seen = new ArrayList<>();
    final Model<Label> model = Models.churn(1);

    @Override
    public String format() {
      return "fake";
    }

    @Override
    public <T extends Output<T>> Model<T> load(
        ModelVersion version, byte[] bytes, Class<T> outputType) {
      seen.add(bytes);
      return model.castModel(outputType);
    }
  }

  private Path file(byte[] bytes) throws Exception {
    Path f = dir.resolve("model.bin");
    Files.write(f, bytes);
    return f;
  }

  @Test
  void onnxWithoutTheOnnxModuleNamesTheMissingArtifact() throws Exception {
    try (ModelRegistry registry =
        ModelRegistry.builder().workspace(dir.resolve("ws")).pollInterval(Duration.ZERO).build()) {
      ModelVersion v =
          registry.register("churn", ModelArtifact.file(file(new byte[] {1, 2, 3}), "onnx"), null);
      assertThatThrownBy(() -> registry.loadTribuo(v, Label.class))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("'onnx' model")
          .hasMessageContaining("io.github.mlops4j:mlops-onnx")
          .hasMessageContaining("com.microsoft.onnxruntime:onnxruntime");
    }
  }

  @Test
  void xgboostWithoutTheXgboostModuleNamesTheMissingArtifact() throws Exception {
    try (ModelRegistry registry =
        ModelRegistry.builder().workspace(dir.resolve("ws")).pollInterval(Duration.ZERO).build()) {
      ModelVersion v =
          registry.register("churn", ModelArtifact.file(file(new byte[] {'{'}), "xgboost"), null);
      assertThatThrownBy(() -> registry.loadTribuo(v, Label.class))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("'xgboost' model")
          .hasMessageContaining("io.github.mlops4j:mlops-xgboost")
          .hasMessageContaining("ml.dmlc:xgboost4j_2.12");
    }
  }

  @Test
  void explicitLoaderGetsOnlyVerifiedBytes() throws Exception {
    FakeLoader loader = new FakeLoader();
    byte[] content = {10, 20, 30, 40};
    try (ModelRegistry registry =
        ModelRegistry.builder()
            .workspace(dir.resolve("ws"))
            .pollInterval(Duration.ZERO)
            .modelLoader(loader)
            .build()) {
      ModelVersion v = registry.register("churn", ModelArtifact.file(file(content), "fake"), null);
      assertThat(registry.loadTribuo(v, Label.class)).isSameAs(loader.model);
      assertThat(loader.seen).hasSize(1);
      assertThat(loader.seen.get(0)).isEqualTo(content);

      Path stored =
          ((io.github.mlops4j.artifacts.DirectoryArtifactStore) registry.store().artifacts())
              .path(v.digest());
      stored.toFile().setWritable(true);
      Files.write(stored, new byte[] {10, 20, 31, 40});
      assertThatThrownBy(() -> registry.loadTribuo(v, Label.class))
          .isInstanceOf(ModelIntegrityException.class)
          .hasMessageContaining("integrity check");
      assertThat(loader.seen).hasSize(1); // the changed bytes never reached the loader
    }
  }

  @Test
  void tribuoFormatsCannotBeReplaced() {
    ModelFormatLoader fake =
        new ModelFormatLoader() {
          @Override
          public String format() {
            return ModelArtifact.TRIBUO_PROTOBUF;
          }

          @Override
          public <T extends Output<T>> Model<T> load(
              ModelVersion version, byte[] bytes, Class<T> outputType) {
            throw new AssertionError();
          }
        };
    assertThatThrownBy(() -> ModelRegistry.builder().modelLoader(fake))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tribuo-protobuf");
  }

  @Test
  void unknownFormatStillPointsToOpenArtifact() throws Exception {
    try (ModelRegistry registry =
        ModelRegistry.builder().workspace(dir.resolve("ws")).pollInterval(Duration.ZERO).build()) {
      ModelVersion v =
          registry.register("churn", ModelArtifact.file(file(new byte[] {1}), "pickle"), null);
      assertThatThrownBy(() -> registry.loadTribuo(v, Label.class))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("openArtifact");
    }
  }
}
