package io.github.mlops4j.features;

import io.github.mlops4j.StoredText;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Row encoding for {@link FeatureStore}: checks the user's rows (times, entity keys, values) and
 * turns them into the stored forms of {@link KeyCodec} and {@link ValueCodec}, naming the view, row
 * and field of the first bad value; and decodes stored rows into the requested features.
 */
final class RowCodec {
  private RowCodec() {}

  /** A row's time in epoch nanoseconds. */
  static long time(String view, String field, int row, @Nullable Instant t) {
    if (t == null) {
      throw new FeatureDataException(view, field, row, "missing " + field);
    }
    if (!Timestamps.inRange(t)) {
      throw new FeatureDataException(view, field, row, Timestamps.rangeMessage(t));
    }
    return Timestamps.toNanos(t);
  }

  /** Encodes a row's entity key, checking presence and types. */
  static EntityKey encodeKey(
      ViewState v, Map<String, ? extends @Nullable Object> columns, int row, boolean onlyKeys) {
    if (v.singleStringKey) {
      Field key = v.def.entities.get(0);
      Object value = columns.get(key.name());
      if (value instanceof String s && (!onlyKeys || columns.size() == 1)) {
        return KeyCodec.encodeString(checkText(v, key.name(), row, s, "entity key"));
      }
    }
    return KeyCodec.encode(v.def.entities, canonicalKey(v, columns, row, onlyKeys));
  }

  /**
   * The encoded key bytes of a request row of an online read: {@link #encodeKey} (other columns
   * allowed), with a single ASCII string key written straight into the key's bytes.
   */
  static byte[] lookupKey(ViewState v, Map<String, ? extends @Nullable Object> columns, int row) {
    if (v.singleStringKey && columns.get(v.def.entities.get(0).name()) instanceof String s) {
      byte[] ascii = KeyCodec.encodeAsciiString(s);
      if (ascii != null) {
        return ascii;
      }
    }
    return encodeKey(v, columns, row, false).bytes();
  }

  /**
   * A row's key values in key order, checked and widened to their canonical types; with {@code
   * onlyKeys}, other columns are refused too.
   */
  static Object[] canonicalKey(
      ViewState v, Map<String, ? extends @Nullable Object> columns, int row, boolean onlyKeys) {
    List<Field> fields = v.def.entities;
    Object[] canonical = new Object[fields.size()];
    for (int i = 0; i < canonical.length; i++) {
      Field f = fields.get(i);
      Object value = columns.get(f.name());
      if (value == null) {
        throw new FeatureDataException(
            v.name,
            f.name(),
            row,
            (columns.containsKey(f.name()) ? "null entity key" : "missing entity key")
                + " ("
                + f.type()
                + "); the keys of '"
                + v.name
                + "' are "
                + fields);
      }
      Object c = f.type().canonical(value);
      if (c == null) {
        throw new FeatureDataException(
            v.name, f.name(), row, "entity key " + f.type().mismatch(value));
      }
      if (c instanceof String s) {
        checkText(v, f.name(), row, s, "entity key");
      }
      canonical[i] = c;
    }
    if (onlyKeys && columns.size() != fields.size()) {
      for (String name : columns.keySet()) {
        if (FeatureView.find(fields, name) == null) {
          throw new FeatureDataException(
              v.name, name, row, "not an entity key of '" + v.name + "'; its keys are " + fields);
        }
      }
    }
    return canonical;
  }

  /**
   * Refuses a string with a lone UTF-16 surrogate ({@link StoredText}): stored as UTF-8 it would
   * turn into {@code '?'} and name another entity or value.
   */
  static String checkText(ViewState v, String field, int row, String value, String what) {
    try {
      return StoredText.check(value, what);
    } catch (IllegalArgumentException e) {
      throw new FeatureDataException(v.name, field, row, String.valueOf(e.getMessage()), e);
    }
  }

  static byte[] encodeValues(
      ViewState v, Map<String, @Nullable Object> values, int row, Map<String, ?> key) {
    List<ViewDefinition.StoredFeature> features = v.def.features;
    @Nullable Object[] canonical = new Object[features.size()];
    for (Map.Entry<String, @Nullable Object> e : values.entrySet()) {
      Integer slot = v.def.slotByName.get(e.getKey());
      if (slot == null) {
        throw new FeatureDataException(
            v.name,
            e.getKey(),
            row,
            v.onDemand.containsKey(e.getKey())
                ? "is an on-demand feature, computed when read; it cannot be written"
                : "unknown feature; the features of '"
                    + v.name
                    + "' are "
                    + v.def.features.stream().map(ViewDefinition.StoredFeature::name).toList());
      }
      Object value = e.getValue();
      if (value != null) {
        ValueType type = features.get(slot).type();
        Object c = type.canonical(value);
        if (c == null) {
          throw new FeatureDataException(v.name, e.getKey(), row, "value " + type.mismatch(value));
        }
        if (c instanceof String s) {
          checkText(v, e.getKey(), row, s, "value");
        }
        if (c instanceof Double d && d.isNaN()) {
          switch (v.def.nanPolicy) {
            case REJECT ->
                throw new FeatureDataException(
                    v.name,
                    e.getKey(),
                    row,
                    "NaN for entity "
                        + ValueType.abbreviate(String.valueOf(key))
                        + "; view '"
                        + v.name
                        + "' refuses NaN"
                        + " (NanPolicy.REJECT, the default) and nothing of this write was stored. Write"
                        + " no value (null) for a missing one, or declare the view with"
                        + " nanPolicy(NanPolicy.MISSING) or nanPolicy(NanPolicy.KEEP)");
            case MISSING -> c = null;
            case KEEP -> {}
          }
        }
        canonical[slot] = c;
      }
    }
    return ValueCodec.encode(features, canonical);
  }

  /** All stored values of one row, or a {@link FeatureException} naming the unreadable row. */
  static @Nullable Object[] decodeAll(ViewState v, SourceRow w) {
    try {
      return ValueCodec.decode(v.def, w.values);
    } catch (RuntimeException e) {
      throw new FeatureException(
          v.name,
          null,
          -1,
          "Unreadable stored row " + w + " of view '" + v.name + "': " + e.getMessage(),
          e);
    }
  }
}
