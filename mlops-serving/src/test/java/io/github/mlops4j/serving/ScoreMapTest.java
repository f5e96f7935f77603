package io.github.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The array-backed score map behaves as the immutable map it replaces ({@code Map.ofEntries}). */
class ScoreMapTest {
  private final ScoreMap map = new ScoreMap(new String[] {"no", "yes"}, new double[] {0.25, 0.75});
  private final Map<String, Double> same = Map.of("no", 0.25, "yes", 0.75);

  @Test
  void equalsHashCodeAndLookupsAsAnImmutableMap() {
    assertThat(map).isEqualTo(same).hasSize(2);
    assertThat(same).isEqualTo(map);
    assertThat(map.hashCode()).isEqualTo(same.hashCode());
    assertThat(map.get("yes")).isEqualTo(0.75);
    assertThat(map.get("maybe")).isNull();
    assertThat(map.get(null)).isNull();
    assertThat(map.containsKey("no")).isTrue();
    assertThat(map.containsValue(0.25)).isTrue();
    assertThat(map.toString()).isEqualTo("{no=0.25, yes=0.75}");
  }

  @Test
  void cannotBeChanged() {
    assertThatThrownBy(() -> map.put("maybe", 0.0))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> map.remove("no")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(map::clear).isInstanceOf(UnsupportedOperationException.class);
    Iterator<Map.Entry<String, Double>> it = map.entrySet().iterator();
    Map.Entry<String, Double> first = it.next();
    assertThatThrownBy(() -> first.setValue(1.0)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(it::remove).isInstanceOf(UnsupportedOperationException.class);
    assertThat(map).isEqualTo(same);
  }

  @Test
  void aPredictionKeepsItAsItIsAndCopiesAnyOtherMap() {
    Prediction p = new Prediction("id", "m", 1, "yes", map, Duration.ZERO, "primary");
    assertThat(p.scores()).isSameAs(map);
    assertThat(p.score("yes")).isEqualTo(0.75);
    Map<String, Double> mutable = new java.util.HashMap<>(same);
    Prediction q = new Prediction("id", "m", 1, "yes", mutable, Duration.ZERO, "primary");
    mutable.put("no", 1.0);
    assertThat(q.scores()).isEqualTo(same);
  }
}
