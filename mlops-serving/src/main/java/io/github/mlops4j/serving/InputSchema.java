package io.github.mlops4j.serving;

import io.github.mlops4j.registry.FeatureSpec;
import io.github.mlops4j.registry.ModelSignature;
import io.github.mlops4j.serving.InvalidInputException.Problem;
import io.github.mlops4j.serving.InvalidInputException.Reason;
import io.github.mlops4j.serving.internal.DenseRow;
import io.github.mlops4j.serving.internal.OneHot;
import io.github.mlops4j.serving.internal.Texts;
import io.github.mlops4j.serving.metrics.ServingMeters.VersionMeters;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.RealInfo;
import org.tribuo.impl.ArrayExample;

/**
 * Checks a request against a signature and turns it into a Tribuo example.
 *
 * <p>A request field is either a feature of the signature (a number; booleans count as 1 and 0), or
 * the base name of one-hot features: Tribuo names the features of a categorical field {@code
 * colour} as {@code colour@red}, {@code colour@blue}, ..., and a request may give {@code "colour":
 * "red"} (any value is turned into text), which becomes feature {@code colour@red} = 1. A one-hot
 * feature may also be given by its full name: 1 (or {@code true}) for the hot category, 0 (or
 * {@code false}) for a cold one, which is the same as leaving it out; any other value is a {@link
 * Reason#WRONG_TYPE}, two hot categories or both forms of one field a {@link Reason#DUPLICATE}, and
 * only cold ones a {@link Reason#MISSING} category. Fields in {@code ignored} (entity keys, routing
 * keys) are not features and are skipped. Which features form a group is decided by {@link OneHot},
 * as for batch files.
 *
 * <p>A feature of type {@link FeatureSpec.Type#INTEGER} takes a whole number of magnitude at most
 * {@value #MAX_INTEGER} (2<sup>53</sup>: every whole number up to it is exactly a double, so the
 * model gets the number sent); a boolean counts as 1 or 0 as for any number. Any other finite value
 * is a {@link Reason#NOT_INTEGER} problem under every validation policy: it is a value of the wrong
 * kind, which a filling policy refuses as it refuses a {@link Reason#WRONG_TYPE} (it fills only
 * missing, null and non-finite values).
 */
final class InputSchema {
  /** One slot of the example: a real feature, or a one-hot group. */
  private record Key(int slot, @Nullable String feature) {}

  private final String model;
  private final int version;
  private final Map<String, Key> keys = new HashMap<>();
  private final String[] slotNames;
  private final boolean[] group;

  /** Per slot: an {@link FeatureSpec.Type#INTEGER} feature (never a one-hot group). */
  private final boolean[] integer;

  /** The largest magnitude of a value of an INTEGER feature: 2^53. */
  static final long MAX_INTEGER = 1L << 53;

  /** No one-hot group and the slot names ascending: every example is in Tribuo's order. */
  private final boolean ordered;

  private final List<Map<String, String>> categories;
  private final Set<String> ignored;

  /**
   * The field names of a recent request, in the order its map iterated them, and what each one is
   * (null: not a feature). Callers usually build their requests with the same name constants in the
   * same kind of map, so the next request's names are very likely the same objects in the same
   * order: a name found here by identity at its position needs no hash lookup. Only a hint: a name
   * is taken from it only if it is that very object, whose key is the same wherever it stands.
   * Replaced whole, never changed; read and written without synchronization (its fields are final,
   * so a thread sees a complete one or an older one).
   */
  private @Nullable Order order;

  /** Requests that missed {@link #order}; it is rebuilt on the first and then every 64th. */
  private int orderMisses;

  /** See {@link #order}. */
  @SuppressWarnings("ArrayRecordComponent") // never compared; replaced whole
  private record Order(Object[] fields, @Nullable Key[] keys) {}

  private static final Object[] NO_FIELDS = new Object[0];
  private static final Key[] NO_KEYS = new Key[0];

  /** The most fields a request may have for its order to be remembered. */
  private static final int MAX_ORDER = 1024;

