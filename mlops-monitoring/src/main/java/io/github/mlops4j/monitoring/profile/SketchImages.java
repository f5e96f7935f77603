package io.github.mlops4j.monitoring.profile;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;

/**
 * Checks the DataSketches 6.x binary images embedded in a profile <em>before</em> DataSketches
 * reads them, so that untrusted bytes can neither make it allocate what they declare nor hand back
 * a sketch that breaks later queries.
 *
 * <p>DataSketches trusts its images: a KLL image's level count sizes an array before the bytes are
 * checked to hold it, and a frequent-items image's string lengths and hash-map size are allocated
 * as declared. Here every length and count is checked against the bytes that remain, the header
 * must be exactly what this library writes (the profile's k and map size, m = 8, the compact
 * layouts of {@code toByteArray()}), and the content must be consistent: a KLL sketch's retained
 * weights add up to its n, its items are finite and within its min and max, and its levels above 0
 * are sorted; a frequent-items sketch's counts are positive, its items distinct and valid UTF-8,
 * their counts and its error offset no more than its stream length.
 *
 * <p>Memory: a KLL image is not copied into a heap sketch but wrapped read-only, so a column keeps
 * only its own bytes (a heap sketch always holds k doubles, 512 KB at k = 65535, whatever its
 * image). A frequent-items sketch is rebuilt on the heap with the smallest hash map that holds its
 * items, whatever current map size its image declares (up to the profile's maximum): that changes
 * neither counts, nor estimates, nor when the sketch purges.
 *
 * <p>All multi-byte fields are little-endian, as DataSketches writes them.
 */
final class SketchImages {
  /** KLL family id, serial versions and preamble sizes (DataSketches {@code KllPreambleUtil}). */
  private static final int KLL_FAMILY = 15;

  private static final int KLL_M = 8;
  private static final int KLL_EMPTY = 1;
  private static final int KLL_LEVEL_ZERO_SORTED = 2;
  private static final int KLL_SINGLE = 4;
  private static final int KLL_DATA_START = 20;

  /** DataSketches asserts at most 61 levels; 2^61 values at k = 8 need fewer. */
  static final int KLL_MAX_LEVELS = 61;

  private static final long[] POWERS_OF_THREE = new long[31];

  static {
    POWERS_OF_THREE[0] = 1;
    for (int i = 1; i < POWERS_OF_THREE.length; i++) {
      POWERS_OF_THREE[i] = POWERS_OF_THREE[i - 1] * 3;
    }
  }

  /** Frequent-items family id and layout (DataSketches {@code frequencies.PreambleUtil}). */
  private static final int FI_FAMILY = 10;

  private static final int FI_EMPTY_FLAGS = 5;
  private static final int FI_PREAMBLE_BYTES = 32;
  private static final int FI_LG_MIN_MAP_SIZE = 3;
  private static final double FI_LOAD_FACTOR = 0.75;

  private SketchImages() {}

  // ---- KLL ----------------------------------------------------------------------------------

  /** The 8-byte compact image of an empty KLL doubles sketch of parameter k. */
  static byte[] emptyKllImage(int k) {
    return ByteBuffer.allocate(8)
        .order(ByteOrder.LITTLE_ENDIAN)
        .put((byte) 2)
        .put((byte) 1)
        .put((byte) KLL_FAMILY)
        .put((byte) KLL_EMPTY)
        .putShort((short) k)
        .put((byte) KLL_M)
        .put((byte) 0)
        .array();
  }

  /** A read-only empty KLL sketch of parameter k that holds 8 bytes, not k doubles. */
  static KllDoublesSketch emptyKll(int k) {
    return KllDoublesSketch.wrap(Memory.wrap(emptyKllImage(k), ByteOrder.LITTLE_ENDIAN));
  }

