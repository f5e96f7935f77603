package io.github.mlops4j.serving.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RoutingTest {
  @Test
  void murmur3MatchesTheReferenceImplementation() {
    // MurmurHash3 x86_32, seed 0, of the UTF-16LE bytes; values from a reference implementation
    // of the published algorithm (Python, run once).
    assertThat(Murmur3.hashChars("")).isZero();
    assertThat(Murmur3.hashChars("a")).isEqualTo(1867108634);
    assertThat(Murmur3.hashChars("abc")).isEqualTo(1118836419);
    assertThat(Murmur3.hashChars("customer-17")).isEqualTo(-1630369165);
    assertThat(Murmur3.hashChars("héllo wörld")).isEqualTo(-2021503075);
  }

  @Test
  void armsFollowTheCumulativeWeights() {
    Routing r =
        Routing.weighted(
            Arm.of("a", Target.alias("champion"), 1), Arm.of("b", Target.version(2), 3));
    assertThat(r.armIndex(0.0)).isZero();
    assertThat(r.armIndex(0.2499)).isZero();
    assertThat(r.armIndex(0.25)).isEqualTo(1);
    assertThat(r.armIndex(0.9999)).isEqualTo(1);
    assertThat(r.targets()).containsExactly(Target.alias("champion"), Target.version(2));
  }

  @Test
  void badConfigurationIsRefusedWithTheValue() {
    assertThatThrownBy(() -> Routing.weighted(Arm.of("a", Target.version(1), 1)))
        .hasMessageContaining("at least two arms");
    assertThatThrownBy(
            () ->
                Routing.weighted(
                    Arm.of("a", Target.version(1), 1), Arm.of("a", Target.version(2), 1)))
        .hasMessageContaining("Duplicate arm name 'a'");
    assertThatThrownBy(() -> Arm.of("b", Target.version(1), 0)).hasMessageContaining("0.0");
    assertThatThrownBy(() -> Arm.of("primary", Target.version(1), 1))
        .hasMessageContaining("reserved");
    assertThatThrownBy(() -> Routing.canary(Target.version(2), 100, CanaryPolicy.defaults()))
        .hasMessageContaining("100.0");
    assertThatThrownBy(() -> Target.version(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CanaryPolicy.defaults().window(10, 20))
        .hasMessageContaining("minRequests");
    assertThatThrownBy(() -> CanaryPolicy.defaults().maxP99(Duration.ZERO))
        .hasMessageContaining("maxP99");
    assertThatThrownBy(() -> new Shadow(Target.version(1), 0, 10)).hasMessageContaining("fraction");
  }
}
