package io.github.mlops4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Every check names the setting, the allowed range and the value in one message shape. */
class ChecksTest {
  @Test
  void integerBounds() {
    assertThat(Checks.atLeast(1, 1, "queueCapacity")).isEqualTo(1);
    assertThat(Checks.atLeast(0L, 0L, "cacheMaximumSize")).isZero();
    assertThatThrownBy(() -> Checks.atLeast(0, 1, "queueCapacity"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("queueCapacity must be >= 1, was 0");
    assertThatThrownBy(() -> Checks.atLeast(-1L, 0L, "cacheMaximumSize"))
        .hasMessage("cacheMaximumSize must be >= 0, was -1");
    assertThat(Checks.inRange(1000, 1, 1000, "historySize")).isEqualTo(1000);
    assertThatThrownBy(() -> Checks.inRange(1001, 1, 1000, "historySize"))
        .hasMessage("historySize must be in [1, 1000], was 1001");
    assertThatThrownBy(() -> Checks.inRange(0L, 1L, 5L, "window"))
        .hasMessage("window must be in [1, 5], was 0");
    assertThat(Checks.powerOfTwoInRange(64, 1, 256, "stripes")).isEqualTo(64);
    assertThatThrownBy(() -> Checks.powerOfTwoInRange(48, 1, 256, "stripes"))
        .hasMessage("stripes must be a power of two in [1, 256], was 48");
    assertThatThrownBy(() -> Checks.powerOfTwoInRange(512, 1, 256, "stripes"))
        .hasMessage("stripes must be a power of two in [1, 256], was 512");
  }

  @Test
  void fractionsRefuseNaNAndPrintTheirBoundsPlainly() {
    assertThat(Checks.inRange(0.0, 0, 1, "sampleRate")).isZero();
    assertThat(Checks.inRange(1.0, 0, 1, "sampleRate")).isEqualTo(1.0);
    assertThatThrownBy(() -> Checks.inRange(Double.NaN, 0, 1, "sampleRate"))
        .hasMessage("sampleRate must be in [0, 1], was NaN");
    assertThat(Checks.aboveAndAtMost(1.0, 0, 1, "fraction")).isEqualTo(1.0);
    assertThatThrownBy(() -> Checks.aboveAndAtMost(0.0, 0, 1, "fraction"))
        .hasMessage("fraction must be in (0, 1], was 0.0");
    assertThatThrownBy(() -> Checks.aboveAndAtMost(0.6, 0, 0.5, "significance"))
        .hasMessage("significance must be in (0, 0.5], was 0.6");
    assertThatThrownBy(() -> Checks.strictlyBetween(100, 0, 100, "Canary percent"))
        .hasMessage("Canary percent must be in (0, 100), was 100.0");
    assertThatThrownBy(() -> Checks.positiveFinite(Double.POSITIVE_INFINITY, "weight"))
        .hasMessage("weight must be finite and > 0, was Infinity");
    assertThatThrownBy(() -> Checks.positiveFinite(0, "weight"))
        .hasMessage("weight must be finite and > 0, was 0.0");
    assertThatThrownBy(() -> Checks.notNegativeFinite(-0.5, "margin"))
        .hasMessage("margin must be finite and >= 0, was -0.5");
    assertThat(Checks.notNegativeFinite(0, "margin")).isZero();
  }

  @Test
  void durations() {
    assertThat(Checks.positive(Duration.ofNanos(1), "maxP99")).isEqualTo(Duration.ofNanos(1));
    assertThatThrownBy(() -> Checks.positive(Duration.ZERO, "maxP99"))
        .hasMessage("maxP99 must be positive, was PT0S");
    assertThat(Checks.notNegative(Duration.ZERO, "closeTimeout")).isEqualTo(Duration.ZERO);
    assertThatThrownBy(() -> Checks.notNegative(Duration.ofSeconds(-1), "closeTimeout"))
        .hasMessage("closeTimeout must not be negative, was PT-1S");
    assertThatThrownBy(() -> Checks.atLeast(Duration.ofMillis(999), Duration.ofSeconds(1), "lease"))
        .hasMessage("lease must be at least PT1S, was PT0.999S");
    assertThatThrownBy(() -> Checks.positive(null, "maxP99"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("maxP99");
  }
}
