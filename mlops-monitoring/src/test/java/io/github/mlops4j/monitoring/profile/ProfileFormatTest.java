package io.github.mlops4j.monitoring.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.mlops4j.monitoring.drift.ColumnType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.DoublesSortedView;
import org.junit.jupiter.api.Test;

/** The serialized form: golden file, round trips, version and corruption checks, size. */
class ProfileFormatTest {
  private static final String GOLDEN = "profile-v1.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The profile of the golden file: 5 rows, values chosen so every field is checked by hand. */
  static Profile goldenProfile() {
    ProfileSchema schema =
        ProfileSchema.builder()
            .numeric("age")
            .categorical("country", "city")
            .binary("churned")
            .exactCategoryLimit(2)
            .frequentItemsMapSize(16)
            .build();
    Object[][] rows = {
      {30, "DE", "Berlin", true},
      {40, "FR", "Paris", false},
      {null, null, "Rome", true},
      {35, "DE", "Berlin", null},
      {Double.NaN, "DE", null, false}
    };
    List<Map<String, ?>> maps = new ArrayList<>();
    for (Object[] r : rows) {
      Map<String, Object> m = new HashMap<>();
      m.put("age", r[0]);
      m.put("country", r[1]);
      m.put("city", r[2]);
      m.put("churned", r[3]);
      maps.add(m);
    }
    return Profile.of(schema, maps);
  }

  private static byte[] golden() throws IOException {
    try (InputStream in = ProfileFormatTest.class.getResourceAsStream(GOLDEN)) {
      assertThat(in).as(GOLDEN).isNotNull();
      return in.readAllBytes();
    }
  }

  @Test
  void writesTheGoldenFile() throws IOException {
    // compared as JSON trees: formatting may differ, fields, order of columns and values may not
    assertThat(JSON.readTree(goldenProfile().toBytes())).isEqualTo(JSON.readTree(golden()));
  }

  @Test
  void readsTheGoldenFile() throws IOException {
    Profile p = Profile.fromBytes(golden());
    assertThat(p.rows()).isEqualTo(5);
    assertThat(p.schema()).isEqualTo(goldenProfile().schema());
    ProfileColumn age = p.column("age");
    assertThat(age.count()).isEqualTo(5);
    assertThat(age.missing()).isEqualTo(2);
    assertThat(age.min()).isEqualTo(30);
    assertThat(age.max()).isEqualTo(40);
    assertThat(age.mean()).isEqualTo(35);
    assertThat(age.variance()).isEqualTo(50.0 / 3);
    assertThat(age.quantile(0.5)).isEqualTo(35);
    assertThat(age.isExact()).isTrue();
    ProfileColumn country = p.column("country");
    assertThat(country.isExact()).isTrue();
    assertThat(country.missing()).isEqualTo(1);
    assertThat(country.categoryCounts()).containsExactly(Map.entry("DE", 3L), Map.entry("FR", 1L));
    ProfileColumn city = p.column("city");
    assertThat(city.isExact()).isFalse(); // three cities > exactCategoryLimit 2
    assertThat(city.countError()).isZero();
    assertThat(city.categoryCounts())
        .containsExactly(Map.entry("Berlin", 2L), Map.entry("Paris", 1L), Map.entry("Rome", 1L));
    assertThat(p.column("churned").type()).isEqualTo(ColumnType.BINARY);
    assertThat(p.column("churned").categoryCounts())
        .containsExactly(Map.entry("false", 2L), Map.entry("true", 2L));
    // and it writes back the same document; only the KLL image may differ in layout (a
    // heapified sketch keeps its level 0 sorted), not in content
    ObjectNode again = (ObjectNode) JSON.readTree(p.toBytes());
    ObjectNode expected = (ObjectNode) JSON.readTree(golden());
    String kll = ((ObjectNode) again.get("columns").get(0)).remove("kll").textValue();
    String goldenKll = ((ObjectNode) expected.get("columns").get(0)).remove("kll").textValue();
    assertThat(again).isEqualTo(expected);
    assertThat(sortedView(kll)).isEqualTo(sortedView(goldenKll));
  }

