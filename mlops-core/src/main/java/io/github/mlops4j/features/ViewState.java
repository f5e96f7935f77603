package io.github.mlops4j.features;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stored view as one snapshot of this process sees it: id, version, stored definition, and the
 * on-demand features and request fields applied in this process.
 */
final class ViewState {
  final long id;
  final int version;
  final ViewDefinition def;
  final String name;
  final List<Field> requestFields;
  final Map<String, OnDemandFeature> onDemand;
  final LookupCounters counters;

  /** Whether the key is one STRING column (the common case, encoded without checks). */
  final boolean singleStringKey;

  ViewState(
      long id,
      int version,
      ViewDefinition def,
      List<Field> requestFields,
      List<OnDemandFeature> onDemand,
      LookupCounters counters) {
    this.id = id;
    this.version = version;
    this.def = def;
    this.name = def.name;
    this.requestFields = List.copyOf(requestFields);
    Map<String, OnDemandFeature> m = new LinkedHashMap<>();
    for (OnDemandFeature f : onDemand) {
      if (!def.slotByName.containsKey(f.name())) {
        m.put(f.name(), f);
      }
    }
    this.onDemand = Map.copyOf(m);
    this.counters = counters;
    this.singleStringKey =
        def.entities.size() == 1 && def.entities.get(0).type() == ValueType.STRING;
  }

  /** The public form: stored parts plus this process's on-demand parts. */
  FeatureView toView() {
    FeatureView.Builder b =
        FeatureView.builder(name)
            .description(def.description)
            .ttl(def.ttl)
            .nanPolicy(def.nanPolicy);
    for (Field f : def.entities) {
      b.entity(f.name(), f.type());
    }
    for (ViewDefinition.StoredFeature f : def.features) {
      b.feature(f.name(), f.type());
    }
    for (Field f : requestFields) {
      b.request(f.name(), f.type());
    }
    for (OnDemandFeature f : onDemand.values()) {
      b.onDemand(f.name(), f.type(), f.function());
    }
    return b.build();
  }
}
