package io.github.mlops4j.serving.routing;

import com.google.errorprone.annotations.CheckReturnValue;
import io.github.mlops4j.internal.Checks;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How an {@link io.github.mlops4j.serving.InferenceService} spreads requests over versions.
 * Immutable; the {@code with...} methods return copies.
 *
 * <ul>
 *   <li>{@link #single()} (default): every request goes to the service's alias or version, route
 *       {@code primary}.
 *   <li>{@link #weighted(List)}: A/B arms with weights. With {@link #stickyBy(String)} a request is
 *       assigned by a stable hash (MurmurHash3, 32 bit) of its key field, so the same key always
 *       gets the same arm, across calls, services and processes; without a key (or when the request
 *       lacks the field) an arm is drawn at random by weight.
 *   <li>{@link #canary(Target, double, CanaryPolicy)}: {@code percent} of requests go to the canary
 *       (sticky by key when set), the rest to the primary; the canary is rolled back automatically
 *       when its error rate or p99 latency passes the policy's bounds.
 *   <li>{@link #withShadow(Shadow)} adds shadow traffic to any of the above.
 * </ul>
 *
 * @since 0.1.0
 */
public final class Routing {
  /** Route name of the service's own alias or version. */
  public static final String PRIMARY = "primary";

  /** Route name of a canary. */
  public static final String CANARY = "canary";

  /** Route name of shadow predictions (reported to the listener only). */
  public static final String SHADOW = "shadow";

  /** The kind of split. */
  public enum Mode {
    SINGLE,
    WEIGHTED,
    CANARY
  }

  private static final double TWO_32 = 4294967296.0;

  private final Mode mode;
  private final List<Arm> arms;
  private final double[] cumulative;
  private final @Nullable Target canary;
  private final double canaryPercent;
  private final @Nullable CanaryPolicy canaryPolicy;
  private final @Nullable String stickyKey;
  private final @Nullable Shadow shadow;

  private Routing(
      Mode mode,
      List<Arm> arms,
      @Nullable Target canary,
      double canaryPercent,
      @Nullable CanaryPolicy canaryPolicy,
      @Nullable String stickyKey,
      @Nullable Shadow shadow) {
    this.mode = mode;
    this.arms = List.copyOf(arms);
    this.canary = canary;
    this.canaryPercent = canaryPercent;
    this.canaryPolicy = canaryPolicy;
    this.stickyKey = stickyKey;
    this.shadow = shadow;
    double total = 0;
    for (Arm a : arms) {
      total += a.weight();
    }
    cumulative = new double[arms.size()];
    double sum = 0;
    for (int i = 0; i < arms.size(); i++) {
      sum += arms.get(i).weight();
      cumulative[i] = sum / total;
    }
    if (cumulative.length > 0) {
      cumulative[cumulative.length - 1] = 1.0;
    }
  }

  /** Every request to the service's own alias or version. */
  public static Routing single() {
    return new Routing(Mode.SINGLE, List.of(), null, 0, null, null, null);
  }

  /**
   * A weighted split between arms (at least two, distinct names). The service's own alias or
   * version is not used for traffic; {@code activeVersion()} reports the first arm's version.
   */
  public static Routing weighted(List<Arm> arms) {
    Objects.requireNonNull(arms, "arms");
    if (arms.size() < 2) {
      throw new IllegalArgumentException(
          "A weighted split needs at least two arms, got " + arms.size());
    }
    Set<String> names = new HashSet<>();
    for (Arm a : arms) {
      if (!names.add(a.name())) {
        throw new IllegalArgumentException("Duplicate arm name '" + a.name() + "'");
      }
    }
    return new Routing(Mode.WEIGHTED, arms, null, 0, null, null, null);
  }

  /** A weighted split between arms. */
  public static Routing weighted(Arm... arms) {
    return weighted(List.of(arms));
  }

  /**
   * Sends {@code percent} (0..100) of requests to {@code canary} and the rest to the service's own
   * alias or version, rolling the canary back by {@code policy}.
   */
  public static Routing canary(Target canary, double percent, CanaryPolicy policy) {
    Objects.requireNonNull(canary, "canary");
    Objects.requireNonNull(policy, "policy");
    Checks.strictlyBetween(percent, 0, 100, "Canary percent");
    return new Routing(Mode.CANARY, List.of(), canary, percent, policy, null, null);
  }

  /**
   * Assigns requests by the value of request field {@code field} (for example a customer id), so
   * the same value always gets the same arm.
   */
  @CheckReturnValue
  public Routing stickyBy(String field) {
    Objects.requireNonNull(field, "field");
    if (field.isEmpty()) {
      throw new IllegalArgumentException("Sticky key field must not be empty");
    }
    return new Routing(mode, arms, canary, canaryPercent, canaryPolicy, field, shadow);
  }

  /** Adds shadow traffic. */
  @CheckReturnValue
  public Routing withShadow(Shadow shadow) {
    return new Routing(
        mode,
        arms,
        canary,
        canaryPercent,
        canaryPolicy,
        stickyKey,
        Objects.requireNonNull(shadow, "shadow"));
  }

  /** Mirrors every request to {@code target} with a queue of 1,024. */
  @CheckReturnValue
  public Routing withShadow(Target target) {
    return withShadow(new Shadow(target, 1.0, 1024));
  }

  public Mode mode() {
    return mode;
  }

  /** The A/B arms (empty unless {@link Mode#WEIGHTED}). */
  public List<Arm> arms() {
    return arms;
  }

  /** The canary target, if any. */
  public Optional<Target> canary() {
    return Optional.ofNullable(canary);
  }

  /** The canary's share of requests in percent (0 without a canary). */
  public double canaryPercent() {
    return canaryPercent;
  }

  /** The canary's rollback bounds, if any. */
  public Optional<CanaryPolicy> canaryPolicy() {
    return Optional.ofNullable(canaryPolicy);
  }

  /** The request field requests are assigned by, if any. */
  public Optional<String> stickyKey() {
    return Optional.ofNullable(stickyKey);
  }

  /** Shadow traffic, if any. */
  public Optional<Shadow> shadow() {
    return Optional.ofNullable(shadow);
  }

  /**
   * The point in [0, 1) a key value maps to: MurmurHash3 (x86, 32 bit, seed 0) of the key's UTF-16
   * code units, as unsigned. Stable across JVMs and releases.
   */
  public static double unitHash(String key) {
    return (Murmur3.hashChars(key) & 0xFFFFFFFFL) / TWO_32;
  }

  /** The index in {@link #arms()} a point in [0, 1) falls into. */
  public int armIndex(double unit) {
    double[] c = cumulative;
    for (int i = 0; i < c.length - 1; i++) {
      if (unit < c[i]) {
        return i;
      }
    }
    return c.length - 1;
  }

  /** The arm a key value always gets (weighted routing). */
  public Arm armFor(String key) {
    if (mode != Mode.WEIGHTED) {
      throw new IllegalStateException("armFor needs weighted routing, this is " + mode);
    }
    return arms.get(armIndex(unitHash(key)));
  }

  /** True if the point in [0, 1) falls into the canary's share. */
  public boolean inCanary(double unit) {
    return unit * 100.0 < canaryPercent;
  }

  /** Every target this routing serves besides the service's own. */
  public List<Target> targets() {
    List<Target> out = new ArrayList<>();
    for (Arm a : arms) {
      out.add(a.target());
    }
    if (canary != null) {
      out.add(canary);
    }
    if (shadow != null) {
      out.add(shadow.target());
    }
    return out;
  }

  @Override
  public String toString() {
    String s =
        switch (mode) {
          case SINGLE -> "single";
          case WEIGHTED -> "weighted" + arms;
          case CANARY -> "canary(" + canary + ", " + canaryPercent + "%, " + canaryPolicy + ")";
        };
    return s
        + (stickyKey == null ? "" : " sticky by " + stickyKey)
        + (shadow == null ? "" : " shadow " + shadow);
  }
}
