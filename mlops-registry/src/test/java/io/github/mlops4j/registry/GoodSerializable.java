package io.github.mlops4j.registry;

import java.io.Serializable;

/** Serialized by the tests, then renamed in the bytes to {@link EvilSerializable} (same length). */
final class GoodSerializable implements Serializable {
  private static final long serialVersionUID = 1L;
}