  /**
   * The feature names of a complete example of an {@link #ordered} schema (a copy of the slot
   * names), shared by the examples {@link #readPlain} builds; null if that path is off (a schema
   * with one-hot groups or unsorted names, or more than 64 slots). Never written after
   * construction; Tribuo's predict only reads an example's names.
   */
  private final String @Nullable [] plainNames;

  /** No one-hot group and at most 64 slots: {@link #readDense} takes complete rows of numbers. */
  private final boolean denseReadable;

  /**
   * The schema of version {@code version} of {@code model}: its signature's inputs, or those of the
   * loaded model {@code m} when the version has no signature, named as {@code m} names them.
   */
  static InputSchema of(
      String model,
      int version,
      @Nullable ModelSignature signature,
      Model<?> m,
      Set<String> ignored) {
    ModelSignature source = signature != null ? signature : ModelSignature.of(m);
    return new InputSchema(model, version, source.inputs(), ignored, m.getFeatureIDMap().keySet());
  }

  /**
   * @param modelNames the feature names as the model holds them (the keys of its feature map): a
   *     feature of {@code inputs} is named in the examples by the model's own string, so that the
   *     model finds each feature of an example by identity instead of comparing its characters
   */
  InputSchema(
      String model,
      int version,
      List<FeatureSpec> inputs,
      Set<String> ignored,
      Collection<String> modelNames) {
    this.model = model;
    this.version = version;
    this.ignored = Set.copyOf(ignored);
    Map<String, String> own = new HashMap<>();
    for (String n : modelNames) {
      own.put(n, n);
    }
    Set<String> names = new HashSet<>();
    for (FeatureSpec f : inputs) {
      names.add(f.name());
    }
    List<String> slots = new ArrayList<>();
    List<Boolean> groups = new ArrayList<>();
    List<Boolean> integers = new ArrayList<>();
    List<Map<String, String>> cats = new ArrayList<>();
    Map<String, Integer> groupSlot = new HashMap<>();
    for (FeatureSpec f : inputs) {
      String name = own.getOrDefault(f.name(), f.name());
      int at = name.lastIndexOf('@');
      String base = OneHot.base(name, names, this.ignored);
      if (base != null) {
        Integer slot = groupSlot.get(base);
        if (slot == null) {
          slot = slots.size();
          groupSlot.put(base, slot);
          slots.add(base);
          groups.add(true);
          integers.add(false);
          cats.add(new LinkedHashMap<>());
          keys.put(base, new Key(slot, null));
        }
        cats.get(slot).put(name.substring(at + 1), name);
        keys.put(name, new Key(slot, name));
      } else {
        int slot = slots.size();
        slots.add(name);
        groups.add(false);
        integers.add(f.type() == FeatureSpec.Type.INTEGER);
        cats.add(Map.of());
        keys.put(name, new Key(slot, name));
      }
    }
    this.slotNames = slots.toArray(new String[0]);
    this.group = new boolean[slotNames.length];
    this.integer = new boolean[slotNames.length];
    boolean sorted = true;
    for (int i = 0; i < group.length; i++) {
      group[i] = groups.get(i);
      integer[i] = integers.get(i);
      sorted &= !group[i] && (i == 0 || slotNames[i - 1].compareTo(slotNames[i]) < 0);
    }
    this.ordered = sorted;
    this.categories = List.copyOf(cats);
    this.plainNames = sorted && slotNames.length <= Long.SIZE ? slotNames.clone() : null;
    boolean anyGroup = false;
    for (boolean g : group) {
      anyGroup |= g;
    }
    this.denseReadable = !anyGroup && slotNames.length <= Long.SIZE;
  }

  /**
   * Checks and converts a request. Reads only the request: any failure while reading it (the map, a
   * key or a value throwing) is the request's problem.
   *
   * @throws InvalidInputException listing every problem, unless the policy fills
   */
  <T extends Output<T>> ArrayExample<T> encode(
      Map<String, ?> request, T unknown, ValidationPolicy policy, VersionMeters meters) {
    return encode(request, unknown, policy, meters, true);
  }

