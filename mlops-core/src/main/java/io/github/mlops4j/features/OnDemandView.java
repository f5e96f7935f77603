package io.github.mlops4j.features;

import io.github.mlops4j.internal.Checks;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * On-demand features of their own: functions of request data and of features of other views,
 * referenced as {@code "view:feature"}. Their references are {@code "<this name>:<feature>"}. It is
 * not stored: {@link FeatureStore#apply(OnDemandView)} registers it in this process.
 *
 * <pre>{@code
 * OnDemandView risk = OnDemandView.builder("txn_risk")
 *     .input("customer_stats:avg_spend_30d")
 *     .request("amount", ValueType.DOUBLE)
 *     .feature("amount_vs_avg", ValueType.DOUBLE, in -> {
 *       Double avg = (Double) in.value("customer_stats:avg_spend_30d");
 *       return avg == null ? null : (Double) in.request("amount") / avg;
 *     })
 *     .build();
 * }</pre>
 *
 * @since 0.1.0
 */
public final class OnDemandView {
  private final String name;
  private final List<String> inputs;
  private final List<Field> requestFields;
  private final List<OnDemandFeature> features;

  private OnDemandView(Builder b) {
    this.name = b.name;
    this.inputs = List.copyOf(b.inputs);
    this.requestFields = List.copyOf(b.requestFields);
    this.features = List.copyOf(b.features);
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  public String name() {
    return name;
  }

  /** The looked-up features the functions read, as {@code "view:feature"} references. */
  public List<String> inputs() {
    return inputs;
  }

  public List<Field> requestFields() {
    return requestFields;
  }

  public List<OnDemandFeature> features() {
    return features;
  }

  @Override
  public String toString() {
    return "OnDemandView{"
        + name
        + ", inputs="
        + inputs
        + ", request="
        + requestFields
        + ", features="
        + features.stream().map(OnDemandFeature::name).toList()
        + "}";
  }

  /** Builds an {@link OnDemandView}; each setter checks its argument at once. */
  public static final class Builder {
    private final String name;
    private final List<String> inputs = new ArrayList<>();
    private final List<Field> requestFields = new ArrayList<>();
    private final List<OnDemandFeature> features = new ArrayList<>();
    private final Set<String> names = new HashSet<>();

    private Builder(String name) {
      this.name = Names.check(name, "on-demand view name");
    }

    /** A looked-up input, {@code "view:feature"} of a stored feature view. */
    public Builder input(String ref) {
      FeatureRef r = FeatureRef.parse(ref);
      Names.check(r.view(), "view name");
      Names.check(r.feature(), "feature name");
      if (inputs.contains(ref)) {
        throw new IllegalArgumentException("Input '" + ref + "' is listed twice");
      }
      inputs.add(ref);
      return this;
    }

    public Builder request(String name, ValueType type) {
      Field f = new Field(name, type);
      if (!names.add("request:" + name)) {
        throw new IllegalArgumentException("Request field '" + name + "' is declared twice");
      }
      requestFields.add(f);
      return this;
    }

    public Builder feature(String name, ValueType type, FeatureFunction function) {
      OnDemandFeature f = new OnDemandFeature(name, type, function);
      if (!names.add(name)) {
        throw new IllegalArgumentException("Feature '" + name + "' is defined twice");
      }
      features.add(f);
      return this;
    }

    public OnDemandView build() {
      if (features.isEmpty()) {
        throw Checks.missing(
            "OnDemandView.Builder ('" + name + "')", "a feature", "feature(name, type, function)");
      }
      return new OnDemandView(this);
    }
  }
}
