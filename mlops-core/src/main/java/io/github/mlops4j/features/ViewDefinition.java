package io.github.mlops4j.features;

import io.github.mlops4j.store.StoreException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The stored definition of a feature view: keys, features with stable ids, retired features and
 * TTL. Persisted as JSON, schema version 1 (golden file {@code golden/view-definition-v1.json}):
 *
 * <pre>{@code
 * {"schemaVersion":1,"name":"customer_stats","description":"",
 *  "entities":[{"name":"customer_id","type":"STRING"}],
 *  "features":[{"id":1,"name":"avg_spend_30d","type":"DOUBLE"}, ...],
 *  "retired":[{"id":3,"name":"old","type":"LONG"}],
 *  "ttl":"PT48H"}
 * }</pre>
 *
 * Feature ids are assigned once and never reused, so stored rows (which tag values by id) stay
 * readable when features are added or removed. A removed feature is retired with its type: adding
 * it back with the same type revives its stored values, with another type is incompatible.
 */
final class ViewDefinition {
  static final int SCHEMA_VERSION = 1;

  record StoredFeature(int id, String name, ValueType type) {}

  final String name;
  final String description;
  final List<Field> entities;
  final List<StoredFeature> features;
  final List<StoredFeature> retired;
  final Duration ttl;
  final long ttlNanos;
  /** Slot (index in {@link #features}) of each feature id, -1 for retired ids. */
  final int[] slotById;
  final Map<String, Integer> slotByName;

  ViewDefinition(String name, String description, List<Field> entities,
      List<StoredFeature> features, List<StoredFeature> retired, Duration ttl) {
    this.name = name;
    this.description = description;
    this.entities = List.copyOf(entities);
    this.features = List.copyOf(features);
    this.retired = List.copyOf(retired);
    this.ttl = ttl;
    this.ttlNanos = ttl.toNanos();
    int maxId = 0;
    for (StoredFeature f : features) {
      maxId = Math.max(maxId, f.id());
    }
    for (StoredFeature f : retired) {
      maxId = Math.max(maxId, f.id());
    }
    this.slotById = new int[maxId + 1];
    Arrays.fill(slotById, -1);
    Map<String, Integer> byName = new HashMap<>();
    for (int i = 0; i < features.size(); i++) {
      slotById[features.get(i).id()] = i;
      byName.put(features.get(i).name(), i);
    }
    this.slotByName = Map.copyOf(byName);
  }

  int nextId() {
    return slotById.length;
  }

  /** The first stored version of {@code view}: ids 1, 2, 3 ... in definition order. */
  static ViewDefinition first(FeatureView view) {
    List<StoredFeature> features = new ArrayList<>();
    for (Field f : view.features()) {
      features.add(new StoredFeature(features.size() + 1, f.name(), f.type()));
    }
    return new ViewDefinition(view.name(), view.description(), view.entities(), features,
        List.of(), view.ttl());
  }

  /**
   * This definition changed to {@code view}: same keys required, features keep their ids (new
   * ones get fresh ids, removed ones are retired), a feature's type may never change.
   *
   * @throws IncompatibleViewException for changed keys or a changed feature type
   */
  ViewDefinition evolve(FeatureView view) {
    if (!entities.equals(view.entities())) {
      String field = firstDifference(entities, view.entities());
      throw new IncompatibleViewException(name, field, "Feature view '" + name
          + "' cannot change its entity keys from " + entities + " to " + view.entities()
          + " (first difference: '" + field + "'): stored rows are keyed by them. Define a new"
          + " view instead.");
    }
    Map<String, StoredFeature> known = new LinkedHashMap<>();
    for (StoredFeature f : retired) {
      known.put(f.name(), f);
    }
    for (StoredFeature f : features) {
      known.put(f.name(), f);
    }
    int next = nextId();
    List<StoredFeature> newFeatures = new ArrayList<>();
    for (Field f : view.features()) {
      StoredFeature old = known.remove(f.name());
      if (old == null) {
        newFeatures.add(new StoredFeature(next++, f.name(), f.type()));
      } else if (old.type() != f.type()) {
        throw new IncompatibleViewException(name, f.name(), "Feature '" + name + ":" + f.name()
            + "' cannot change its type from " + old.type() + " to " + f.type()
            + ": stored values have the old type. Add a feature with a new name instead.");
      } else {
        newFeatures.add(old);
      }
    }
    List<StoredFeature> newRetired = new ArrayList<>(known.values());
    newRetired.sort((a, b) -> Integer.compare(a.id(), b.id()));
    ViewDefinition next2 = new ViewDefinition(name, view.description(), entities, newFeatures,
        newRetired, view.ttl());
    return next2.sameAs(this) ? this : next2;
  }

