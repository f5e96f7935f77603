package io.github.mlops4j.spring;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** Counts the predict calls of one served model in flight; the drain waits on a condition. */
final class InFlight {
  private final AtomicInteger count = new AtomicInteger();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition zero = lock.newCondition();
  private volatile boolean waiting;

  void enter() {
    count.incrementAndGet();
  }

  void exit() {
    if (count.decrementAndGet() == 0 && waiting) {
      lock.lock();
      try {
        zero.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  /** True while {@link #awaitZero} waits. */
  boolean waiting() {
    return waiting;
  }

  int count() {
    return count.get();
  }

  /** Waits until no call is in flight or {@code timeout} passed; true if none is left. */
  boolean awaitZero(Duration timeout) throws InterruptedException {
    long left = timeout.toNanos();
    lock.lock();
    try {
      waiting = true;
      while (count.get() > 0) {
        if (left <= 0) {
          return false;
        }
        left = zero.awaitNanos(left);
      }
      return true;
    } finally {
      waiting = false;
      lock.unlock();
    }
  }

  static long nanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return TimeUnit.DAYS.toNanos(365);
    }
  }
}
