package io.github.mlops4j.tracking;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/** A heartbeat schedule that beats only when the test says so. */
final class ManualHeartbeat implements Tracker.HeartbeatScheduler {
  private volatile @Nullable Runnable beat;
  final AtomicInteger starts = new AtomicInteger();
  final AtomicInteger stops = new AtomicInteger();

  @Override
  public Scheduled start(Runnable beat, Duration period) {
    this.beat = beat;
    starts.incrementAndGet();
    return timeout -> {
      this.beat = null;
      stops.incrementAndGet();
    };
  }

  /** Whether a schedule is running. */
  boolean scheduled() {
    return beat != null;
  }

  /** Runs one scheduled beat, as the heartbeat thread would; false if nothing is scheduled. */
  boolean tick() {
    Runnable b = beat;
    if (b == null) {
      return false;
    }
    b.run();
    return true;
  }
}
