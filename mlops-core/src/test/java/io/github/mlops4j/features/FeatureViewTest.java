package io.github.mlops4j.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Builders and value types check their arguments at once. */
class FeatureViewTest {
  @Test
  void builder_refusesBadNamesTypesAndDuplicates() {
    assertThatThrownBy(() -> FeatureView.builder("has:colon"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has:colon");
    assertThatThrownBy(() -> FeatureView.builder("v").entity("price", ValueType.DOUBLE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot be DOUBLE");
    assertThatThrownBy(
            () ->
                FeatureView.builder("v").entity("k", ValueType.STRING).feature("k", ValueType.LONG))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("used twice");
    assertThatThrownBy(() -> FeatureView.builder("v").ttl(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative");
    assertThatThrownBy(() -> FeatureView.builder("v").ttl(Duration.ofDays(365L * 300)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("292 years");
    assertThatThrownBy(() -> FeatureView.builder("v").feature("f", ValueType.LONG).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("entity");
    assertThatThrownBy(() -> FeatureView.builder("v").entity("k", ValueType.LONG).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("feature");
    assertThatThrownBy(() -> OnDemandView.builder("o").input("nocolon"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("view:feature");
    assertThatThrownBy(() -> JoinOptions.builder().ttl("v", Duration.ofSeconds(-5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative");
  }

  @Test
  void builder_keepsOrderAndCopiesCollections() {
    FeatureView v =
        FeatureView.builder("v")
            .entity("b", ValueType.STRING)
            .entity("a", ValueType.LONG)
            .feature("z", ValueType.DOUBLE)
            .feature("y", ValueType.BOOLEAN)
            .build();
    assertThat(v.entities()).extracting(Field::name).containsExactly("b", "a");
    assertThat(v.features()).extracting(Field::name).containsExactly("z", "y");
    assertThat(v.ttl()).isEqualTo(Duration.ZERO);
    assertThatThrownBy(() -> v.features().add(new Field("q", ValueType.LONG)))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void rows_copyTheirMaps_andAllowNullValues() {
    Map<String, Object> values = new HashMap<>();
    values.put("x", null);
    FeatureRow row = FeatureRow.of(Map.of("k", "a"), Instant.EPOCH, values);
    values.put("y", 1L);
    assertThat(row.values()).containsOnlyKeys("x");
    assertThat(row.createdTime()).isNull();
    EntityRow e = EntityRow.of(Map.of("k", "a", "label", true), Instant.EPOCH);
    assertThat(e.get("label")).isEqualTo(true);
    assertThat(e.get("absent")).isNull();
  }

  @Test
  void valueTypes_widenIntegersOnly() {
    assertThat(ValueType.LONG.canonical(3)).isEqualTo(3L);
    assertThat(ValueType.LONG.canonical((short) 3)).isEqualTo(3L);
    assertThat(ValueType.LONG.canonical(3.0)).isNull();
    assertThat(ValueType.DOUBLE.canonical(3)).isNull();
    assertThat(ValueType.DOUBLE.canonical(0.1f)).isNull();
    assertThat(ValueType.DOUBLE.mismatch(0.1f)).contains("pass a Double");
    assertThat(ValueType.STRING.accepts(42)).isFalse();
    assertThat(ValueType.TIMESTAMP.mismatch(java.time.LocalDateTime.MIN)).contains("Instant (UTC)");
  }

  @Test
  void featureValue_statusAndValueAgree() {
    assertThatThrownBy(() -> new FeatureValue(null, FeatureStatus.PRESENT, Instant.EPOCH))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new FeatureValue(1L, FeatureStatus.NULL_VALUE, Instant.EPOCH))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new FeatureValue(null, FeatureStatus.EXPIRED, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(FeatureValue.NOT_FOUND.isPresent()).isFalse();
  }

  @Test
  void asOf_lowerBoundSaturates_andTiesOrderByCreatedThenSequence() {
    assertThat(AsOf.lowerBound(Long.MIN_VALUE + 5, 10)).isEqualTo(Long.MIN_VALUE);
    assertThat(AsOf.lowerBound(100, 10)).isEqualTo(90);
    assertThat(AsOf.expired(90, 100, 10)).isFalse();
    assertThat(AsOf.expired(89, 100, 10)).isTrue();
    assertThat(AsOf.expired(Long.MIN_VALUE, 100, 0)).isFalse();
    assertThat(AsOf.compare(5, 1, 9, 5, 2, 1)).isNegative();
    assertThat(AsOf.compare(5, 2, 1, 5, 2, 9)).isNegative();
    assertThat(AsOf.compare(6, 0, 0, 5, 9, 9)).isPositive();
  }

  @Test
  void timestamps_roundTripNanosecondsAcrossTheRange() {
    for (Instant t :
        List.of(
            Timestamps.MIN,
            Timestamps.MAX,
            Instant.EPOCH.minusNanos(1),
            Instant.parse("2026-11-26T13:46:33.895191387Z"))) {
      assertThat(Timestamps.ofNanos(Timestamps.toNanos(t))).isEqualTo(t);
    }
    assertThat(Timestamps.inRange(Timestamps.MAX.plusNanos(1))).isFalse();
  }

  @Test
  void json_roundTripsEscapes() {
    String s = "q\"b\\s/\n\t\u0001é✓";
    Object parsed = Json.parse(Json.write(Map.of("k", List.of(s, 1L, true, false))));
    assertThat(parsed).isEqualTo(Map.of("k", List.of(s, 1L, true, false)));
    Map<String, Object> expected = new java.util.LinkedHashMap<>();
    expected.put("a", List.of());
    expected.put("b", null);
    assertThat(Json.parse(" { \"a\" : [ ] , \"b\" : null } ")).isEqualTo(expected);
    assertThatThrownBy(() -> Json.parse("{\"a\":"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Malformed JSON");
  }
}
