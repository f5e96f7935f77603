package io.github.mlops4j.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.store.StoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Golden files of the three persisted formats (entity keys, feature values, view definitions), in
 * {@code src/test/resources/io/github/mlops4j/features/golden/}: today's code must write exactly
 * these bytes and read them back. A failure here means stored workspaces would become unreadable or
 * change meaning: add a new format version instead of editing a golden file.
 */
class PersistedFormatsGoldenTest {
  private static final Path GOLDEN =
      Path.of(System.getProperty("basedir", "."))
          .resolve("src/test/resources/io/github/mlops4j/features/golden");

  static Map<String, byte[]> hexLines(String file) throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (String line : Files.readAllLines(GOLDEN.resolve(file), StandardCharsets.UTF_8)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.trim().split(" ");
      out.put(parts[0], Bytes.fromHex(parts[1]));
    }
    return out;
  }

  static String text(String file) throws IOException {
    return Files.readString(GOLDEN.resolve(file), StandardCharsets.UTF_8).strip();
  }

  static FeatureView goldenView() {
    return FeatureView.builder("golden")
        .entity("id", ValueType.STRING)
        .feature("s", ValueType.STRING)
        .feature("l", ValueType.LONG)
        .feature("d", ValueType.DOUBLE)
        .feature("b", ValueType.BOOLEAN)
        .feature("t", ValueType.TIMESTAMP)
        .ttl(Duration.ofHours(48))
        .build();
  }

  @Test
  void entityKeys_v1() throws IOException {
    Map<String, byte[]> golden = hexLines("entity-key-v1.hex");
    List<Field> one = List.of(new Field("customer_id", ValueType.STRING));
    List<Field> three =
        List.of(
            new Field("a", ValueType.STRING),
            new Field("b", ValueType.LONG),
            new Field("f", ValueType.BOOLEAN));
    assertThat(KeyCodec.encode(one, new Object[] {"c1"}).bytes())
        .isEqualTo(golden.get("string-c1"));
    assertThat(KeyCodec.encode(three, new Object[] {"a:b", -1L, true}).bytes())
        .isEqualTo(golden.get("string-a:b,long-1,boolean-true"));
    assertThat(KeyCodec.encode(three, new Object[] {"é", 300L, false}).bytes())
        .isEqualTo(golden.get("string-e-acute,long-300,boolean-false"));
    assertThat(KeyCodec.decode(golden.get("string-a:b,long-1,boolean-true")))
        .containsExactly("a:b", -1L, true);
    assertThat(KeyCodec.decode(golden.get("string-e-acute,long-300,boolean-false")))
        .containsExactly("é", 300L, false);
    assertThat(EntityKey.fromBytes(golden.get("string-c1")).toString())
        .isEqualTo("EntityKey['c1']");
  }

  @Test
  void featureValues_v1() throws IOException {
    Map<String, byte[]> golden = hexLines("values-v1.hex");
    ViewDefinition def = ViewDefinition.fromJson(text("view-definition-v1.json"));
    double nan = Double.longBitsToDouble(0x7ff8_0000_dead_beefL);
    Instant t = Instant.parse("1969-12-31T23:59:59.999999999Z");
    Object[] all = {"héllo ✓", -2L, nan, true, t};
    assertThat(ValueCodec.encode(def.features, all)).isEqualTo(golden.get("all"));
    Object[] decoded = ValueCodec.decode(def, golden.get("all"));
    assertThat(Arrays.asList(decoded).subList(0, 2)).containsExactly("héllo ✓", -2L);
    assertThat(Double.doubleToRawLongBits((Double) decoded[2])).isEqualTo(0x7ff8_0000_dead_beefL);
    assertThat(decoded[3]).isEqualTo(true);
    assertThat(decoded[4]).isEqualTo(t);

    Object[] some = {null, Long.MAX_VALUE, -0.0, null, null};
    assertThat(ValueCodec.encode(def.features, some)).isEqualTo(golden.get("some-null"));
    Object[] someBack = ValueCodec.decode(def, golden.get("some-null"));
    assertThat(someBack[1]).isEqualTo(Long.MAX_VALUE);
    assertThat(Double.doubleToRawLongBits((Double) someBack[2]))
        .isEqualTo(Double.doubleToRawLongBits(-0.0));
    assertThat(someBack[0]).isNull();
    assertThat(ValueCodec.encode(def.features, new Object[5])).isEqualTo(golden.get("all-null"));
    assertThat(ValueCodec.decode(def, golden.get("all-null"))).containsOnlyNulls();
  }

  @Test
  void valuesWrittenUnderV1_readUnderAnEvolvedDefinition_byFeatureId() throws IOException {
    ViewDefinition evolved = ViewDefinition.fromJson(text("view-definition-v1-evolved.json"));
    Object[] decoded = ValueCodec.decode(evolved, hexLines("values-v1.hex").get("all"));
    assertThat(decoded).containsExactly(-2L, null); // l kept its id; x (id 6) is new
  }

  @Test
  void viewDefinition_v1() throws IOException {
    ViewDefinition def = ViewDefinition.first(goldenView());
    assertThat(def.toJson()).isEqualTo(text("view-definition-v1.json"));
    ViewDefinition back = ViewDefinition.fromJson(text("view-definition-v1.json"));
    assertThat(back.sameAs(def)).isTrue();
    assertThat(back.toView().ttl()).isEqualTo(Duration.ofHours(48));

    FeatureView v2 =
        FeatureView.builder("golden")
            .entity("id", ValueType.STRING)
            .feature("l", ValueType.LONG)
            .feature("x", ValueType.DOUBLE)
            .description("evolved \"v2\"")
            .build();
    ViewDefinition evolved = def.evolve(v2);
    assertThat(evolved.toJson()).isEqualTo(text("view-definition-v1-evolved.json"));
    assertThat(ViewDefinition.fromJson(evolved.toJson()).sameAs(evolved)).isTrue();
  }

  @Test
  void unknownVersions_areRefusedClearly() {
    assertThatThrownBy(() -> ViewDefinition.fromJson("{\"schemaVersion\":2}"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("newer mlops4j");
    assertThatThrownBy(() -> ViewDefinition.fromJson("{\"schemaVersion\":1}"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("missing 'entities'");
    ViewDefinition def = ViewDefinition.first(goldenView());
    assertThatThrownBy(() -> ValueCodec.decode(def, new byte[] {2, 0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("newer mlops4j");
    assertThatThrownBy(() -> KeyCodec.decode(new byte[] {9}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("format 9");
  }
}
