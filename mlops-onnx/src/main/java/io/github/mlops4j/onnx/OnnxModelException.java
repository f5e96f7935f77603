package io.github.mlops4j.onnx;

import io.github.mlops4j.registry.RegistryException;
import org.jspecify.annotations.Nullable;

/**
 * An ONNX file cannot be registered or loaded: it is not a well-formed ONNX model, it breaks a
 * limit or a safety rule of {@link OnnxLoader} (size, external data), its inputs or outputs do not
 * fit the declared features and outputs, onnxruntime refused it, or onnxruntime is not on the class
 * path. Nothing was registered or served.
 *
 * @since 0.1.0
 */
public final class OnnxModelException extends RegistryException {
  private static final long serialVersionUID = 1L;

  OnnxModelException(@Nullable String model, @Nullable Integer version, String message) {
    super(model, version, message);
  }

  OnnxModelException(
      @Nullable String model, @Nullable Integer version, String message, Throwable cause) {
    super(model, version, message, cause);
  }
}
