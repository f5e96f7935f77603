package io.github.mlops4j.features;

import io.github.mlops4j.store.StoreException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
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

  /** Longest stored definition, in characters of JSON (about 100,000 features). */
  static final int MAX_JSON_LENGTH = Json.MAX_LENGTH;

  record StoredFeature(int id, String name, ValueType type) {}

  final String name;
  final String description;
  final List<Field> entities;
  final List<StoredFeature> features;
  final List<StoredFeature> retired;
  final Duration ttl;
  final NanPolicy nanPolicy;
  final long ttlNanos;

  /** Slot (index in {@link #features}) of each feature id, -1 for retired ids. */
  final int[] slotById;

  final Map<String, Integer> slotByName;

  ViewDefinition(
      String name,
      String description,
      List<Field> entities,
      List<StoredFeature> features,
      List<StoredFeature> retired,
      Duration ttl,
      NanPolicy nanPolicy) {
    this.name = name;
    this.nanPolicy = nanPolicy;
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
    return new ViewDefinition(
        view.name(),
        view.description(),
        view.entities(),
        features,
        List.of(),
        view.ttl(),
        view.nanPolicy());
  }

  /**
   * This definition changed to {@code view}: same keys required, features keep their ids (new ones
   * get fresh ids, removed ones are retired), a feature's type may never change.
   *
   * @throws IncompatibleViewException for changed keys or a changed feature type
   */
  ViewDefinition evolve(FeatureView view) {
    if (!entities.equals(view.entities())) {
      String field = firstDifference(entities, view.entities());
      throw new IncompatibleViewException(
          name,
          field,
          "Feature view '"
              + name
              + "' cannot change its entity keys from "
              + entities
              + " to "
              + view.entities()
              + " (first difference: '"
              + field
              + "'): stored rows are keyed by them. Define a new"
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
        throw new IncompatibleViewException(
            name,
            f.name(),
            "Feature '"
                + name
                + ":"
                + f.name()
                + "' cannot change its type from "
                + old.type()
                + " to "
                + f.type()
                + ": stored values have the old type. Add a feature with a new name instead.");
      } else {
        newFeatures.add(old);
      }
    }
    List<StoredFeature> newRetired = new ArrayList<>(known.values());
    newRetired.sort((a, b) -> Integer.compare(a.id(), b.id()));
    ViewDefinition next2 =
        new ViewDefinition(
            name,
            view.description(),
            entities,
            newFeatures,
            newRetired,
            view.ttl(),
            view.nanPolicy());
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
    return name.equals(o.name)
        && description.equals(o.description)
        && entities.equals(o.entities)
        && features.equals(o.features)
        && retired.equals(o.retired)
        && ttl.equals(o.ttl)
        && nanPolicy == o.nanPolicy;
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
    if (nanPolicy != NanPolicy.REJECT) {
      m.put(
          "nanPolicy", nanPolicy.name()); // absent means REJECT, so older definitions read as such
    }
    String json = Json.write(m);
    if (json.length() > MAX_JSON_LENGTH) {
      throw new IllegalArgumentException(
          "Feature view '"
              + name
              + "' has a definition of "
              + json.length()
              + " characters of JSON; at most "
              + MAX_JSON_LENGTH
              + " can be stored (and read back)");
    }
    return json;
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

  /**
   * Reads a stored definition, checking everything {@link FeatureView.Builder} checks (names, key
   * types, duplicates, TTL) and that the feature ids are exactly 1 to the number of live and
   * retired features, each once, retired ones in id order (as {@link #first} and {@link #evolve}
   * write them, so that applying the view read back changes nothing). Strict JSON: duplicate keys,
   * keys this version does not write and the limits of {@link Json} are refused. The memory it
   * takes is bounded by the text's length.
   *
   * @throws StoreException if the text is anything else, with a short message
   */
  static ViewDefinition fromJson(String json) {
    Objects.requireNonNull(json, "json");
    try {
      if (!(Json.parse(json) instanceof Map<?, ?> m)) {
        throw new IllegalArgumentException("not a JSON object");
      }
      long schema = integer(m, "schemaVersion");
      if (schema > SCHEMA_VERSION) {
        throw new StoreException(
            "A feature view definition has schema version "
                + schema
                + " but this mlops4j reads versions up to "
                + SCHEMA_VERSION
                + "; it was written by a newer mlops4j. Upgrade to read it.");
      }
      if (schema < 1) {
        throw new IllegalArgumentException("schema version " + schema + "; versions start at 1");
      }
      onlyKeys(m, TOP_KEYS);
      List<Field> entities = new ArrayList<>();
      for (Map<?, ?> k : objects(m, "entities")) {
        onlyKeys(k, FIELD_KEYS);
        entities.add(new Field(string(k, "name"), type(k)));
      }
      FeatureView.Builder b =
          FeatureView.builder(string(m, "name")).description(string(m, "description"));
      for (Field f : entities) {
        b.entity(f.name(), f.type());
      }
      List<StoredFeature> features = featuresFromJson(m, "features");
      for (StoredFeature f : features) {
        b.feature(f.name(), f.type());
      }
      b.ttl(duration(m, "ttl"));
      if (m.containsKey("nanPolicy")) {
        String policy = string(m, "nanPolicy");
        try {
          b.nanPolicy(NanPolicy.valueOf(policy));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "unknown nanPolicy "
                  + ValueType.abbreviate(policy)
                  + "; known: "
                  + List.of(NanPolicy.values()));
        }
      }
      FeatureView view = b.build();
      List<StoredFeature> retired = featuresFromJson(m, "retired");
      Set<String> names = new HashSet<>();
      entities.forEach(f -> names.add(f.name()));
      features.forEach(f -> names.add(f.name()));
      for (StoredFeature f : retired) {
        if (!names.add(f.name())) {
          throw new IllegalArgumentException(
              "'" + f.name() + "' is used twice in feature view '" + view.name() + "'");
        }
      }
      checkIds(features, retired);
      for (int i = 1; i < retired.size(); i++) {
        if (retired.get(i - 1).id() > retired.get(i).id()) {
          throw new IllegalArgumentException(
              "retired features are not in ascending id order ("
                  + retired.get(i - 1).id()
                  + " before "
                  + retired.get(i).id()
                  + ")");
        }
      }
      return new ViewDefinition(
          view.name(),
          view.description(),
          view.entities(),
          features,
          retired,
          view.ttl(),
          view.nanPolicy());
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new StoreException(
          "Unreadable feature view definition: "
              + e.getMessage()
              + " in "
              + ValueType.abbreviate(json),
          e);
    }
  }

  private static final Set<String> TOP_KEYS =
      Set.of(
          "schemaVersion",
          "name",
          "description",
          "entities",
          "features",
          "retired",
          "ttl",
          "nanPolicy");
  private static final Set<String> FIELD_KEYS = Set.of("name", "type");
  private static final Set<String> FEATURE_KEYS = Set.of("id", "name", "type");

  /** Ids 1 to n (live and retired together), each once: the slot array is sized by n. */
  private static void checkIds(List<StoredFeature> features, List<StoredFeature> retired) {
    int n = features.size() + retired.size();
    boolean[] seen = new boolean[n + 1];
    List<StoredFeature> all = new ArrayList<>(features);
    all.addAll(retired);
    for (StoredFeature f : all) {
      if (f.id() < 1 || f.id() > n) {
        throw new IllegalArgumentException(
            "feature id "
                + f.id()
                + " of '"
                + f.name()
                + "' is outside 1.."
                + n
                + " (ids count up from 1 and are never dropped)");
      }
      if (seen[f.id()]) {
        throw new IllegalArgumentException("feature id " + f.id() + " is used twice");
      }
      seen[f.id()] = true;
    }
  }

  private static List<StoredFeature> featuresFromJson(Map<?, ?> m, String key) {
    List<StoredFeature> out = new ArrayList<>();
    for (Map<?, ?> f : objects(m, key)) {
      onlyKeys(f, FEATURE_KEYS);
      long id = integer(f, "id");
      String name = Names.check(string(f, "name"), "field name");
      ValueType type = type(f);
      if (id < Integer.MIN_VALUE || id > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "feature id " + id + " of '" + name + "' is outside the int range");
      }
      out.add(new StoredFeature((int) id, name, type));
    }
    return out;
  }

  private static void onlyKeys(Map<?, ?> m, Set<String> known) {
    for (Object key : m.keySet()) {
      if (!known.contains(key)) {
        throw new IllegalArgumentException(
            "unknown key " + ValueType.abbreviate(key) + "; expected " + new TreeSet<>(known));
      }
    }
  }

  private static Object required(Map<?, ?> m, String key) {
    @Nullable Object v = m.get(key);
    if (v == null) {
      throw new IllegalArgumentException("missing '" + key + "'");
    }
    return v;
  }

  private static long integer(Map<?, ?> m, String key) {
    Object v = required(m, key);
    if (!(v instanceof Long l)) {
      throw new IllegalArgumentException(
          "'" + key + "' must be an integer, was " + ValueType.abbreviate(v));
    }
    return l;
  }

  private static String string(Map<?, ?> m, String key) {
    Object v = required(m, key);
    if (!(v instanceof String s)) {
      throw new IllegalArgumentException(
          "'" + key + "' must be a string, was " + ValueType.abbreviate(v));
    }
    return s;
  }

  private static ValueType type(Map<?, ?> m) {
    String name = string(m, "type");
    for (ValueType t : ValueType.values()) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "'type' must be one of "
            + Arrays.toString(ValueType.values())
            + ", was "
            + ValueType.abbreviate(name));
  }

  private static Duration duration(Map<?, ?> m, String key) {
    String text = string(m, key);
    try {
      return Duration.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "'" + key + "' is not a duration: " + ValueType.abbreviate(text), e);
    }
  }

  private static List<Map<?, ?>> objects(Map<?, ?> m, String key) {
    Object v = required(m, key);
    if (!(v instanceof List<?> list)) {
      throw new IllegalArgumentException(
          "'" + key + "' must be an array, was " + ValueType.abbreviate(v));
    }
    List<Map<?, ?>> out = new ArrayList<>();
    for (Object o : list) {
      if (!(o instanceof Map<?, ?> item)) {
        throw new IllegalArgumentException(
            "each of '" + key + "' must be an object, was " + ValueType.abbreviate(o));
      }
      out.add(item);
    }
    return out;
  }

  /** The view as the public type, without on-demand parts. */
  FeatureView toView() {
    FeatureView.Builder b =
        FeatureView.builder(name).description(description).ttl(ttl).nanPolicy(nanPolicy);
    for (Field f : entities) {
      b.entity(f.name(), f.type());
    }
    for (StoredFeature f : features) {
      b.feature(f.name(), f.type());
    }
    return b.build();
  }
}
