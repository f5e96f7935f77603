package io.github.mlops4j.serving;

import io.github.mlops4j.serving.routing.CanaryPolicy;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A sliding window over the last {@code window} canary calls, with O(1) work per call and no lock:
 * each slot holds two bits (failed, slower than the p99 bound). The p99 passes the bound exactly
 * when more than 1% of the window is slower than it.
 */
final class CanaryMonitor {
  private static final int ERROR = 1;
  private static final int SLOW = 2;

  private final CanaryPolicy policy;
  private final long maxNanos;
  private final AtomicIntegerArray slots;
  private final AtomicLong seen = new AtomicLong();
  private final AtomicInteger errors = new AtomicInteger();
  private final AtomicInteger slow = new AtomicInteger();

  CanaryMonitor(CanaryPolicy policy) {
    this.policy = policy;
    this.maxNanos = ServiceCore.toNanos(policy.maxP99());
    this.slots = new AtomicIntegerArray(policy.window());
  }

  /**
   * Records one canary call.
   *
   * @return why the canary must be rolled back, or null if it may go on
   */
  @Nullable String record(boolean failed, long nanos) {
    int flags = (failed ? ERROR : 0) | (nanos > maxNanos ? SLOW : 0);
    long i = seen.getAndIncrement();
    int old = slots.getAndSet((int) (i % policy.window()), flags);
    int dErr = (flags & ERROR) - (old & ERROR);
    int dSlow = ((flags & SLOW) - (old & SLOW)) >> 1;
    int e = dErr == 0 ? errors.get() : errors.addAndGet(dErr);
    int s = dSlow == 0 ? slow.get() : slow.addAndGet(dSlow);
    long n = Math.min(i + 1, policy.window());
    if (n < policy.minRequests()) {
      return null;
    }
    if ((double) e / n > policy.maxErrorRate()) {
      return String.format(
          java.util.Locale.ROOT,
          "error rate %.4f over the last %d canary calls passed the bound %.4f",
          (double) e / n,
          n,
          policy.maxErrorRate());
    }
    if ((double) s / n > 0.01) {
      return String.format(
          java.util.Locale.ROOT,
          "p99 latency over the last %d canary calls passed the bound %s (%d calls slower)",
          n,
          policy.maxP99(),
          s);
    }
    return null;
  }
}
