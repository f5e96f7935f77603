package io.github.mlops4j.spark;

import io.github.mlops4j.registry.internal.DetachedLoading;
import io.github.mlops4j.serving.ValidationPolicy;
import java.io.Serial;
import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the driver broadcasts once per job: the pinned version's description, its verified bytes and
 * the registry's loading rules.
 */
@SuppressWarnings("ArrayRecordComponent") // a broadcast carrier, never compared or hashed
record ScoringPayload(
    DetachedLoading.VersionData version,
    byte[] bytes,
    List<String> allowedModelPackages,
    @Nullable String javaSerialFilter)
    implements Serializable {
  @Serial private static final long serialVersionUID = 1L;

  /** A {@link ValidationPolicy} as a serializable value (the policy itself is not). */
  record Policy(boolean fill, HashMap<String, Double> perFeature, double defaultValue)
      implements Serializable {
    @Serial private static final long serialVersionUID = 1L;

    static Policy of(ValidationPolicy p) {
      return new Policy(p.fills(), new HashMap<>(p.perFeature()), p.defaultValue().orElse(0.0));
    }

    ValidationPolicy toPolicy() {
      return fill
          ? ValidationPolicy.fill(Map.copyOf(perFeature), defaultValue)
          : ValidationPolicy.REJECT;
    }
  }
}
