package io.github.mlops4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class FailureLogTest {
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  record Line(String message, @Nullable Throwable stack) {}

  private final MutableClock clock = new MutableClock(T0);
  private final List<Line> lines = new CopyOnWriteArrayList<>();
  private final FailureLog log =
      new FailureLog(
          clock, Duration.ofMinutes(1), (message, stack) -> lines.add(new Line(message, stack)));

  @Test
  void theFirstFailureIsLoggedWithItsStack_laterOnesSummarizedOncePerInterval() {
    for (int i = 0; i < 1_000; i++) {
      log.failed("Listener failed on event p" + i, new IllegalStateException("boom p" + i));
    }
    assertThat(log.failures()).isEqualTo(1_000);
    assertThat(lines)
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.message())
                  .startsWith("Listener failed on event p0")
                  .contains("logged with its stack trace once");
              assertThat(l.stack()).hasMessage("boom p0");
            });
    assertThat(log.suppressed()).isEqualTo(999);

    clock.advance(Duration.ofSeconds(59));
    log.failed("Listener failed on event p1000", new IllegalStateException("boom p1000"));
    assertThat(lines).hasSize(1);
    assertThat(log.suppressed()).isEqualTo(1_000);

    clock.advance(Duration.ofSeconds(1));
    log.failed("Listener failed on event p1001", new IllegalStateException("boom p1001"));
    assertThat(lines).hasSize(2);
    assertThat(lines.get(1).stack()).isNull();
    assertThat(lines.get(1).message())
        .startsWith("Listener failed on event p1001: ")
        .contains("boom p1001")
        .contains("1000 more failure(s) not logged since " + T0)
        .contains("1002 in all");
    assertThat(log.suppressed()).isZero();
    assertThat(log.lines()).isEqualTo(2);
  }

  @Test
  void aLongFailureMessageIsCutInTheSummary() {
    log.failed("first", new RuntimeException("x"));
    clock.advance(Duration.ofMinutes(1));
    log.failed("second", new RuntimeException("y".repeat(5_000)));
    assertThat(lines.get(1).message()).hasSizeLessThan(500).contains("chars)");
  }

  @Test
  void aNegativeIntervalIsRefused() {
    assertThatThrownBy(() -> new FailureLog(clock, Duration.ofSeconds(-1), (m, s) -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("interval");
  }
}