  private static String sortedView(String base64) {
    KllDoublesSketch s = KllDoublesSketch.heapify(Memory.wrap(Base64.getDecoder().decode(base64)));
    DoublesSortedView v = s.getSortedView();
    return s.getN()
        + " "
        + Arrays.toString(v.getQuantiles())
        + " "
        + Arrays.toString(v.getCumulativeWeights());
  }

  /**
   * Before the writer sorted the items of a frequent-items image they came in DataSketches'
   * hash-map order (as in this copy of the golden file): such files read to the same profile.
   */
  @Test
  void readsFrequentItemsInAnyOrder() throws IOException {
    byte[] unsorted;
    try (InputStream in =
        ProfileFormatTest.class.getResourceAsStream("profile-v1-unsorted-items.json")) {
      unsorted = in.readAllBytes();
    }
    Profile p = Profile.fromBytes(unsorted);
    assertThat(p.column("city").categoryCounts())
        .containsExactly(Map.entry("Berlin", 2L), Map.entry("Paris", 1L), Map.entry("Rome", 1L));
    assertThat(JSON.readTree(p.toBytes())).isEqualTo(JSON.readTree(golden()));
  }

  /**
   * A frequent-items sketch of distinct values (every count 1) purges all of them when its map
   * fills: it keeps its stream length and error offset but no item. DataSketches writes such a
   * sketch as an empty one, losing the stream length, so the profile could not be read back.
   */
  @Test
  void aFrequentItemsSketchThatPurgedEveryItemReadsBack() {
    ProfileSchema schema =
        ProfileSchema.builder()
            .categorical("id")
            .exactCategoryLimit(1)
            .frequentItemsMapSize(16)
            .build();
    ProfileAccumulator acc = ProfileAccumulator.create(schema);
    int rows = 0;
    Profile p;
    do {
      acc.update(new double[0], new String[] {"user-" + rows++});
      p = acc.snapshot();
    } while (p.column("id").distinctCategories() > 0 && rows < 100);
    assertThat(p.column("id").distinctCategories()).isZero();
    assertThat(p.column("id").count()).isEqualTo(rows);
    Profile back = Profile.fromBytes(p.toBytes());
    assertThat(back.column("id").count()).isEqualTo(rows);
    assertThat(back.column("id").countError()).isEqualTo(p.column("id").countError()).isPositive();
    assertThat(back.toJson()).isEqualTo(p.toJson());
    // and it still merges and compares
    assertThat(back.merge(p).column("id").count()).isEqualTo(2L * rows);
    ProfileDrift.defaults().compare(back, p);
  }

  @Test
  void refusesNewerVersionsClearly() throws IOException {
    ObjectNode tree = (ObjectNode) JSON.readTree(golden());
    tree.put("schemaVersion", 2);
    assertThatThrownBy(() -> Profile.fromBytes(JSON.writeValueAsBytes(tree)))
        .isInstanceOf(ProfileFormatException.class)
        .hasMessageContaining("schemaVersion 2")
        .hasMessageContaining("up to 1")
        .hasMessageContaining("upgrade mlops4j");
  }

