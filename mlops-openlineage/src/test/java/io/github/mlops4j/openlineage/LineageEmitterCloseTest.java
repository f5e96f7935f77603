package io.github.mlops4j.openlineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.tracking.Tracker;
import io.openlineage.client.OpenLineage;
import io.openlineage.client.transports.Transport;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Close that gives up on a send in flight, with a transport that, unlike the HTTP client, honours
 * the interrupt: every change still ends as exactly one of sent or dropped.
 */
class LineageEmitterCloseTest {
  @TempDir Path dir;

  /** Blocks each send until interrupted, then fails as an interruptible client does. */
  static final class InterruptibleTransport extends Transport {
    final CountDownLatch arrived = new CountDownLatch(1);
    private final CountDownLatch never = new CountDownLatch(1);

    @Override
    public void emit(OpenLineage.RunEvent event) {
      arrived.countDown();
      try {
        never.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("send interrupted", e);
      }
    }

    @Override
    public void emit(OpenLineage.DatasetEvent event) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void emit(OpenLineage.JobEvent event) {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  void closeThatInterruptsASend_countsItAsDropped() throws Exception {
    InterruptibleTransport transport = new InterruptibleTransport();
    try (Tracker tracker = Tracker.builder().workspace(dir.resolve("ws")).build()) {
      LineageEmitter lineage =
          LineageEmitter.builder()
              .transport(LineageTransport.of("blocking", () -> transport))
              .closeTimeout(Duration.ZERO)
              .build();
      lineage.observe(tracker);
      tracker.startRun("e").close(); // START in flight, COMPLETE queued
      assertThat(transport.arrived.await(30, TimeUnit.SECONDS)).isTrue();
      lineage.close();
      assertThat(lineage.sentEvents()).isZero();
      assertThat(lineage.droppedEvents()).isEqualTo(2);
    }
  }

  @Test
  void userInfoAndQueryOfTheUrlAreNeverShown() {
    LineageTransport t =
        LineageTransport.http(
            URI.create("https://alice:s3cret@lineage.example.com:8443/base?token=t0k"));
    assertThat(t.toString())
        .isEqualTo("LineageTransport{http https://lineage.example.com:8443/base}")
        .doesNotContain("s3cret", "alice", "t0k");
    assertThatThrownBy(() -> LineageTransport.http(URI.create("ftp://bob:hunter2@host/x")))
        .hasMessageContaining("ftp://host/x")
        .hasMessageNotContaining("hunter2");
    assertThat(LineageTransport.http(URI.create("http://host:5000")).toString())
        .isEqualTo("LineageTransport{http http://host:5000}");
  }
}