  /**
   * Checks a compact KLL doubles image of {@code n ≥ 1} values with exact extremes {@code min} and
   * {@code max} and parameter {@code k}, and wraps it read-only (the sketch keeps {@code image}:
   * the caller must not change it).
   *
   * @param where names the field in messages, e.g. {@code "Column 'age': \"kll\""}
   * @throws ProfileFormatException if the image is not such a sketch
   */
  static KllDoublesSketch kll(byte[] image, int k, long n, double min, double max, String where) {
    ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
    if (image.length < 8) {
      throw bad(where, "is " + image.length + " bytes, shorter than a KLL preamble (8)");
    }
    int preInts = b.get(0) & 0xFF;
    int serVer = b.get(1) & 0xFF;
    int family = b.get(2) & 0xFF;
    int flags = b.get(3) & 0xFF;
    int imageK = b.getShort(4) & 0xFFFF;
    int m = b.get(6) & 0xFF;
    if (family != KLL_FAMILY) {
      throw bad(where, "is not a KLL sketch (family " + family + ")");
    }
    if (imageK != k || m != KLL_M) {
      throw bad(
          where,
          "has k = "
              + imageK
              + ", m = "
              + m
              + "; the profile's sketches have k = "
              + k
              + ", m = "
              + KLL_M);
    }
    if ((flags & ~(KLL_EMPTY | KLL_LEVEL_ZERO_SORTED | KLL_SINGLE)) != 0) {
      throw bad(where, "has unknown flags " + flags);
    }
    boolean single = preInts == 2 && serVer == 2;
    boolean full = preInts == 5 && serVer == 1;
    if (preInts == 2 && serVer == 1) {
      throw bad(where, "is an empty sketch but the column has " + n + " values");
    }
    if (!single && !full) {
      throw bad(
          where,
          "is not a compact KLL image (preamble "
              + preInts
              + " ints, serial"
              + " version "
              + serVer
              + ")");
    }
    if ((flags & KLL_EMPTY) != 0 || ((flags & KLL_SINGLE) != 0) != single) {
      throw bad(where, "has flags " + flags + " that contradict its layout");
    }
    if (single) {
      if (image.length != 16) {
        throw bad(where, "is a single-value image of " + image.length + " bytes, not 16");
      }
      if (n != 1) {
        throw bad(where, "holds 1 value but the column has " + n);
      }
      double v = b.getDouble(8);
      if (!(v == min && v == max)) {
        throw bad(
            where,
            "holds the value " + v + " but the column's min and max are " + min + " and " + max);
      }
      return wrap(image, where);
    }
    if (image.length < KLL_DATA_START) {
      throw bad(where, "is " + image.length + " bytes, shorter than a full KLL preamble (20)");
    }
    long imageN = b.getLong(8);
    int minK = b.getShort(16) & 0xFFFF;
    int levels = b.get(18) & 0xFF;
    if (imageN != n) {
      throw bad(where, "summarizes " + imageN + " values but the column has " + n);
    }
    if (minK != k) {
      throw bad(where, "has min k " + minK + ", not the profile's k " + k);
    }
    if (levels < 1 || levels > KLL_MAX_LEVELS) {
      throw bad(where, "has " + levels + " levels, not in [1, " + KLL_MAX_LEVELS + "]");
    }
    long itemsStart = KLL_DATA_START + 4L * levels + 16;
    if (image.length < itemsStart) {
      throw bad(where, "is " + image.length + " bytes, too short for " + levels + " levels");
    }
    int capacity = kllCapacity(k, levels);
    int[] offsets = new int[levels + 1];
    for (int h = 0; h < levels; h++) {
      offsets[h] = b.getInt(KLL_DATA_START + 4 * h);
    }
    offsets[levels] = capacity;
    if (offsets[0] < 0 || offsets[0] > capacity) {
      throw bad(where, "has free space " + offsets[0] + " outside [0, " + capacity + "]");
    }
    for (int h = 0; h < levels; h++) {
      if (offsets[h + 1] < offsets[h]) {
        throw bad(where, "has level offsets out of order at level " + h);
      }
    }
    long retained = (long) capacity - offsets[0];
    if (image.length != itemsStart + 8 * retained) {
      throw bad(
          where,
          "is "
              + image.length
              + " bytes; "
              + levels
              + " levels and "
              + retained
              + " retained values need "
              + (itemsStart + 8 * retained));
    }
    double imageMin = b.getDouble(KLL_DATA_START + 4 * levels);
    double imageMax = b.getDouble(KLL_DATA_START + 4 * levels + 8);
    if (!(imageMin == min && imageMax == max)) {
      throw bad(
          where,
          "has min "
              + imageMin
              + " and max "
              + imageMax
              + " but the column's are "
              + min
              + " and "
              + max);
    }
    long weight = 0;
    for (int h = 0; h < levels; h++) {
      int count = offsets[h + 1] - offsets[h];
      long w =
          count == 0
              ? 0
              : (h >= 62 || (long) count > (Long.MAX_VALUE >> h)) ? -1 : (long) count << h;
      if (w < 0 || weight > Long.MAX_VALUE - w) {
        throw bad(where, "has retained weights that overflow");
      }
      weight += w;
      boolean mustBeSorted = h > 0 || (flags & KLL_LEVEL_ZERO_SORTED) != 0;
      double prev = Double.NEGATIVE_INFINITY;
      for (int i = offsets[h]; i < offsets[h + 1]; i++) {
        double v = b.getDouble((int) (itemsStart + 8L * (i - offsets[0])));
        if (!(v >= min && v <= max)) {
          throw bad(
              where, "holds the value " + v + " outside the column's [" + min + ", " + max + "]");
        }
        if (mustBeSorted && v < prev) {
          throw bad(where, "has level " + h + " out of order");
        }
        prev = v;
      }
    }
    if (weight != n) {
      throw bad(where, "retains a weight of " + weight + " but summarizes " + n + " values");
    }
    return wrap(image, where);
  }

