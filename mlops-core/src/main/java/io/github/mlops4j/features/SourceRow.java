package io.github.mlops4j.features;

import io.github.mlops4j.features.internal.AsOfRule;

/** One stored feature row of a view: key, event time, created time, write sequence, values. */
final class SourceRow implements AsOfRule.Stamped {
  final EntityKey key;
  final long event;
  final long created;
  final long seq;
  final byte[] values;

  /** This row's winner index in one view's join result, -1 until it wins (joining thread only). */
  int index = -1;

  /** Whether the join has decoded this row's values once (joining thread only). */
  boolean checked;

  SourceRow(EntityKey key, long event, long created, long seq, byte[] values) {
    this.key = key;
    this.event = event;
    this.created = created;
    this.seq = seq;
    this.values = values;
  }

  @Override
  public long eventNanos() {
    return event;
  }

  @Override
  public long createdNanos() {
    return created;
  }

  @Override
  public long sequence() {
    return seq;
  }

  @Override
  public String toString() {
    return "SourceRow{"
        + key
        + ", e="
        + Timestamps.ofNanos(event)
        + ", c="
        + Timestamps.ofNanos(created)
        + ", seq="
        + seq
        + "}";
  }
}