  /** {@link #encode}; {@code plain} false never takes {@link #readPlain} (for tests). */
  <T extends Output<T>> ArrayExample<T> encode(
      Map<String, ?> request,
      T unknown,
      ValidationPolicy policy,
      VersionMeters meters,
      boolean plain) {
    try {
      if (plain && denseReadable && request instanceof DenseRow row) {
        ArrayExample<T> example = readDense(row, unknown);
        if (example != null) {
          return example;
        }
      } else if (plain && plainNames != null) {
        ArrayExample<T> example = readPlain(request, unknown, plainNames);
        if (example != null) {
          return example;
        }
      }
      return read(request, unknown, policy, meters);
    } catch (InvalidInputException e) {
      throw e;
    } catch (RuntimeException e) {
      InvalidInputException invalid =
          new InvalidInputException(
              model,
              version,
              List.of(
                  new Problem(
                      "(request)",
                      Reason.UNREADABLE,
                      "the request could not be read: "
                          + Texts.typeName(e)
                          + " while its fields were read")),
              "Send a map of field names to numbers, booleans or texts that can be read");
      invalid.initCause(e);
      throw invalid;
    }
  }

  /**
   * The common case of an {@link #ordered} schema, read without the names array {@link #read}
   * builds: a request whose field names are the remembered ones (by identity, in order), each a
   * feature given once as a finite number (an integer feature a whole one) or an ignored field, and
   * every feature given. Its example shares {@code names}, which is exactly the names array {@code
   * read} would fill for it, so the answer is the same under every policy (nothing is filled or
   * dropped). Any other request gives null, and {@code read} reads it from the start.
   */
  private <T extends Output<T>> @Nullable ArrayExample<T> readPlain(
      Map<String, ?> request, T unknown, String[] names) {
    Order known = order;
    if (known == null) {
      return null;
    }
    Object[] knownFields = known.fields();
    @Nullable Key[] knownKeys = known.keys();
    double[] values = new double[names.length];
    long given = 0;
    int at = 0;
    for (Map.Entry<?, ?> e : ((Map<?, ?>) request).entrySet()) {
      Object k = e.getKey();
      if (at >= knownFields.length || knownFields[at] != k) {
        return null;
      }
      Key key = knownKeys[at++];
      if (key == null) {
        if (ignored.contains((String) k)) {
          continue;
        }
        return null;
      }
      int slot = key.slot();
      long bit = 1L << slot;
      Object v = e.getValue();
      if ((given & bit) != 0 || !(v instanceof Number num)) {
        return null;
      }
      double d = num.doubleValue();
      if (!Double.isFinite(d) || (integer[slot] && !isInteger(v, d))) {
        return null;
      }
      values[slot] = d;
      given |= bit;
    }
    if (given != (names.length == Long.SIZE ? -1L : (1L << names.length) - 1)) {
      return null;
    }
    return SortedExample.ordered(unknown, names, values);
  }

  /**
   * Where the fields of the {@link DenseRow}s of one names array go in the example: the slot of
   * each field, -1 for an ignored field; {@code slots} null when {@link #readDense} cannot take
   * such rows (a field that is no feature, a one-hot member, a feature given twice or not at all).
   * Replaced whole, never changed; read and written without synchronization, as {@link #order}.
   */
  @SuppressWarnings("ArrayRecordComponent") // never compared; replaced whole
  private record DenseLayout(String[] fields, int @Nullable [] slots) {}

  private @Nullable DenseLayout dense;

  /**
   * The example {@link #encode} gives for {@code row} when it takes the short way ({@link
   * #readDense}); null for every other row, which {@code encode} reads through its full validation.
   */
  <T extends Output<T>> @Nullable ArrayExample<T> encodeDense(DenseRow row, T unknown) {
    if (!denseReadable) {
      return null;
    }
    try {
      return readDense(row, unknown);
    } catch (RuntimeException e) {
      return null; // encode turns it into the request's problem
    }
  }