  private static KllDoublesSketch wrap(byte[] image, String where) {
    try {
      return KllDoublesSketch.wrap(Memory.wrap(image, ByteOrder.LITTLE_ENDIAN));
    } catch (RuntimeException e) {
      // the checks above should leave DataSketches nothing to refuse
      throw new ProfileFormatException(
          "Corrupt profile: "
              + where
              + " is not a valid KLL sketch: "
              + ProfileFormat.bounded(String.valueOf(e.getMessage())),
          e);
    }
  }

  /** Items a heap KLL sketch of these parameters has room for (DataSketches' formula). */
  static int kllCapacity(int k, int levels) {
    long total = 0;
    for (int level = 0; level < levels; level++) {
      total += Math.max(KLL_M, levelCapacity(k, levels - level - 1));
    }
    return Math.toIntExact(total);
  }

  /** round(k · (2/3)^depth), as DataSketches' {@code KllHelper.intCapAux}. */
  private static long levelCapacity(long k, int depth) {
    if (depth <= 30) {
      return levelCapacityAux(k, depth);
    }
    int half = depth / 2;
    return levelCapacityAux(levelCapacityAux(k, half), depth - half);
  }

  private static long levelCapacityAux(long k, int depth) {
    long twok = k << 1;
    long tmp = (twok << depth) / POWERS_OF_THREE[depth];
    return (tmp + 1L) >>> 1;
  }

  // ---- frequent items -----------------------------------------------------------------------

