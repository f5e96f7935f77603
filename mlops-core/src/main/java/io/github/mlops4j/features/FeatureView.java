package io.github.mlops4j.features;

import io.github.mlops4j.StoredText;
import io.github.mlops4j.internal.Checks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A group of features observed together for one entity: typed entity key columns (composite keys
 * allowed), typed features, an optional time-to-live, and optional on-demand features computed from
 * the stored ones and request data.
 *
 * <pre>{@code
 * FeatureView view = FeatureView.builder("customer_stats")
 *     .entity("customer_id", ValueType.STRING)
 *     .feature("avg_spend_30d", ValueType.DOUBLE)
 *     .feature("orders_7d", ValueType.LONG)
 *     .ttl(Duration.ofDays(2))
 *     .build();
 * }</pre>
 *
 * <p>The stored part (keys, features, TTL, description) is versioned by {@link FeatureStore#apply};
 * request fields and on-demand features live only in the process that applied them.
 *
 * @since 0.1.0
 */
public final class FeatureView {
  private final String name;
  private final List<Field> entities;
  private final List<Field> features;
  private final Duration ttl;
  private final String description;
  private final List<Field> requestFields;
  private final List<OnDemandFeature> onDemandFeatures;
  private final NanPolicy nanPolicy;

  private FeatureView(Builder b) {
    this.nanPolicy = b.nanPolicy;
    this.name = b.name;
    this.entities = List.copyOf(b.entities);
    this.features = List.copyOf(b.features);
    this.ttl = b.ttl;
    this.description = b.description;
    this.requestFields = List.copyOf(b.requestFields);
    this.onDemandFeatures = List.copyOf(b.onDemand);
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** What a write does with a NaN feature value (default {@link NanPolicy#REJECT}). */
  public NanPolicy nanPolicy() {
    return nanPolicy;
  }

  public String name() {
    return name;
  }

  /** The entity key columns, in key order. */
  public List<Field> entities() {
    return entities;
  }

  /** The stored features, in definition order. */
  public List<Field> features() {
    return features;
  }

  /**
   * How old a row may be and still match: a row matches at {@code T} only if {@code eventTime >= T
   * - ttl}. {@link Duration#ZERO} means no lower bound.
   */
  public Duration ttl() {
    return ttl;
  }

  public String description() {
    return description;
  }

  /** Request fields the on-demand features read. */
  public List<Field> requestFields() {
    return requestFields;
  }

  public List<OnDemandFeature> onDemandFeatures() {
    return onDemandFeatures;
  }

  /** Whether the stored parts of both views are equal (on-demand functions are not compared). */
  boolean sameStoredDefinition(FeatureView other) {
    return name.equals(other.name)
        && entities.equals(other.entities)
        && features.equals(other.features)
        && ttl.equals(other.ttl)
        && description.equals(other.description);
  }

  @Override
  public String toString() {
    return "FeatureView{"
        + name
        + ", entities="
        + entities
        + ", features="
        + features
        + (ttl.isZero() ? "" : ", ttl=" + ttl)
        + (onDemandFeatures.isEmpty() ? "" : ", onDemand=" + onDemandFeatures.size())
        + "}";
  }

  /** Builds a {@link FeatureView}; each setter checks its argument at once. */
  public static final class Builder {
    private final String name;
    private final List<Field> entities = new ArrayList<>();
    private final List<Field> features = new ArrayList<>();
    private final List<Field> requestFields = new ArrayList<>();
    private final List<OnDemandFeature> onDemand = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private Duration ttl = Duration.ZERO;
    private String description = "";
    private NanPolicy nanPolicy = NanPolicy.REJECT;

    private Builder(String name) {
      this.name = Names.check(name, "feature view name");
    }

    /** Adds an entity key column; several calls make a composite key, in call order. */
    public Builder entity(String name, ValueType type) {
      Field f = new Field(name, type);
      if (!type.isKeyType()) {
        throw new IllegalArgumentException(
            "Entity key '"
                + name
                + "' cannot be "
                + type
                + ": keys are STRING, LONG or BOOLEAN (floating-point and time keys rarely compare"
                + " equal)");
      }
      unique(name);
      entities.add(f);
      return this;
    }

    /** Adds a stored feature. */
    public Builder feature(String name, ValueType type) {
      Field f = new Field(name, type);
      unique(name);
      features.add(f);
      return this;
    }

    /**
     * Rows older than {@code ttl} at the lookup time do not match (status {@link
     * FeatureStatus#EXPIRED}); {@link Duration#ZERO} (the default) means no limit.
     */
    public Builder ttl(Duration ttl) {
      Objects.requireNonNull(ttl, "ttl");
      Checks.notNegative(ttl, "ttl");
      try {
        long unused = ttl.toNanos(); // only for its ArithmeticException
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException("ttl must be at most 292 years, was " + ttl, e);
      }
      this.ttl = ttl;
      return this;
    }

    public Builder description(String description) {
      this.description =
          StoredText.check(
              Objects.requireNonNull(description, "description"),
              "description of view '" + name + "'");
      return this;
    }

    /** Declares a request field that this view's on-demand features read. */
    public Builder request(String name, ValueType type) {
      Field f = new Field(name, type);
      for (Field r : requestFields) {
        if (r.name().equals(name)) {
          throw new IllegalArgumentException("Request field '" + name + "' is declared twice");
        }
      }
      requestFields.add(f);
      return this;
    }

    /**
     * Adds an on-demand feature; its function reads this view's features by bare name and the
     * declared request fields.
     */
    public Builder onDemand(String name, ValueType type, FeatureFunction function) {
      OnDemandFeature f = new OnDemandFeature(name, type, function);
      unique(name);
      onDemand.add(f);
      return this;
    }

    private void unique(String n) {
      if (!names.add(n)) {
        throw new IllegalArgumentException(
            "'" + n + "' is used twice in feature view '" + name + "'");
      }
    }

    /**
     * What {@link FeatureStore#write} does with a NaN value of a DOUBLE feature of this view
     * (default {@link NanPolicy#REJECT}); stored with the view's definition.
     */
    public Builder nanPolicy(NanPolicy policy) {
      this.nanPolicy = java.util.Objects.requireNonNull(policy, "nanPolicy");
      return this;
    }

    public FeatureView build() {
      if (entities.isEmpty()) {
        throw Checks.missing(
            "FeatureView.Builder ('" + name + "')",
            "an entity key",
            "entity(name, type); a view needs at least one entity");
      }
      if (features.isEmpty()) {
        throw Checks.missing(
            "FeatureView.Builder ('" + name + "')",
            "a feature",
            "feature(name, type); a view needs at least one feature");
      }
      return new FeatureView(this);
    }
  }

  static @Nullable Field find(List<Field> fields, String name) {
    for (Field f : fields) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    return null;
  }
}