  /**
   * {@link #readPlain} for a {@link DenseRow} (a row of numbers from a batch file), for any schema
   * of {@link #denseReadable}: where each of its fields goes is worked out once per names array;
   * then the row's values are checked as {@code readPlain} checks them (finite; an integer
   * feature's value a whole one) and placed, without a map entry or a boxed number, into the
   * example {@code read} builds for such a row. Every row {@code readPlain} would refuse gives
   * null, and {@code read} reads it as any map, so the answer is the same under every policy.
   */
  private <T extends Output<T>> @Nullable ArrayExample<T> readDense(DenseRow row, T unknown) {
    int[] slots = denseSlots(row.names());
    if (slots == null) {
      return null;
    }
    double[] values = new double[slotNames.length];
    if (!placeDense(row, slots, slots, values, 0)) {
      return null;
    }
    String[] names = plainNames;
    // read's example for such a row: its names array is the slot names, in Tribuo's order or not
    return names != null
        ? SortedExample.ordered(unknown, names, values)
        : SortedExample.of(unknown, slotNames.clone(), values);
  }

  /**
   * The values of {@code rows} (each over the same names array) as one row-major matrix over {@code
   * columns} (a native model's input columns, by feature name), placed as the examples {@link
   * #readDense} builds for them place them in such a model's input; null if {@code readDense} would
   * refuse any of the rows (then each row takes {@link #encode}). A column that is no feature stays
   * 0, a feature that is no column is left out.
   */
  double @Nullable [] denseMatrix(List<DenseRow> rows, List<String> columns) {
    if (!denseReadable || rows.isEmpty()) {
      return null;
    }
    String[] fields = rows.get(0).names();
    int[] slots = denseSlots(fields);
    if (slots == null) {
      return null;
    }
    int width = columns.size();
    int[] column = new int[slots.length];
    for (int i = 0; i < slots.length; i++) {
      column[i] = slots[i] < 0 ? -1 : columns.lastIndexOf(slotNames[slots[i]]);
    }
    double[] data = new double[rows.size() * width];
    for (int r = 0; r < rows.size(); r++) {
      DenseRow row = rows.get(r);
      if (row.names() != fields || !placeDense(row, slots, column, data, r * width)) {
        return null;
      }
    }
    return data;
  }

  /** The slot of each field of {@code fields} ({@link DenseLayout}), or null. */
  private int @Nullable [] denseSlots(String[] fields) {
    DenseLayout layout = dense;
    if (layout == null || layout.fields() != fields) {
      layout = denseLayout(fields, slotNames.length);
      dense = layout;
    }
    return layout.slots();
  }

  /**
   * Checks the value of each field {@code i} of {@code row} that is a feature ({@code slots[i] >=
   * 0}) as {@link #readPlain} checks values (finite; an integer feature's a whole number) and puts
   * it at {@code out[offset + to[i]]} (nowhere for {@code to[i] < 0}); false at the first value
   * refused.
   */
  private boolean placeDense(DenseRow row, int[] slots, int[] to, double[] out, int offset) {
    for (int i = 0; i < slots.length; i++) {
      int slot = slots[i];
      if (slot < 0) {
        continue; // an ignored field
      }
      double d = row.value(i);
      if (!Double.isFinite(d) || (integer[slot] && !isWhole(d))) {
        return false;
      }
      if (to[i] >= 0) {
        out[offset + to[i]] = d;
      }
    }
    return true;
  }

  private DenseLayout denseLayout(String[] fields, int slotCount) {
    int[] slots = new int[fields.length];
    long given = 0;
    for (int i = 0; i < fields.length; i++) {
      Key key = keys.get(fields[i]);
      if (key == null) {
        if (!ignored.contains(fields[i])) {
          return new DenseLayout(fields, null);
        }
        slots[i] = -1;
        continue;
      }
      int slot = key.slot();
      long bit = 1L << slot;
      if (key.feature() == null || group[slot] || (given & bit) != 0) {
        return new DenseLayout(fields, null);
      }
      given |= bit;
      slots[i] = slot;
    }
    if (given != (slotCount == Long.SIZE ? -1L : (1L << slotCount) - 1)) {
      return new DenseLayout(fields, null);
    }
    return new DenseLayout(fields, slots);
  }

  /** How a request gave a one-hot group (see {@code read}); the two exclude each other. */
  private static final byte RAW = 1;

  private static final byte COLD = 2;

