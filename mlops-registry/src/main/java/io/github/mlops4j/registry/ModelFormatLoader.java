package io.github.mlops4j.registry;

import org.tribuo.Model;
import org.tribuo.Output;

/**
 * Loads the versions of one model format that is not Tribuo's own ({@code onnx}, ...), so that a
 * model made by another framework is served, evaluated and batch-scored like a Tribuo model.
 *
 * <p>A registry finds its loaders with {@link java.util.ServiceLoader} (an optional module such as
 * {@code mlops-onnx} declares one) and takes explicit ones from {@link
 * ModelRegistry.Builder#modelLoader(ModelFormatLoader)}, which win over discovered ones of the same
 * format. {@link ModelRegistry#loadTribuo(ModelVersion, Class)} reads the artifact and checks its
 * size and SHA-256 before it calls {@link #load}: a loader never sees unverified bytes.
 *
 * <p>A loader must not run code from the model file (no custom operator libraries, no external data
 * files) and should bound what the file may allocate. The model it returns is closed ({@link
 * AutoCloseable}) by the service that loaded it when the version retires.
 *
 * @since 0.1.0
 */
public interface ModelFormatLoader {
  /** The format name this loader reads, as registered ({@link ModelVersion#format()}). */
  String format();

  /**
   * Turns the verified bytes of a version into a model.
   *
   * @param version the version, with its stored signature
   * @param bytes the artifact, already checked against the registry's size and digest
   * @param outputType the output type asked for, e.g. {@code Label} or {@code Regressor}
   * @throws RuntimeException an {@code MlopsException} saying what is wrong with the file, or that
   *     the runtime the format needs is missing
   */
  <T extends Output<T>> Model<T> load(ModelVersion version, byte[] bytes, Class<T> outputType);
}
