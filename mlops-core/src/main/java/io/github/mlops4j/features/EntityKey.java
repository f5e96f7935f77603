package io.github.mlops4j.features;

import java.util.Arrays;

/**
 * The encoded entity key of one row of a view: its key columns in key order, each written as a type
 * tag followed by a length-prefixed or fixed-width value, so that two different keys never encode
 * to the same bytes (no separators that a value could contain). Opaque to users; {@link
 * OnlineStore} implementations store and compare it as bytes.
 *
 * @since 0.1.0
 */
public final class EntityKey implements Comparable<EntityKey> {
  private final byte[] bytes;

  /** Computed on first use (racy but idempotent, like String's): streamed rows are never hashed. */
  private int hash;

  EntityKey(byte[] bytes) {
    this.bytes = bytes;
  }

  /** A key from bytes produced by {@link #toBytes()} (for online store implementations). */
  public static EntityKey fromBytes(byte[] bytes) {
    return new EntityKey(bytes.clone());
  }

  /** A copy of the encoded bytes. */
  public byte[] toBytes() {
    return bytes.clone();
  }

  /** The bytes themselves, not to be modified. */
  byte[] bytes() {
    return bytes;
  }

  /** Unsigned lexicographic byte order, the order SQLite BLOBs and PostgreSQL bytea sort in. */
  @Override
  public int compareTo(EntityKey o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EntityKey k && hashCode() == k.hashCode() && Arrays.equals(bytes, k.bytes);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = Arrays.hashCode(bytes);
      hash = h;
    }
    return h;
  }

  @Override
  public String toString() {
    return KeyCodec.describe(bytes);
  }
}