  private <T extends Output<T>> ArrayExample<T> read(
      Map<String, ?> request, T unknown, ValidationPolicy policy, VersionMeters meters) {
    int n = slotNames.length;
    String[] names = new String[n];
    double[] values = new double[n];
    List<Problem> problems = null;
    boolean fill = policy.fills();
    boolean unknownFields = false;
    int dropped = 0;
    int filled = 0;
    byte[] form = null; // per one-hot group: given by its base name (RAW) or a member as 0 (COLD)
    Order known = order;
    Object[] knownFields = known == null ? NO_FIELDS : known.fields();
    @Nullable Key[] knownKeys = known == null ? NO_KEYS : known.keys();
    int position = 0;
    boolean missed = false;
    // Read through a wildcard view: a raw map may hold keys that are not texts.
    for (Map.Entry<?, ?> e : ((Map<?, ?>) request).entrySet()) {
      Object k = e.getKey();
      int at = position++;
      String field;
      Key key;
      if (at < knownFields.length && knownFields[at] == k) { // that very String, at that place
        field = (String) k;
        key = knownKeys[at];
      } else if (k instanceof String f) {
        missed = true;
        field = f;
        key = keys.get(field);
      } else {
        missed = true;
        problems =
            add(
                problems,
                k == null ? "(null)" : "(" + Texts.typeName(k) + ")",
                Reason.INVALID_NAME,
                k == null
                    ? "a field name is null"
                    : "a field name is a " + Texts.typeName(k) + ", not a text");
        continue;
      }
      if (key == null) {
        if (!ignored.contains(field)) {
          if (fill) {
            dropped++;
          } else {
            unknownFields = true;
            problems =
                add(
                    problems,
                    field,
                    Reason.UNKNOWN,
                    "unknown field (value " + Texts.describe(e.getValue()) + ")");
          }
        }
        continue;
      }
      int slot = key.slot();
      if (group[slot]) {
        if (form == null) {
          form = new byte[n];
        }
        boolean base = key.feature() == null;
        if (base
            ? (names[slot] != null && form[slot] != RAW) || form[slot] == COLD
            : form[slot] == RAW) {
          problems =
              add(
                  problems,
                  field,
                  Reason.DUPLICATE,
                  "'"
                      + slotNames[slot]
                      + "' is given both by its name and as one-hot feature(s); send one form");
          continue;
        }
        if (base) {
          form[slot] = RAW;
        }
      } else if (names[slot] != null) {
        problems =
            add(
                problems,
                field,
                Reason.DUPLICATE,
                "given twice, also as '" + Texts.abbreviate(names[slot]) + "'");
        continue;
      }
      Object v = e.getValue();
      if (v == null) {
        if (!fill) {
          problems = add(problems, field, Reason.NULL, "is null");
        }
        continue; // filled below as missing
      }
      String feature = key.feature();
      if (feature == null) { // the base name of a one-hot group
        String category = v instanceof String s ? s : scalarText(v);
        if (category == null) {
          problems =
              add(
                  problems,
                  field,
                  Reason.WRONG_TYPE,
                  "expects a category (text, number" + " or boolean), got " + Texts.describe(v));
          continue;
        }
        String member = categories.get(slot).get(category);
        if (member == null) {
          if (fill) {
            names[slot] = ""; // an unseen category: every one-hot feature stays 0
            dropped++;
          } else {
            problems =
                add(
                    problems,
                    field,
                    Reason.UNKNOWN_CATEGORY,
                    "unknown category '"
                        + Texts.abbreviate(category)
                        + "'; known: "
                        + Texts.list(categories.get(slot).keySet(), 20));
          }
          continue;
        }
        names[slot] = member;
        values[slot] = 1.0;
        continue;
      }
      double d;
      if (v instanceof Number num) {
        d = num.doubleValue();
      } else if (v instanceof Boolean b) {
        d = b ? 1.0 : 0.0;
      } else {
        problems =
            add(problems, field, Reason.WRONG_TYPE, "expects a number, got " + Texts.describe(v));
        continue;
      }
      if (!Double.isFinite(d)) {
        if (fill) {
          continue; // filled below as missing
        }
        problems = add(problems, field, Double.isNaN(d) ? Reason.NAN : Reason.INFINITE, "is " + d);
        continue;
      }
      if (integer[slot] && !isInteger(v, d)) {
        problems =
            add(
                problems,
                field,
                Reason.NOT_INTEGER,
                "expects a whole number of magnitude at most 2^53, got " + Texts.describe(v));
        continue;
      }
      if (group[slot]) { // a one-hot member: 1 hot, 0 cold (as if left out)
        if (d == 0) {
          Objects.requireNonNull(form, "allocated above for a group")[slot] = COLD;
          continue;
        }
        if (d != 1) {
          problems =
              add(
                  problems,
                  field,
                  Reason.WRONG_TYPE,
                  "a one-hot feature is 0 (cold) or" + " 1 (hot), got " + d);
          continue;
        }
        if (names[slot] != null) {
          problems =
              add(
                  problems,
                  field,
                  Reason.DUPLICATE,
                  "two categories of '"
                      + slotNames[slot]
                      + "' are hot (1), also '"
                      + Texts.abbreviate(names[slot])
                      + "'");
          continue;
        }
      }
      names[slot] = feature;
      values[slot] = d;
    }
    int empty = 0;
    for (int i = 0; i < n; i++) {
      if (names[i] == null) {
        if (fill) {
          filled++;
          if (group[i]) {
            names[i] = "";
            empty++;
          } else {
            names[i] = slotNames[i];
            values[i] = policy.fillValue(slotNames[i]);
          }
        } else if (form != null && form[i] == COLD) {
          problems =
              add(
                  problems,
                  slotNames[i],
                  Reason.MISSING,
                  "no category is hot: the"
                      + " one-hot feature(s) given are all 0 (one of "
                      + Texts.list(categories.get(i).keySet(), 20)
                      + ")");
        } else if (!request.containsKey(slotNames[i]) && !groupGiven(request, i)) {
          problems =
              add(
                  problems,
                  slotNames[i],
                  Reason.MISSING,
                  "is missing"
                      + (group[i]
                          ? " (one of " + Texts.list(categories.get(i).keySet(), 20) + ")"
                          : ""));
        }
      } else if (names[i].isEmpty()) {
        empty++;
      }
    }
    if (missed && problems == null && (known == null || (++orderMisses & 63) == 0)) {
      remember(request, position);
    }
    if (problems != null) {
      throw new InvalidInputException(
          model,
          version,
          problems,
          unknownFields
              ? InvalidInputException.hints(problems)
                  + ". The model's features are "
                  + Texts.list(List.of(slotNames), 20)
              : null);
    }
    if (filled > 0) {
      meters.filled(filled);
    }
    if (dropped > 0) {
      meters.dropped(dropped);
    }
    if (empty > 0) {
      String[] keptNames = new String[n - empty];
      double[] keptValues = new double[n - empty];
      int j = 0;
      for (int i = 0; i < n; i++) {
        if (!names[i].isEmpty()) {
          keptNames[j] = names[i];
          keptValues[j++] = values[i];
        }
      }
      names = keptNames;
      values = keptValues;
    }
    return ordered
        ? SortedExample.ordered(unknown, names, values)
        : SortedExample.of(unknown, names, values);
  }

