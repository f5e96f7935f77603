package io.github.mlops4j.features;

import io.github.mlops4j.internal.Checks;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Options of a point-in-time join ({@link FeatureStore#historical(java.util.List, java.util.List,
 * JoinOptions)}).
 *
 * @since 0.1.0
 */
public final class JoinOptions {
  private static final JoinOptions DEFAULTS = builder().build();

  private final boolean asOfKnownTime;
  private final Map<String, Duration> ttls;

  private JoinOptions(Builder b) {
    this.asOfKnownTime = b.asOfKnownTime;
    this.ttls = Map.copyOf(b.ttls);
  }

  /** Event time only, each view's own TTL. */
  public static JoinOptions defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Whether rows created after a spine row's time are ignored for it ({@code createdTime <= T}), so
   * that late corrections never leak into training rows of earlier times.
   */
  public boolean asOfKnownTime() {
    return asOfKnownTime;
  }

  /** The TTL used for {@code view} instead of its own, if one was set. */
  public Optional<Duration> ttl(String view) {
    return Optional.ofNullable(ttls.get(view));
  }

  @Override
  public String toString() {
    return "JoinOptions{asOfKnownTime=" + asOfKnownTime + ", ttls=" + ttls + "}";
  }

  /** Builds {@link JoinOptions}. */
  public static final class Builder {
    private boolean asOfKnownTime;
    private final Map<String, Duration> ttls = new HashMap<>();

    private Builder() {}

    /** Ignore rows with {@code createdTime > T} (default false: event time only, like Feast). */
    public Builder asOfKnownTime(boolean asOfKnownTime) {
      this.asOfKnownTime = asOfKnownTime;
      return this;
    }

    /**
     * Overrides a view's TTL for this join ({@link Duration#ZERO}: no lower bound). Online reads
     * always use the view's own TTL.
     */
    public Builder ttl(String view, Duration ttl) {
      Names.check(view, "view name");
      Objects.requireNonNull(ttl, "ttl");
      Checks.notNegative(ttl, "ttl of '" + view + "'");
      try {
        long unused = ttl.toNanos(); // only for its ArithmeticException
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException("ttl of '" + view + "' must be at most 292 years", e);
      }
      ttls.put(view, ttl);
      return this;
    }

    public JoinOptions build() {
      return new JoinOptions(this);
    }
  }
}
