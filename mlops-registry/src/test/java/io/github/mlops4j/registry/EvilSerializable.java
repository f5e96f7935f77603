package io.github.mlops4j.registry;

import java.io.Serializable;

/**
 * A serializable class (named like {@link GoodSerializable}) outside the filter's allowlist whose
 * initializer must never run.
 */
final class EvilSerializable implements Serializable {
  private static final long serialVersionUID = 1L;

  static {
    System.setProperty("mlops4j.test.EvilSerializable.initialized", "true");
  }
}
