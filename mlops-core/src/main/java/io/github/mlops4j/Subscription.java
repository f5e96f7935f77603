package io.github.mlops4j;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A registered listener, returned by every {@code addListener} method of mlops4j. Closing it
 * removes the listener; events already being delivered may still reach it.
 *
 * <p>{@link #close()} throws no checked exception and is idempotent: closing twice removes the
 * listener once, so a subscription can sit in a try-with-resources block and still be closed early.
 * Subscriptions are safe to close from any thread, including from inside the listener.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface Subscription extends AutoCloseable {

  /** Removes the listener; does nothing if it was already removed through this subscription. */
  @Override
  void close();

  /**
   * A subscription that runs {@code remove} on its first {@link #close()} and never again.
   *
   * @param remove removes the listener; it must not throw a checked exception
   */
  static Subscription onClose(Runnable remove) {
    Objects.requireNonNull(remove, "remove");
    AtomicBoolean closed = new AtomicBoolean();
    return () -> {
      if (closed.compareAndSet(false, true)) {
        remove.run();
      }
    };
  }
}
