package io.github.mlops4j.serving;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The prediction ids of one service: a random prefix of 16 hexadecimal digits drawn when the
 * service is built (its top bit set, so always 16 digits), a {@code -}, then the call's number in
 * hexadecimal without leading zeros ({@code 1, 2, ... f, 10, ...}). The number makes ids unique
 * within the service; the prefix, 63 random bits, makes them unique across services and replicas.
 *
 * <p>{@link #next()} gives exactly {@code prefix + Long.toHexString(n)}, but formats it in one
 * string concatenation: the text of {@code n >>> 8} (the prefix included) is kept and reused for
 * the next 256 numbers, and only the last two hexadecimal digits are appended per call, so a call
 * allocates the id's own bytes and string and nothing else.
 */
final class PredictionIds {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /**
   * The prefix and {@code Long.toHexString(high)}, for the ids of numbers {@code high << 8 ...}.
   */
  private record Block(long high, String text) {}

  private final String prefix;
  private final AtomicLong counter = new AtomicLong();

  /**
   * The block of the latest numbers. Read and written without synchronization: it is immutable, so
   * a thread sees a complete block (maybe an older one, which it then replaces).
   */
  private @Nullable Block block;

  /** Ids with a fresh random prefix. */
  PredictionIds() {
    this(ThreadLocalRandom.current().nextLong());
  }

  /** Ids with the prefix of {@code random} (its top bit set); for tests. */
  PredictionIds(long random) {
    this.prefix = Long.toHexString(random | Long.MIN_VALUE) + '-';
  }

  /** The next id: the prefix and the next number (from 1), unique among this instance's ids. */
  String next() {
    return format(counter.incrementAndGet());
  }

  /** The id of number {@code n}: {@code prefix + Long.toHexString(n)}. */
  String format(long n) {
    long high = n >>> 8;
    if (high == 0) {
      return prefix + Long.toHexString(n); // the first 255: no leading zero to pad
    }
    Block b = block;
    if (b == null || b.high() != high) {
      b = new Block(high, prefix + Long.toHexString(high));
      block = b;
    }
    int low = (int) (n & 0xff);
    return b.text() + HEX[low >>> 4] + HEX[low & 0xf];
  }

  /** The prefix, {@code -} included. */
  String prefix() {
    return prefix;
  }
}
