package io.github.mlops4j.features;

import java.time.Instant;
import java.util.Objects;

/**
 * What an {@link OnlineStore} keeps per (view, entity): the winning row's times, its write sequence
 * and its encoded values (opaque bytes in a versioned format).
 *
 * @since 0.1.0
 */
public final class OnlineRecord {
  private final EntityKey key;
  private final Instant eventTime;
  private final Instant createdTime;
  private final long sequence;
  private final byte[] values;

  public OnlineRecord(
      EntityKey key, Instant eventTime, Instant createdTime, long sequence, byte[] values) {
    this.key = Objects.requireNonNull(key, "key");
    this.eventTime = Objects.requireNonNull(eventTime, "eventTime");
    this.createdTime = Objects.requireNonNull(createdTime, "createdTime");
    this.sequence = sequence;
    this.values = Objects.requireNonNull(values, "values").clone();
  }

  static OnlineRecord of(SourceRow row) {
    return new OnlineRecord(
        row.key,
        Timestamps.ofNanos(row.event),
        Timestamps.ofNanos(row.created),
        row.seq,
        row.values);
  }

  SourceRow toRow() {
    return new SourceRow(
        key, Timestamps.toNanos(eventTime), Timestamps.toNanos(createdTime), sequence, values);
  }

  public EntityKey key() {
    return key;
  }

  public Instant eventTime() {
    return eventTime;
  }

  public Instant createdTime() {
    return createdTime;
  }

  public long sequence() {
    return sequence;
  }

  /** A copy of the encoded values. */
  public byte[] values() {
    return values.clone();
  }

  /**
   * Whether this record should replace {@code other} of the same key: it is greater by (event time,
   * created time, sequence). Stores must apply exactly this rule.
   */
  public boolean isNewerThan(OnlineRecord other) {
    int c = eventTime.compareTo(other.eventTime);
    if (c == 0) {
      c = createdTime.compareTo(other.createdTime);
    }
    return c == 0 ? sequence > other.sequence : c > 0;
  }

  @Override
  public String toString() {
    return "OnlineRecord{"
        + key
        + ", eventTime="
        + eventTime
        + ", createdTime="
        + createdTime
        + ", sequence="
        + sequence
        + ", "
        + values.length
        + " bytes}";
  }
}
