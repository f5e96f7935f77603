package io.github.mlops4j.registry;

/**
 * A model artifact does not match the digest the registry recorded (tampered, truncated or
 * missing). Nothing was deserialized.
 *
 * @since 0.1.0
 */
public final class ModelIntegrityException extends RegistryException {
  private static final long serialVersionUID = 1L;

  ModelIntegrityException(String model, int version, String message) {
    super(model, version, message);
  }
}