  /**
   * Checks an {@code ItemsSketch<String>} image (serialized with {@code ArrayOfStringsSerDe}) of a
   * stream of {@code streamLength} values, built with maximum map size 2<sup>{@code
   * lgMaxMapSize}</sup>, and rebuilds it.
   *
   * @throws ProfileFormatException if the image is not such a sketch
   */
  static ItemsSketch<String> frequentItems(
      byte[] image, int lgMaxMapSize, long streamLength, String where) {
    ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
    if (image.length < 8) {
      throw bad(where, "is " + image.length + " bytes, shorter than a frequent-items preamble (8)");
    }
    int preLongs = b.get(0) & 0x3F;
    int serVer = b.get(1) & 0xFF;
    int family = b.get(2) & 0xFF;
    int lgMax = b.get(3) & 0xFF;
    int lgCur = b.get(4) & 0xFF;
    int flags = b.get(5) & 0xFF;
    if (family != FI_FAMILY || serVer != 1 || (b.get(0) & 0xC0) != 0) {
      throw bad(
          where,
          "is not a frequent-items sketch (family " + family + ", serial version " + serVer + ")");
    }
    if (lgMax != lgMaxMapSize) {
      throw bad(
          where, "has a maximum map size of 2^" + lgMax + "; the profile's is 2^" + lgMaxMapSize);
    }
    if (lgCur < FI_LG_MIN_MAP_SIZE || lgCur > lgMax) {
      throw bad(
          where,
          "has a current map size of 2^"
              + lgCur
              + ", not in [2^"
              + FI_LG_MIN_MAP_SIZE
              + ", 2^"
              + lgMax
              + "]");
    }
    if (preLongs == 1) {
      if (flags != FI_EMPTY_FLAGS || image.length != 8) {
        throw bad(where, "is a malformed empty sketch");
      }
      if (streamLength != 0) {
        throw bad(where, "is empty but the column has " + streamLength + " values");
      }
      return new ItemsSketch<>(1 << lgMax);
    }
    if (preLongs != 4 || flags != 0) {
      throw bad(where, "has a malformed preamble (" + preLongs + " longs, flags " + flags + ")");
    }
    if (image.length < FI_PREAMBLE_BYTES) {
      throw bad(where, "is " + image.length + " bytes, shorter than its preamble (32)");
    }
    long active = b.getLong(8);
    long stream = b.getLong(16);
    long offset = b.getLong(24);
    long maxActive = (long) ((1L << lgMax) * FI_LOAD_FACTOR);
    // each item takes at least 12 bytes: its count and its length prefix
    if (active < 0 || active > maxActive || active > (image.length - FI_PREAMBLE_BYTES) / 12) {
      throw bad(
          where,
          "declares "
              + active
              + " items; its "
              + image.length
              + " bytes and map"
              + " size allow at most "
              + Math.min(maxActive, (image.length - FI_PREAMBLE_BYTES) / 12));
    }
    if (stream != streamLength) {
      throw bad(where, "summarizes " + stream + " values but the column has " + streamLength);
    }
    if (offset < 0 || offset > stream) {
      throw bad(where, "has an error offset of " + offset + ", not in [0, " + stream + "]");
    }
    int n = (int) active;
    long[] counts = new long[n];
    long sum = 0;
    for (int i = 0; i < n; i++) {
      long c = b.getLong(FI_PREAMBLE_BYTES + 8 * i);
      if (c <= 0 || c > stream - sum) {
        throw bad(
            where,
            "has an item count "
                + c
                + " that is not positive or exceeds the"
                + " stream length "
                + stream);
      }
      counts[i] = c;
      sum += c;
    }
    String[] items = new String[n];
    HashSet<String> seen = new HashSet<>();
    CharsetDecoder utf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    int pos = FI_PREAMBLE_BYTES + 8 * n;
    for (int i = 0; i < n; i++) {
      if (image.length - pos < 4) {
        throw bad(where, "ends inside the length of item " + i);
      }
      int len = b.getInt(pos);
      pos += 4;
      if (len < 0 || len > image.length - pos) {
        throw bad(
            where,
            "declares item " + i + " of " + len + " bytes; " + (image.length - pos) + " remain");
      }
      String item;
      try {
        CharBuffer chars = utf8.decode(ByteBuffer.wrap(image, pos, len));
        item = chars.toString();
      } catch (CharacterCodingException e) {
        throw bad(where, "has item " + i + " that is not valid UTF-8");
      }
      pos += len;
      if (!seen.add(item)) {
        throw bad(where, "lists the item '" + ProfileFormat.bounded(item) + "' twice");
      }
      items[i] = item;
    }
    if (pos != image.length) {
      throw bad(where, "has " + (image.length - pos) + " bytes after its last item");
    }
    // a map that just holds the items (the sketch grows it as DataSketches would)
    byte[] copy = image;
    int lg = minimalLgMapSize(n);
    if (lgCur != lg) {
      copy = image.clone();
      copy[4] = (byte) lg;
    }
    ItemsSketch<String> sketch;
    try {
      sketch =
          ItemsSketch.getInstance(Memory.wrap(copy, ByteOrder.LITTLE_ENDIAN), CategorySketch.SERDE);
    } catch (RuntimeException e) {
      throw new ProfileFormatException(
          "Corrupt profile: "
              + where
              + " is not a valid frequent-items sketch: "
              + ProfileFormat.bounded(String.valueOf(e.getMessage())),
          e);
    }
    if (sketch.getStreamLength() != stream
        || sketch.getNumActiveItems() != n
        || sketch.getMaximumError() != offset) {
      throw bad(where, "does not read back as it was written");
    }
    return sketch;
  }

