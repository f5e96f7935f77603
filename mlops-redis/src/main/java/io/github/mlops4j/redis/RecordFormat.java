package io.github.mlops4j.redis;

import io.github.mlops4j.features.EntityKey;
import io.github.mlops4j.features.OnlineRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * The layout of records in Redis. Each (namespace, view, entity) is one hash at key {@code
 * <namespace>:<view>:<base64url(entity key bytes)>}: the namespace holds no {@code ':'} and
 * base64url none either, so two different triples never share a key whatever the view or entity key
 * holds. The hash has two fields:
 *
 * <ul>
 *   <li>{@code o}, the order: a format byte ({@value #FORMAT}) then event time, created time (epoch
 *       nanoseconds) and write sequence, each a big-endian long with its sign bit flipped, so that
 *       comparing two orders byte by byte compares the records as {@link OnlineRecord#isNewerThan}
 *       does (the write script relies on that; no Lua number is involved, so longs beyond 2^53
 *       compare exactly);
 *   <li>{@code v}, the record's values: the feature store's own type-exact, versioned encoding,
 *       kept as it is.
 * </ul>
 */
final class RecordFormat {
  static final int FORMAT = 1;
  static final int ORDER_LENGTH = 1 + 3 * Long.BYTES;
  static final byte[] ORDER_FIELD = {'o'};
  static final byte[] VALUES_FIELD = {'v'};
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private RecordFormat() {}

  /** The key prefix of {@code view} in {@code namespace}, up to and including the last ':'. */
  static byte[] prefix(String namespace, String view) {
    return (namespace + ":" + view + ":").getBytes(StandardCharsets.UTF_8);
  }

  static byte[] key(byte[] prefix, EntityKey key) {
    byte[] encoded = Base64.getUrlEncoder().withoutPadding().encode(key.toBytes());
    byte[] out = new byte[prefix.length + encoded.length];
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    System.arraycopy(encoded, 0, out, prefix.length, encoded.length);
    return out;
  }

  static byte[] order(OnlineRecord r) {
    return ByteBuffer.allocate(ORDER_LENGTH)
        .put((byte) FORMAT)
        .putLong(nanos(r.eventTime(), "eventTime") ^ Long.MIN_VALUE)
        .putLong(nanos(r.createdTime(), "createdTime") ^ Long.MIN_VALUE)
        .putLong(r.sequence() ^ Long.MIN_VALUE)
        .array();
  }

  /** The record of {@code key} from its stored fields, or an exception naming what is wrong. */
  static OnlineRecord record(EntityKey key, byte[] order, byte[] values) {
    if (order.length != ORDER_LENGTH || order[0] != FORMAT) {
      throw new IllegalStateException(
          "holds a record in an unknown format (order field of "
              + order.length
              + " bytes, format "
              + (order.length == 0 ? "none" : Integer.toString(order[0] & 0xff))
              + "; this version reads format "
              + FORMAT
              + ")");
    }
    ByteBuffer b = ByteBuffer.wrap(order, 1, ORDER_LENGTH - 1);
    Instant event = instant(b.getLong() ^ Long.MIN_VALUE);
    Instant created = instant(b.getLong() ^ Long.MIN_VALUE);
    long sequence = b.getLong() ^ Long.MIN_VALUE;
    return new OnlineRecord(key, event, created, sequence, values);
  }

  static long nanos(Instant t, String name) {
    try {
      long seconds = t.getEpochSecond();
      long nano = t.getNano();
      if (seconds < 0 && nano > 0) { // keeps the product in range down to Long.MIN_VALUE nanos
        seconds++;
        nano -= NANOS_PER_SECOND;
      }
      return Math.addExact(Math.multiplyExact(seconds, NANOS_PER_SECOND), nano);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          name + " " + t + " is outside the range of epoch nanoseconds in a long", e);
    }
  }

  private static Instant instant(long nanos) {
    return Instant.ofEpochSecond(
        Math.floorDiv(nanos, NANOS_PER_SECOND), Math.floorMod(nanos, NANOS_PER_SECOND));
  }
}
