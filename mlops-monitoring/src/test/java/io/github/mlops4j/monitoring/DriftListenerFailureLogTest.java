package io.github.mlops4j.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.testing.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** A drift listener that fails on every window floods neither the log nor the monitor. */
class DriftListenerFailureLogTest {
  record Line(String message, @Nullable Throwable stack) {}

  @Test
  void theFirstFailureIsLoggedWithItsStackLaterOnesOncePerInterval() {
    MutableClock clock = new MutableClock(MonitorTest.T0);
    List<Line> lines = new CopyOnWriteArrayList<>();
    Monitor.Builder b =
        Monitor.builder()
            .model("loans")
            .reference(MonitorTest.reference())
            .window(WindowSpec.rows(10))
            .clock(clock)
            .listener(
                (w, r) -> {
                  throw new IllegalStateException("alert sink down, window " + w.index());
                });
    b.failureSink = (message, stack) -> lines.add(new Line(message, stack));
    try (Monitor m = b.build()) {
      SplittableRandom r = new SplittableRandom(5);
      for (int i = 0; i < 500; i++) {
        m.observe(MonitorTest.row(r, 0));
      }
      assertThat(m.stats().listenerFailures()).isEqualTo(50);
      assertThat(m.stats().windowsClosed()).isEqualTo(50);
      assertThat(lines)
          .singleElement()
          .satisfies(
              l -> {
                assertThat(l.message())
                    .contains("Monitor 'loans': drift listener")
                    .contains("failed on window 0");
                assertThat(l.stack()).hasMessage("alert sink down, window 0");
              });
      clock.advance(Duration.ofMinutes(1));
      for (int i = 0; i < 10; i++) {
        m.observe(MonitorTest.row(r, 0));
      }
      assertThat(lines).hasSize(2);
      assertThat(lines.get(1).stack()).isNull();
      assertThat(lines.get(1).message())
          .contains("failed on window 50")
          .contains("alert sink down, window 50")
          .contains("49 more failure(s) not logged")
          .contains("51 in all");
      assertThat(m.stats().listenerFailures()).isEqualTo(51);
    }
  }
}
