package io.github.mlops4j.registry;

/**
 * A model would have to be loaded in a way the registry does not allow: Java serialization when it
 * is not enabled, or a model class outside the allowed packages. Nothing was deserialized.
 */
public final class UnsafeModelException extends RegistryException {
  private static final long serialVersionUID = 1L;

  UnsafeModelException(String model, int version, String message) {
    super(model, version, message);
  }
}
