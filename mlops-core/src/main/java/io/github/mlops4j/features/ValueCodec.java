package io.github.mlops4j.features;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Persisted feature-values format, version 1 (golden file {@code golden/values-v1.hex}): the
 * non-null values of one row, each tagged with its feature's stable id and its type.
 *
 * <pre>
 * values = 0x01 varint(count) entry[count]
 * entry  = varint(featureId) value
 * value  = 0x01 varint(len) utf8[len]         STRING
 *        | 0x02 int64-be                      LONG
 *        | 0x03 int64-be(doubleToRawLongBits)  DOUBLE (NaN payloads and -0.0 kept)
 *        | 0x04 (0x00 | 0x01)                 BOOLEAN
 *        | 0x05 int64-be(epochSecond) int32-be(nano)   TIMESTAMP
 * </pre>
 *
 * A feature without an entry is null. Entries of ids the reader does not know (retired features)
 * are skipped, so the format survives added and removed features.
 */
final class ValueCodec {
  static final byte VERSION = 1;
  private static final byte STRING = 1;
  private static final byte LONG = 2;
  private static final byte DOUBLE = 3;
  private static final byte BOOLEAN = 4;
  private static final byte TIMESTAMP = 5;

  private ValueCodec() {}

  /** Encodes canonical values, one per feature of {@code def} in slot order (nulls allowed). */
  static byte[] encode(List<ViewDefinition.StoredFeature> features, @Nullable Object[] values) {
    int count = 0;
    int size = 0;
    byte[][] strings = null;
    for (int i = 0; i < features.size(); i++) {
      Object v = values[i];
      if (v == null) {
        continue;
      }
      count++;
      size += Varint.size(features.get(i).id()) + 1;
      switch (features.get(i).type()) {
        case STRING:
          if (strings == null) {
            strings = new byte[features.size()][];
          }
          strings[i] = ((String) v).getBytes(StandardCharsets.UTF_8);
          size += Varint.size(strings[i].length) + strings[i].length;
          break;
        case LONG:
        case DOUBLE:
          size += 8;
          break;
        case BOOLEAN:
          size += 1;
          break;
        case TIMESTAMP:
          size += 12;
          break;
        default:
          throw new AssertionError(features.get(i));
      }
    }
    byte[] out = new byte[1 + Varint.size(count) + size];
    out[0] = VERSION;
    int p = Varint.write(out, 1, count);
    for (int i = 0; i < features.size(); i++) {
      Object v = values[i];
      if (v == null) {
        continue;
      }
      p = Varint.write(out, p, features.get(i).id());
      switch (features.get(i).type()) {
        case STRING:
          out[p++] = STRING;
          byte[] s = Objects.requireNonNull(strings, "strings")[i];
          p = Varint.write(out, p, s.length);
          System.arraycopy(s, 0, out, p, s.length);
          p += s.length;
          break;
        case LONG:
          out[p++] = LONG;
          p = Bytes.putLong(out, p, (Long) v);
          break;
        case DOUBLE:
          out[p++] = DOUBLE;
          p = Bytes.putLong(out, p, Double.doubleToRawLongBits((Double) v));
          break;
        case BOOLEAN:
          out[p++] = BOOLEAN;
          out[p++] = (byte) (((Boolean) v) ? 1 : 0);
          break;
        default:
          out[p++] = TIMESTAMP;
          Instant t = (Instant) v;
          p = Bytes.putLong(out, p, t.getEpochSecond());
          p = Bytes.putInt(out, p, t.getNano());
          break;
      }
    }
    return out;
  }

  /** Decodes to one value per feature of {@code def}, in slot order. */
  static @Nullable Object[] decode(ViewDefinition def, byte[] in) {
    @Nullable Object[] out = new Object[def.features.size()];
    if (in.length == 0 || in[0] != VERSION) {
      throw new IllegalArgumentException(
          "Unknown feature values format "
              + (in.length == 0 ? "(empty)" : Byte.toString(in[0]))
              + " in view '"
              + def.name
              + "': written by a newer mlops4j?");
    }
    int[] pos = {1};
    int count = Varint.read(in, pos);
    for (int i = 0; i < count; i++) {
      int id = Varint.read(in, pos);
      int slot = id < def.slotById.length ? def.slotById[id] : -1;
      byte tag = in[pos[0]++];
      @Nullable Object v;
      switch (tag) {
        case STRING:
          {
            int len = Varint.read(in, pos);
            if (pos[0] + len > in.length) {
              throw new IllegalArgumentException("Truncated string value");
            }
            v = slot < 0 ? null : new String(in, pos[0], len, StandardCharsets.UTF_8);
            pos[0] += len;
            break;
          }
        case LONG:
          v = Bytes.getLong(in, pos[0]);
          pos[0] += 8;
          break;
        case DOUBLE:
          v = Double.longBitsToDouble(Bytes.getLong(in, pos[0]));
          pos[0] += 8;
          break;
        case BOOLEAN:
          v = in[pos[0]++] != 0;
          break;
        case TIMESTAMP:
          v = Instant.ofEpochSecond(Bytes.getLong(in, pos[0]), Bytes.getInt(in, pos[0] + 8));
          pos[0] += 12;
          break;
        default:
          throw new IllegalArgumentException(
              "Bad value tag " + tag + " in view '" + def.name + "'");
      }
      if (slot >= 0) {
        ValueType expected = def.features.get(slot).type();
        if (expected.canonical(Objects.requireNonNull(v, "v")) == null) {
          throw new IllegalArgumentException(
              "Stored value of feature '"
                  + def.name
                  + ":"
                  + def.features.get(slot).name()
                  + "' has tag "
                  + tag
                  + ", not "
                  + expected);
        }
        out[slot] = v;
      }
    }
    return out;
  }
}