  /**
   * Log2 of the smallest hash map that holds {@code items} items: what a sketch that never purged
   * would have. The current map size changes neither counts nor estimates, nor when the sketch
   * purges (only at its maximum size), so images are written and read with this one.
   */
  static int minimalLgMapSize(int items) {
    int lg = FI_LG_MIN_MAP_SIZE;
    while ((int) ((1L << lg) * FI_LOAD_FACTOR) < items) {
      lg++;
    }
    return lg;
  }

  /**
   * The image this library writes for a frequent-items sketch: DataSketches' own, with its items
   * sorted ({@link #canonicalFrequentItems}), and in full form for a sketch that holds no item but
   * has seen values. A sketch of distinct values purges every item when its map fills; it keeps its
   * stream length and error offset, but DataSketches writes it as the 8-byte empty image, which
   * loses both.
   */
  static byte[] frequentItemsImage(ItemsSketch<String> items) {
    byte[] image = items.toByteArray(CategorySketch.SERDE);
    if (image.length == 8 && items.getStreamLength() > 0) {
      return ByteBuffer.allocate(FI_PREAMBLE_BYTES)
          .order(ByteOrder.LITTLE_ENDIAN)
          .put((byte) 4)
          .put((byte) 1)
          .put((byte) FI_FAMILY)
          .put(image[3])
          .put((byte) minimalLgMapSize(0))
          .put((byte) 0)
          .put(image[6])
          .put(image[7])
          .putLong(0) // no active item
          .putLong(items.getStreamLength())
          .putLong(items.getMaximumError())
          .array();
    }
    return canonicalFrequentItems(image);
  }

  /**
   * The same frequent-items image with its items (and their counts) sorted by item, and the current
   * map size {@link #minimalLgMapSize minimal} for them. DataSketches writes items in hash-map slot
   * order, which depends on the order they were inserted; a sketch read back inserts them in the
   * written order, so a second write could list them in another order. Sorted, the written bytes
   * depend only on the sketch's content: reading and writing a profile again gives the same bytes.
   * {@code image} must come from {@code toByteArray}.
   */
  static byte[] canonicalFrequentItems(byte[] image) {
    if (image.length < FI_PREAMBLE_BYTES) {
      return image; // the empty sketch: 8 bytes, no items
    }
    ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
    int n = b.getInt(8);
    long[] counts = new long[n];
    byte[][] items = new byte[n][];
    String[] keys = new String[n];
    int pos = FI_PREAMBLE_BYTES + 8 * n;
    for (int i = 0; i < n; i++) {
      counts[i] = b.getLong(FI_PREAMBLE_BYTES + 8 * i);
      int len = b.getInt(pos);
      items[i] = java.util.Arrays.copyOfRange(image, pos + 4, pos + 4 + len);
      keys[i] = new String(items[i], StandardCharsets.UTF_8);
      pos += 4 + len;
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (x, y) -> keys[x].compareTo(keys[y]));
    ByteBuffer out = ByteBuffer.allocate(image.length).order(ByteOrder.LITTLE_ENDIAN);
    out.put(image, 0, FI_PREAMBLE_BYTES);
    out.put(4, (byte) minimalLgMapSize(n));
    for (int i : order) {
      out.putLong(counts[i]);
    }
    for (int i : order) {
      out.putInt(items[i].length).put(items[i]);
    }
    return out.array();
  }

  private static ProfileFormatException bad(String where, String what) {
    return new ProfileFormatException("Corrupt profile: " + where + " " + what);
  }
}