  /**
   * Remembers the order of a valid request's {@code size} field names (see {@link #order}); a map
   * that cannot be read again, or that changed meanwhile, is not remembered.
   */
  private void remember(Map<String, ?> request, int size) {
    if (size > MAX_ORDER) {
      return;
    }
    Object[] fields = new Object[size];
    @Nullable Key[] found = new Key[size];
    int i = 0;
    try {
      for (Object k : request.keySet()) {
        if (i == size || !(k instanceof String field)) {
          return;
        }
        fields[i] = field;
        found[i++] = keys.get(field);
      }
    } catch (RuntimeException e) {
      return; // only a hint: the request was read once already
    }
    if (i == size) {
      order = new Order(fields, found);
    }
  }

  /** Drops the remembered request order (after made-up requests). */
  void forgetOrder() {
    order = null;
  }

  /**
   * A valid request made up for warming a version: each numeric feature at the middle of its range
   * in {@code domain} (0 where the domain has no range), rounded for integer features; each one-hot
   * group at its first category.
   */
  Map<String, Object> sample(ImmutableFeatureMap domain) {
    Map<String, Object> out = new HashMap<>();
    for (int i = 0; i < slotNames.length; i++) {
      if (group[i]) {
        Iterator<String> first = categories.get(i).keySet().iterator();
        if (first.hasNext()) {
          out.put(slotNames[i], first.next());
        }
        continue;
      }
      double v = 0;
      if (domain.get(slotNames[i]) instanceof RealInfo r
          && Double.isFinite(r.getMin())
          && Double.isFinite(r.getMax())) {
        v = r.getMin() / 2 + r.getMax() / 2;
      }
      out.put(slotNames[i], integer[i] ? Math.rint(v) : v);
    }
    return out;
  }

