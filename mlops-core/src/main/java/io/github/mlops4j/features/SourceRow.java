package io.github.mlops4j.features;

import io.github.mlops4j.features.internal.AsOfRule;
import org.jspecify.annotations.Nullable;

/** One stored feature row of a view: key, event time, created time, write sequence, values. */
final class SourceRow implements AsOfRule.Stamped {
  final EntityKey key;
  final long event;
  final long created;
  final long seq;
  final byte[] values;

  /** The values decoded for one join (set and read by the thread joining this row's view). */
  FeatureValue @Nullable [] decoded;

  @Nullable FeatureValue expired;

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
