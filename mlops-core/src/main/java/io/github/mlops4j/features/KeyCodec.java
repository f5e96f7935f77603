package io.github.mlops4j.features;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Persisted entity-key format, version 1 (golden file {@code golden/entity-key-v1.hex}).
 *
 * <pre>
 * key       = 0x01 component+            (one component per key column, in key order)
 * component = 0x01 varint(len) utf8[len]  STRING
 *           | 0x02 int64-be(v ^ 2^63)     LONG (sign flipped so bytes sort like numbers)
 *           | 0x03 (0x00 | 0x01)          BOOLEAN
 * varint    = unsigned LEB128
 * </pre>
 *
 * Every component says its own length, so ("a:b", "c") and ("a", "b:c") differ.
 */
final class KeyCodec {
  static final byte VERSION = 1;
  static final byte STRING = 1;
  static final byte LONG = 2;
  static final byte BOOLEAN = 3;

  private KeyCodec() {}

  /** Encodes canonical key values (see {@link ValueType#canonical}) in key order. */
  static EntityKey encode(List<Field> fields, Object[] values) {
    if (fields.size() == 1 && fields.get(0).type() == ValueType.STRING) {
      return encodeString((String) values[0]);
    }
    byte[][] strings = new byte[fields.size()][];
    int size = 1;
    for (int i = 0; i < fields.size(); i++) {
      switch (fields.get(i).type()) {
        case STRING:
          strings[i] = ((String) values[i]).getBytes(StandardCharsets.UTF_8);
          size += 1 + Varint.size(strings[i].length) + strings[i].length;
          break;
        case LONG:
          size += 9;
          break;
        case BOOLEAN:
          size += 2;
          break;
        default:
          throw new AssertionError(fields.get(i));
      }
    }
    byte[] out = new byte[size];
    out[0] = VERSION;
    int p = 1;
    for (int i = 0; i < fields.size(); i++) {
      switch (fields.get(i).type()) {
        case STRING:
          out[p++] = STRING;
          p = Varint.write(out, p, strings[i].length);
          System.arraycopy(strings[i], 0, out, p, strings[i].length);
          p += strings[i].length;
          break;
        case LONG:
          out[p++] = LONG;
          p = Bytes.putLong(out, p, (Long) values[i] ^ Long.MIN_VALUE);
          break;
        default:
          out[p++] = BOOLEAN;
          out[p++] = (byte) (((Boolean) values[i]) ? 1 : 0);
          break;
      }
    }
    return new EntityKey(out);
  }

  static EntityKey encodeString(String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[2 + Varint.size(utf8.length) + utf8.length];
    out[0] = VERSION;
    out[1] = STRING;
    int p = Varint.write(out, 2, utf8.length);
    System.arraycopy(utf8, 0, out, p, utf8.length);
    return new EntityKey(out);
  }

  /**
   * {@link #encodeString} of a string of fewer than 128 chars, all ASCII, written straight into the
   * key's bytes (no intermediate UTF-8 array, and no surrogate check: ASCII has none); null for any
   * other string, which the caller encodes with {@link #encodeString} after its checks.
   */
  static byte @Nullable [] encodeAsciiString(String s) {
    int n = s.length();
    if (n >= 0x80) {
      return null; // the length's varint would take more than one byte
    }
    byte[] out = new byte[3 + n];
    out[0] = VERSION;
    out[1] = STRING;
    out[2] = (byte) n;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        return null;
      }
      out[3 + i] = (byte) c;
    }
    return out;
  }

  /** The key's values in key order. */
  static List<Object> decode(byte[] key) {
    if (key.length == 0 || key[0] != VERSION) {
      throw new IllegalArgumentException(
          "Unknown entity key format " + (key.length == 0 ? "(empty)" : Byte.toString(key[0])));
    }
    List<Object> out = new ArrayList<>();
    int[] pos = {1};
    while (pos[0] < key.length) {
      byte tag = key[pos[0]++];
      switch (tag) {
        case STRING:
          {
            int len = Varint.read(key, pos);
            out.add(new String(key, pos[0], len, StandardCharsets.UTF_8));
            pos[0] += len;
            break;
          }
        case LONG:
          out.add(Bytes.getLong(key, pos[0]) ^ Long.MIN_VALUE);
          pos[0] += 8;
          break;
        case BOOLEAN:
          out.add(key[pos[0]++] != 0);
          break;
        default:
          throw new IllegalArgumentException("Bad entity key component tag " + tag);
      }
    }
    return out;
  }

  static String describe(byte[] key) {
    try {
      List<Object> values = decode(key);
      StringBuilder b = new StringBuilder("EntityKey");
      b.append('[');
      for (int i = 0; i < values.size(); i++) {
        b.append(i == 0 ? "" : ", ").append(ValueType.abbreviate(values.get(i)));
      }
      return b.append(']').toString();
    } catch (RuntimeException e) {
      return "EntityKey[" + Bytes.hex(key) + "]";
    }
  }
}
