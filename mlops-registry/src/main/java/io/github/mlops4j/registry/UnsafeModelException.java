package io.github.mlops4j.registry;

/**
 * A model would have to be loaded in a way the registry does not allow: Java serialization when it
 * is not enabled or refused by the serialization filter, or a protobuf file that fails the checks
 * made before Tribuo sees it (empty or malformed, a class outside the allowed packages anywhere in
 * it, unknown fields or payload types, malformed provenance, excessive nesting, tensors larger than
 * they hold). Tribuo did not load the model.
 *
 * @since 0.1.0
 */
public final class UnsafeModelException extends RegistryException {
  private static final long serialVersionUID = 1L;

  UnsafeModelException(String model, int version, String message) {
    super(model, version, message);
  }
}