  private static String firstDifference(List<Field> a, List<Field> b) {
    for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
      Field x = i < a.size() ? a.get(i) : null;
      Field y = i < b.size() ? b.get(i) : null;
      if (!Objects.equals(x, y)) {
        return x != null ? x.name() : Objects.requireNonNull(y).name();
      }
    }
    return "";
  }

  boolean sameAs(ViewDefinition o) {
    return name.equals(o.name) && description.equals(o.description)
        && entities.equals(o.entities) && features.equals(o.features)
        && retired.equals(o.retired) && ttl.equals(o.ttl);
  }

  // ---------------------------------------------------------------- JSON

  String toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("schemaVersion", SCHEMA_VERSION);
    m.put("name", name);
    m.put("description", description);
    List<Object> keys = new ArrayList<>();
    for (Field f : entities) {
      Map<String, Object> k = new LinkedHashMap<>();
      k.put("name", f.name());
      k.put("type", f.type().name());
      keys.add(k);
    }
    m.put("entities", keys);
    m.put("features", featuresJson(features));
    m.put("retired", featuresJson(retired));
    m.put("ttl", ttl.toString());
    return Json.write(m);
  }

  private static List<Object> featuresJson(List<StoredFeature> list) {
    List<Object> out = new ArrayList<>();
    for (StoredFeature f : list) {
      Map<String, Object> k = new LinkedHashMap<>();
      k.put("id", f.id());
      k.put("name", f.name());
      k.put("type", f.type().name());
      out.add(k);
    }
    return out;
  }

  static ViewDefinition fromJson(String json) {
    try {
      Map<?, ?> m = (Map<?, ?>) Objects.requireNonNull(Json.parse(json));
      long schema = (Long) required(m, "schemaVersion");
      if (schema > SCHEMA_VERSION) {
        throw new StoreException("A feature view definition has schema version " + schema
            + " but this mlops4j reads versions up to " + SCHEMA_VERSION
            + "; it was written by a newer mlops4j. Upgrade to read it.");
      }
      List<Field> entities = new ArrayList<>();
      for (Object o : (List<?>) required(m, "entities")) {
        Map<?, ?> k = (Map<?, ?>) o;
        entities.add(new Field((String) required(k, "name"),
            ValueType.valueOf((String) required(k, "type"))));
      }
      return new ViewDefinition((String) required(m, "name"),
          (String) required(m, "description"), entities,
          featuresFromJson((List<?>) required(m, "features")),
          featuresFromJson((List<?>) required(m, "retired")),
          Duration.parse((String) required(m, "ttl")));
    } catch (ClassCastException | IllegalArgumentException | DateTimeParseException e) {
      throw new StoreException("Unreadable feature view definition: " + e.getMessage() + " in "
          + ValueType.abbreviate(json), e);
    }
  }

  private static List<StoredFeature> featuresFromJson(List<?> list) {
    List<StoredFeature> out = new ArrayList<>();
    for (Object o : list) {
      Map<?, ?> f = (Map<?, ?>) o;
      out.add(new StoredFeature(Math.toIntExact((Long) required(f, "id")),
          (String) required(f, "name"), ValueType.valueOf((String) required(f, "type"))));
    }
    return out;
  }

  private static Object required(Map<?, ?> m, String key) {
    @Nullable Object v = m.get(key);
    if (v == null) {
      throw new IllegalArgumentException("missing '" + key + "'");
    }
    return v;
  }

  /** The view as the public type, without on-demand parts. */
  FeatureView toView() {
    FeatureView.Builder b = FeatureView.builder(name).description(description).ttl(ttl);
    for (Field f : entities) {
      b.entity(f.name(), f.type());
    }
    for (StoredFeature f : features) {
      b.feature(f.name(), f.type());
    }
    return b.build();
  }
}