  @Test
  void refusesWhatIsNotAProfile() throws IOException {
    assertThatThrownBy(() -> Profile.fromBytes("nope".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(ProfileFormatException.class)
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> Profile.fromJson("{\"format\":\"other\"}"))
        .isInstanceOf(ProfileFormatException.class)
        .hasMessageContaining("\"format\"");
    ObjectNode noVersion = (ObjectNode) JSON.readTree(golden());
    noVersion.remove("schemaVersion");
    assertThatThrownBy(() -> Profile.fromBytes(JSON.writeValueAsBytes(noVersion)))
        .isInstanceOf(ProfileFormatException.class)
        .hasMessageContaining("schemaVersion");
  }

  @Test
  void refusesCorruptContent() throws IOException {
    ObjectNode badCount = (ObjectNode) JSON.readTree(golden());
    ((ObjectNode) badCount.get("columns").get(0)).put("count", 6);
    assertThatThrownBy(() -> Profile.fromBytes(JSON.writeValueAsBytes(badCount)))
        .isInstanceOf(ProfileFormatException.class)
        .hasMessageContaining("'age' has count 6");

    ObjectNode badSketch = (ObjectNode) JSON.readTree(golden());
    ((ObjectNode) badSketch.get("columns").get(0)).put("kll", "AAAA");
    assertThatThrownBy(() -> Profile.fromBytes(JSON.writeValueAsBytes(badSketch)))
        .isInstanceOf(ProfileFormatException.class)
        .hasMessageContaining("Corrupt profile");

    ObjectNode badBase64 = (ObjectNode) JSON.readTree(golden());
    ((ObjectNode) badBase64.get("columns").get(2)).put("frequentItems", "%%%");
    assertThatThrownBy(() -> Profile.fromBytes(JSON.writeValueAsBytes(badBase64)))
        .isInstanceOf(ProfileFormatException.class)
        .hasMessageContaining("base64");

    ObjectNode badType = (ObjectNode) JSON.readTree(golden());
    ((ObjectNode) badType.get("columns").get(1)).put("type", "TEXT");
    assertThatThrownBy(() -> Profile.fromBytes(JSON.writeValueAsBytes(badType)))
        .isInstanceOf(ProfileFormatException.class)
        .hasMessageContaining("unknown type");

    ObjectNode badCategories = (ObjectNode) JSON.readTree(golden());
    ((ObjectNode) badCategories.get("columns").get(1).get("categories")).put("DE", 7);
    assertThatThrownBy(() -> Profile.fromBytes(JSON.writeValueAsBytes(badCategories)))
        .isInstanceOf(ProfileFormatException.class)
        .hasMessageContaining("'country'");
  }

  @Test
  void roundTripOfALargeProfileKeepsEveryField() throws IOException {
    KllSketchRandom.seed(3);
    ProfileSchema schema =
        ProfileSchema.builder()
            .numeric("x", "empty")
            .categorical("c")
            .exactCategoryLimit(8)
            .build();
    ProfileAccumulator acc = ProfileAccumulator.create(schema);
    double[] xs = ProfileSamples.normal(5, 50_000, 2, 7);
    for (int i = 0; i < xs.length; i++) {
      acc.update(new double[] {xs[i], Double.NaN}, new String[] {"v" + (i % 20)});
    }
    Profile p = acc.take();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    p.writeTo(out);
    Profile back = Profile.readFrom(new ByteArrayInputStream(out.toByteArray()));
    ProfileColumn a = p.column("x");
    ProfileColumn b = back.column("x");
    assertThat(b.count()).isEqualTo(a.count());
    assertThat(b.mean()).isEqualTo(a.mean());
    assertThat(b.variance()).isEqualTo(a.variance());
    assertThat(b.min()).isEqualTo(a.min());
    assertThat(b.max()).isEqualTo(a.max());
    for (double r : new double[] {0.01, 0.3, 0.5, 0.99}) {
      assertThat(b.quantile(r)).isEqualTo(a.quantile(r));
    }
    assertThat(back.column("empty").missing()).isEqualTo(50_000);
    assertThat(back.column("c").isExact()).isFalse();
    assertThat(back.column("c").categoryCounts()).isEqualTo(p.column("c").categoryCounts());
    // reading and writing again is stable
    assertThat(Profile.fromJson(back.toJson()).toJson()).isEqualTo(back.toJson());
  }

  /**
   * The budget of the issue: at most 8 KB per numeric column per window at the default sketch size.
   * Measured on 10^6 values (KLL size grows with log n): prints the size for the benchmark notes.
   */
  @Test
  void numericColumnStaysUnder8KbSerialized() {
    KllSketchRandom.seed(11);
    ProfileSchema one = ProfileSchema.builder().numeric("x").build();
    ProfileSchema none = ProfileSchema.builder().numeric("x").build();
    double[] xs = ProfileSamples.normal(9, 1_000_000, 0, 1);
    Profile p = ProfileSamples.numericProfile(one, xs);
    int withColumn = p.toBytes().length;
    int emptyColumn = Profile.empty(none).toBytes().length;
    int perColumn = withColumn - emptyColumn + 100; // + the column's own name/type/count fields
    System.out.printf(
        "profile size: %d bytes JSON for one numeric column of 10^6 values "
            + "(k=%d, KLL %d bytes raw, %d retained)%n",
        withColumn, one.kllK(), p.numeric(0).kllBytes().length, p.column("x").retainedValues());
    assertThat(withColumn).isLessThanOrEqualTo(8 * 1024);
    assertThat(perColumn).isLessThanOrEqualTo(8 * 1024);
  }
}