  /** True if a member of one-hot group {@code slot} was given (and reported another way). */
  private boolean groupGiven(Map<String, ?> request, int slot) {
    if (!group[slot]) {
      return false;
    }
    for (String member : categories.get(slot).values()) {
      if (request.containsKey(member)) {
        return true;
      }
    }
    return false;
  }

  /**
   * What {@link ValidationPolicy#fills() a filling policy} would do to a request: one line per
   * filled value and dropped field (off the predict path, for prediction events).
   */
  List<String> fillWarnings(Map<String, ?> request, ValidationPolicy policy) {
    if (!policy.fills()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    Set<Integer> seen = new HashSet<>();
    for (Map.Entry<String, ?> e : request.entrySet()) {
      String field = e.getKey();
      Object v = e.getValue();
      Key key = keys.get(field);
      if (key == null) {
        if (!ignored.contains(field)) {
          out.add("dropped unknown field '" + Texts.abbreviate(field) + "'");
        }
      } else if (v != null
          && !(v instanceof Number num && !Double.isFinite(num.doubleValue()))
          && !(key.feature() != null && group[key.slot()] && isZero(v))) {
        String category =
            key.feature() == null ? (v instanceof String str ? str : scalarText(v)) : null;
        if (category != null && !categories.get(key.slot()).containsKey(category)) {
          out.add(
              "dropped unknown category '"
                  + Texts.abbreviate(category)
                  + "' of '"
                  + Texts.abbreviate(field)
                  + "'");
        }
        seen.add(key.slot());
      }
    }
    for (int i = 0; i < slotNames.length; i++) {
      if (!seen.contains(i)) {
        out.add(
            group[i]
                ? "no category for '" + slotNames[i] + "'"
                : "filled '" + slotNames[i] + "' with " + policy.fillValue(slotNames[i]));
      }
    }
    return out;
  }

  /**
   * True if {@code v} (read as {@code d}, finite) is a whole number of magnitude at most {@link
   * #MAX_INTEGER}. Integral types and big numbers are judged on their exact value, not on the
   * rounded double (2^53 + 1 as a {@code long} is refused, though its double is 2^53).
   */
  static boolean isInteger(Object v, double d) {
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      long l = ((Number) v).longValue();
      return l >= -MAX_INTEGER && l <= MAX_INTEGER;
    }
    if (v instanceof java.math.BigInteger b) {
      return b.abs().compareTo(java.math.BigInteger.valueOf(MAX_INTEGER)) <= 0;
    }
    if (v instanceof java.math.BigDecimal b) {
      return (b.signum() == 0 || b.stripTrailingZeros().scale() <= 0)
          && b.abs().compareTo(java.math.BigDecimal.valueOf(MAX_INTEGER)) <= 0;
    }
    return isWhole(d);
  }

  /** True if {@code d} is a whole number of magnitude at most {@link #MAX_INTEGER}. */
  private static boolean isWhole(double d) {
    return d == Math.rint(d) && Math.abs(d) <= MAX_INTEGER;
  }

  private static boolean isZero(Object v) {
    return v instanceof Number num ? num.doubleValue() == 0 : Boolean.FALSE.equals(v);
  }

  private static @Nullable String scalarText(Object v) {
    if (v instanceof Number
        || v instanceof Boolean
        || v instanceof Character
        || v instanceof Enum<?>) {
      return v.toString();
    }
    return null;
  }

  private static List<Problem> add(
      @Nullable List<Problem> problems, String field, Reason reason, String detail) {
    List<Problem> p = problems == null ? new ArrayList<>() : problems;
    p.add(new Problem(field, reason, detail));
    return p;
  }
}
