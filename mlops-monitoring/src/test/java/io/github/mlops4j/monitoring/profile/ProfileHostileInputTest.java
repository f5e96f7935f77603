package io.github.mlops4j.monitoring.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Profiles from an untrusted source: every malformed input is a {@link ProfileFormatException}, and
 * decoding allocates memory in proportion to the input, never to sizes the input declares. Each
 * payload starts from a real profile and tampers with it.
 */
class ProfileHostileInputTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A categorical column past its exact limit (a frequent-items sketch) and a numeric one. */
  static Profile realProfile() {
    ProfileSchema schema =
        ProfileSchema.builder()
            .numeric("x")
            .categorical("c")
            .kllK(8)
            .exactCategoryLimit(2)
            .frequentItemsMapSize(16)
            .build();
    ProfileAccumulator acc = ProfileAccumulator.create(schema);
    KllSketchRandom.seed(5);
    for (int i = 0; i < 100; i++) {
      acc.update(new double[] {i * 0.5}, new String[] {"v" + (i % 3)});
    }
    return acc.take();
  }

  private static ObjectNode tree(Profile p) throws Exception {
    return (ObjectNode) JSON.readTree(p.toBytes());
  }

  private static ObjectNode column(ObjectNode tree, int i) {
    return (ObjectNode) tree.get("columns").get(i);
  }

  private static byte[] sketch(ObjectNode column, String field) {
    return Base64.getDecoder().decode(column.get(field).textValue());
  }

  /** Replaces a column's sketch by a tampered copy of it. */
  private static byte[] tampered(String field, int col, Consumer<ByteBuffer> edit)
      throws Exception {
    ObjectNode t = tree(realProfile());
    byte[] image = sketch(column(t, col), field);
    edit.accept(ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN));
    column(t, col).put(field, Base64.getEncoder().encodeToString(image));
    return JSON.writeValueAsBytes(t);
  }

  private static void assertRefused(byte[] json, String message) {
    assertThatThrownBy(() -> Profile.fromBytes(json))
        .isInstanceOf(ProfileFormatException.class)
        .hasMessageContaining(message);
  }

  @Test
  void theRealProfileReadsBack() throws Exception {
    Profile p = realProfile();
    assertThat(p.column("c").isExact()).isFalse();
    assertThat(p.column("x").isExact()).isFalse();
    Profile back = Profile.fromBytes(p.toBytes());
    assertThat(back.toJson()).isEqualTo(p.toJson());
    assertThat(back.column("x").quantile(0.5)).isEqualTo(p.column("x").quantile(0.5));
  }

  // ---- frequent-items sketch --------------------------------------------------------------

  /** Offset of the first item's length prefix: 4 preamble longs, then one count per item. */
  private static int firstStringOffset(ByteBuffer b) {
    return 32 + 8 * b.getInt(8);
  }

  @Test
  void aStringLengthOfAlmostTwoGigabytesIsRefusedBeforeAllocating() throws Exception {
    byte[] json =
        tampered("frequentItems", 1, b -> b.putInt(firstStringOffset(b), Integer.MAX_VALUE - 7));
    assertRefused(json, "'c'");
  }

  @Test
  void aNegativeStringLengthIsRefused() throws Exception {
    assertRefused(tampered("frequentItems", 1, b -> b.putInt(firstStringOffset(b), -5)), "'c'");
  }

  @Test
  void frequentItemsCountsAndHeaderAreChecked() throws Exception {
    // item count larger than the bytes can hold
    assertRefused(tampered("frequentItems", 1, b -> b.putInt(8, 1 << 30)), "'c'");
    // negative count of an item
    assertRefused(tampered("frequentItems", 1, b -> b.putLong(32, -3)), "'c'");
    // stream length no longer the column's count
    assertRefused(tampered("frequentItems", 1, b -> b.putLong(16, b.getLong(16) + 1)), "'c'");
    // error offset beyond the stream length
    assertRefused(tampered("frequentItems", 1, b -> b.putLong(24, Long.MAX_VALUE)), "'c'");
    // a map size other than the schema's
    assertRefused(tampered("frequentItems", 1, b -> b.put(3, (byte) 26)), "'c'");
    // a current map size above the maximum
    assertRefused(tampered("frequentItems", 1, b -> b.put(4, (byte) 30)), "'c'");
    // an item repeated
    assertRefused(
        tampered(
            "frequentItems",
            1,
            b -> {
              int o = firstStringOffset(b);
              int len = b.getInt(o);
              byte[] first = new byte[len];
              b.position(o + 4);
              b.get(first);
              b.position(o + 4 + len + 4);
              b.put(first);
            }),
        "'c'");
    // malformed UTF-8 in an item
    assertRefused(
        tampered("frequentItems", 1, b -> b.put(firstStringOffset(b) + 4, (byte) 0xC0)), "'c'");
    // trailing bytes
    ObjectNode t = tree(realProfile());
    byte[] image = sketch(column(t, 1), "frequentItems");
    byte[] longer = java.util.Arrays.copyOf(image, image.length + 3);
    column(t, 1).put("frequentItems", Base64.getEncoder().encodeToString(longer));
    assertRefused(JSON.writeValueAsBytes(t), "'c'");
  }

  // ---- KLL sketch -------------------------------------------------------------------------

  @Test
  void tamperedKllImagesAreRefused() throws Exception {
    // more levels than the image holds
    assertRefused(tampered("kll", 0, b -> b.put(18, (byte) 60)), "'x'");
    assertRefused(tampered("kll", 0, b -> b.put(18, (byte) 255)), "'x'");
    // a negative level offset
    assertRefused(tampered("kll", 0, b -> b.putInt(20, -1_000_000)), "'x'");
    // level offsets out of order
    assertRefused(tampered("kll", 0, b -> b.putInt(24, b.getInt(20) - 1)), "'x'");
    // truncated
    ObjectNode t = tree(realProfile());
    byte[] image = sketch(column(t, 0), "kll");
    column(t, 0)
        .put(
            "kll",
            Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(image, image.length - 8)));
    assertRefused(JSON.writeValueAsBytes(t), "'x'");
    // another m, an updatable image, another family
    assertRefused(tampered("kll", 0, b -> b.put(6, (byte) 2)), "'x'");
    assertRefused(tampered("kll", 0, b -> b.put(1, (byte) 3)), "'x'");
    assertRefused(tampered("kll", 0, b -> b.put(2, (byte) 7)), "'x'");
  }

  /** Offset of the first retained item of a compact multi-level KLL image. */
  private static int firstItem(ByteBuffer b) {
    return 20 + 4 * (b.get(18) & 0xFF) + 16;
  }

  @Test
  void kllImagesThatDatasketchesWouldAcceptSilentlyAreRefused() throws Exception {
    // n no longer the total weight of the retained items (and the column's count kept in step)
    ObjectNode t = tree(realProfile());
    byte[] image = sketch(column(t, 0), "kll");
    ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(8, b.getLong(8) + 1);
    column(t, 0).put("kll", Base64.getEncoder().encodeToString(image));
    t.put("rows", 101);
    column(t, 0).put("count", 101);
    column(t, 1).put("count", 101);
    column(t, 1).put("missing", 1);
    assertRefused(JSON.writeValueAsBytes(t), "'x'");
    // a NaN item, an item outside [min, max], min and max swapped, min not the column's min
    assertRefused(tampered("kll", 0, c -> c.putDouble(firstItem(c), Double.NaN)), "'x'");
    assertRefused(tampered("kll", 0, c -> c.putDouble(firstItem(c), 1e9)), "'x'");
    assertRefused(
        tampered(
            "kll",
            0,
            c -> {
              int mm = firstItem(c) - 16;
              double min = c.getDouble(mm);
              c.putDouble(mm, c.getDouble(mm + 8));
              c.putDouble(mm + 8, min);
            }),
        "'x'");
    assertRefused(tampered("kll", 0, c -> c.putDouble(firstItem(c) - 16, -1.0)), "'x'");
    // a level above 0 out of order
    assertRefused(
        tampered(
            "kll",
            0,
            c -> {
              int levels = c.get(18) & 0xFF;
              for (int h = 1; h < levels - 1; h++) {
                int from = firstItem(c) + 8 * (c.getInt(20 + 4 * h) - c.getInt(20));
                int to = firstItem(c) + 8 * (c.getInt(20 + 4 * (h + 1)) - c.getInt(20));
                if (to - from >= 16 && c.getDouble(from) < c.getDouble(from + 8)) {
                  double a = c.getDouble(from);
                  c.putDouble(from, c.getDouble(from + 8));
                  c.putDouble(from + 8, a);
                  return;
                }
              }
              throw new AssertionError("no level above 0 with two distinct items");
            }),
        "'x'");
    // minK other than k
    assertRefused(tampered("kll", 0, c -> c.putShort(16, (short) 8000)), "'x'");
  }

  @Test
  void momentsMustFitTheValues() throws Exception {
    ObjectNode t = tree(realProfile());
    column(t, 0).put("mean", 1e6);
    assertRefused(JSON.writeValueAsBytes(t), "'x'");
    t = tree(realProfile());
    column(t, 0).put("m2", 1e30);
    assertRefused(JSON.writeValueAsBytes(t), "'x'");
    t = tree(realProfile());
    column(t, 0).put("min", -5.0);
    assertRefused(JSON.writeValueAsBytes(t), "'x'");
  }

  // ---- JSON --------------------------------------------------------------------------------

  @Test
  void duplicateKeysAreRefused() throws Exception {
    String json = realProfile().toJson();
    assertRefused(
        json.replace("\"rows\":100", "\"rows\":100,\"rows\":100").getBytes(StandardCharsets.UTF_8),
        "Duplicate field 'rows'");
    ObjectNode exact = tree(ProfileFormatTest.goldenProfile());
    String golden = JSON.writeValueAsString(exact);
    assertRefused(
        golden.replace("\"DE\":3", "\"DE\":1,\"DE\":2").getBytes(StandardCharsets.UTF_8),
        "Duplicate field 'DE'");
  }

  @Test
  void unknownFieldsTrailingTokensAndDeepNestingAreRefused() throws Exception {
    ObjectNode t = tree(realProfile());
    t.put("extra", 1);
    assertRefused(JSON.writeValueAsBytes(t), "unknown field \"extra\"");
    t = tree(realProfile());
    column(t, 1).put("min", 1.0);
    assertRefused(JSON.writeValueAsBytes(t), "unknown field \"min\"");
    byte[] trailing = (realProfile().toJson() + " {}").getBytes(StandardCharsets.UTF_8);
    assertRefused(trailing, "not valid JSON");
    String deep = "[".repeat(100_000);
    assertRefused(
        ("{\"format\":\"mlops4j-profile\",\"x\":" + deep).getBytes(StandardCharsets.UTF_8),
        "not valid JSON");
  }

  @Test
  void messagesQuoteAtMostAHundredCharactersOfTheInput() throws Exception {
    ObjectNode t = tree(realProfile());
    column(t, 1).put("type", "T".repeat(1_000_000));
    assertThatThrownBy(() -> Profile.fromBytes(JSON.writeValueAsBytes(t)))
        .isInstanceOf(ProfileFormatException.class)
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
    ObjectNode u = tree(realProfile());
    u.put("x".repeat(500_000), 1);
    assertThatThrownBy(() -> Profile.fromBytes(JSON.writeValueAsBytes(u)))
        .isInstanceOf(ProfileFormatException.class)
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
  }

  /** Counts near Long.MAX_VALUE are valid, but merging two must not wrap around. */
  @Test
  void mergingCountsBeyondLongMaxValueIsRefused() throws Exception {
    long half = Long.MAX_VALUE / 2 + 1;
    ObjectNode t = tree(ProfileFormatTest.goldenProfile());
    t.put("rows", half);
    for (int i = 0; i < 4; i++) {
      column(t, i).put("count", half);
    }
    // age: no values; country: all one category; city: all missing; churned: all missing
    ObjectNode age = column(t, 0);
    for (String f : new String[] {"min", "max", "mean", "m2", "kll"}) {
      age.remove(f);
    }
    age.put("missing", half);
    column(t, 1).put("missing", 0).putObject("categories").put("DE", half);
    column(t, 2).put("missing", half).remove("frequentItems");
    column(t, 2).putObject("categories");
    column(t, 3).put("missing", half).putObject("categories");
    Profile p = Profile.fromBytes(JSON.writeValueAsBytes(t));
    assertThat(p.column("country").categoryCounts()).containsEntry("DE", half);
    assertThatThrownBy(() -> p.merge(p))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exceed Long.MAX_VALUE");
  }

  // ---- memory ------------------------------------------------------------------------------

  /**
   * Bytes allocated by this thread while {@code r} runs (HotSpot's per-thread allocation counter:
   * exact for this thread, blind to others). Decoding a profile must allocate a small multiple of
   * its input; before the fix the payloads below allocated about 1 GB each (or failed with {@code
   * OutOfMemoryError}).
   */
  private static long allocatedBy(Runnable r) {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = mx.getCurrentThreadAllocatedBytes();
    r.run();
    return mx.getCurrentThreadAllocatedBytes() - before;
  }

  private static void assertDecodingIsBoundedByTheInput(byte[] json) {
    Profile.fromBytes(json); // warm up (class loading)
    long allocated = allocatedBy(() -> Profile.fromBytes(json));
    System.out.printf("decoding %d bytes of profile allocated %d bytes%n", json.length, allocated);
    assertThat(allocated)
        .as("bytes allocated to decode %d bytes", json.length)
        .isLessThan(64L * json.length + (1 << 20));
  }

  /** 2,000 empty numeric columns at the largest k: about 110 KB of JSON. */
  @Test
  void manyEmptyColumnsAtTheLargestKStayWithinAMultipleOfTheInput() throws Exception {
    ObjectNode t = JSON.createObjectNode();
    t.put("format", "mlops4j-profile")
        .put("schemaVersion", 1)
        .put("kllK", 65535)
        .put("exactCategoryLimit", 1024)
        .put("frequentItemsMapSize", 1024)
        .put("rows", 0);
    ArrayNode cols = t.putArray("columns");
    for (int i = 0; i < 2000; i++) {
      cols.addObject()
          .put("name", "c" + i)
          .put("type", "NUMERIC")
          .put("count", 0)
          .put("missing", 0);
    }
    byte[] json = JSON.writeValueAsBytes(t);
    assertThat(json.length).isBetween(100_000, 120_000);
    assertThat(Profile.fromBytes(json).column("c1999").count()).isZero();
    assertDecodingIsBoundedByTheInput(json);
  }

  /** 2,000 numeric columns of one value each (the 16-byte single-item KLL image) at k = 65535. */
  @Test
  void manySingleValueColumnsAtTheLargestKStayWithinAMultipleOfTheInput() throws Exception {
    // built by hand: profiling rows would itself allocate 2,000 sketches of k = 65535
    ObjectNode t = JSON.createObjectNode();
    t.put("format", "mlops4j-profile")
        .put("schemaVersion", 1)
        .put("kllK", 65535)
        .put("exactCategoryLimit", 1024)
        .put("frequentItemsMapSize", 1024)
        .put("rows", 1);
    ByteBuffer single = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    single
        .put((byte) 2)
        .put((byte) 2)
        .put((byte) 15)
        .put((byte) 4)
        .putShort((short) 65535)
        .put((byte) 8)
        .put((byte) 0)
        .putDouble(1.5);
    String kll = Base64.getEncoder().encodeToString(single.array());
    ArrayNode cols = t.putArray("columns");
    for (int i = 0; i < 2000; i++) {
      cols.addObject()
          .put("name", "c" + i)
          .put("type", "NUMERIC")
          .put("count", 1)
          .put("missing", 0)
          .put("min", 1.5)
          .put("max", 1.5)
          .put("mean", 1.5)
          .put("m2", 0.0)
          .put("kll", kll);
    }
    byte[] json = JSON.writeValueAsBytes(t);
    Profile p = Profile.fromBytes(json);
    assertThat(p.column("c7").quantile(0.5)).isEqualTo(1.5);
    assertDecodingIsBoundedByTheInput(json);
  }

  /** A frequent-items image whose current map size says 2^26 slots (about 1 GB of tables). */
  @Test
  void aHugeDeclaredHashMapIsNotAllocated() throws Exception {
    ProfileSchema schema =
        ProfileSchema.builder()
            .categorical("c")
            .exactCategoryLimit(1)
            .frequentItemsMapSize(1 << 26)
            .build();
    ProfileAccumulator acc = ProfileAccumulator.create(schema);
    acc.update(new double[0], new String[] {"a"});
    acc.update(new double[0], new String[] {"b"});
    ObjectNode t = (ObjectNode) JSON.readTree(acc.take().toBytes());
    byte[] image = sketch(column(t, 0), "frequentItems");
    assertThat(image[3]).isEqualTo((byte) 26);
    image[4] = 26;
    column(t, 0).put("frequentItems", Base64.getEncoder().encodeToString(image));
    byte[] json = JSON.writeValueAsBytes(t);
    Profile p = Profile.fromBytes(json);
    assertThat(p.column("c").categoryCounts()).containsOnlyKeys("a", "b");
    assertDecodingIsBoundedByTheInput(json);
  }
}
