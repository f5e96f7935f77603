package io.github.mlops4j.features;

import io.github.mlops4j.StoredText;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.store.StoreOptions;
import io.github.mlops4j.store.internal.StoreAccess;
import io.github.mlops4j.store.internal.StoreSource;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Feature lookup in-process: versioned feature views, an offline store of every row written,
 * point-in-time training sets, materialization to an online store and cached online reads, all
 * choosing rows by one as-of rule.
 *
 * <pre>{@code
 * try (FeatureStore features = FeatureStore.open(Path.of("workspace"))) {
 *   features.apply(FeatureView.builder("customer_stats")
 *       .entity("customer_id", ValueType.STRING)
 *       .feature("avg_spend_30d", ValueType.DOUBLE)
 *       .ttl(Duration.ofDays(2))
 *       .build());
 *   features.write("customer_stats", rows);
 *   List<TrainingRow> training = features.historical(spine, List.of("customer_stats:avg_spend_30d"));
 *   features.materialize(Instant.now());
 *   OnlineFeatures online = features.online(Map.of("customer_id", "c1"),
 *       List.of("customer_stats:avg_spend_30d"));
 * }
 * }</pre>
 *
 * <p><b>The as-of rule.</b> For an entity with keys {@code k} and a time {@code T}, the rows of
 * {@code k} with {@code eventTime <= T} (and, with {@link JoinOptions#asOfKnownTime()}, {@code
 * createdTime <= T}) are eligible; the winner is the eligible row with the greatest {@code
 * (eventTime, createdTime, write sequence)}; it is {@link FeatureStatus#EXPIRED} when the view has
 * a TTL and {@code eventTime < T - ttl}. The winner is taken whole: a null value stays null ({@link
 * FeatureStatus#NULL_VALUE}). {@link #historical} applies the rule to each spine row, {@link
 * #materialize} to the online store's rows, {@link #online} at the read time. See {@code
 * docs/features.md}.
 *
 * <p>Thread-safe. Definitions applied by other processes are picked up by {@link #refresh()}, and
 * automatically when an unknown view or feature is referenced: that reads a counter of stored
 * definition changes (one small query) and reloads the definitions only when it moved since they
 * were loaded, so repeated unknown names cost no reload and no lock, and a view applied elsewhere
 * is found by the first call that names it.
 *
 * @since 0.1.0
 */
public final class FeatureStore implements AutoCloseable {
  private final Store store;
  private final boolean ownsStore;
  private final FeatureDao dao;
  private final Clock clock;
  private final OnlineStore onlineStore;
  private final @Nullable JdbcOnlineStore embeddedOnline;
  private final OnlineCache cache;
  private final @Nullable Executor executor;
  private final Map<String, LookupCounters> counters = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Full reloads of the definitions, for tests. */
  private final AtomicLong reloads = new AtomicLong();

  /** In-process parts, by view name: the last applied view (for its on-demand features). */
  private final Map<String, FeatureView> attached = new HashMap<>();

  private final Map<String, OnDemandView> onDemandViews = new HashMap<>();
  private volatile Snapshot snapshot = Snapshot.EMPTY;

  private FeatureStore(Builder b, Store store, boolean ownsStore) {
    this.store = store;
    this.ownsStore = ownsStore;
    this.clock = b.clock;
    this.executor = b.executor;
    try {
      StoreAccess.migrate(store, FeatureDao.COMPONENT, FeatureDao.SCHEMA_VERSION);
      this.dao = new FeatureDao(store);
      if (b.onlineStore != null) {
        this.onlineStore = b.onlineStore;
        this.embeddedOnline = null;
      } else {
        JdbcOnlineStore embedded = new JdbcOnlineStore(store, name -> requireView(name).id);
        this.onlineStore = embedded;
        this.embeddedOnline = embedded;
      }
      this.cache =
          new OnlineCache(
              b.cacheMaximumSize,
              b.cacheMaxStaleness,
              clock,
              id -> snapshot.byId.get(id),
              this::readOnline);
      reload();
    } catch (RuntimeException e) {
      if (ownsStore) {
        store.close();
      }
      throw e;
    }
  }

  /** Opens (creating if needed) the embedded workspace at {@code workspace}. */
  public static FeatureStore open(Path workspace) {
    return builder().workspace(workspace).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The workspace store, for sharing with other mlops4j services. */
  public Store store() {
    return store;
  }

  // ---------------------------------------------------------------- definitions

  /**
   * Stores {@code view}'s definition as a new version when it differs from the current one (an
   * identical definition is a no-op), and registers its on-demand features in this process. Adding
   * features, removing features, changing the TTL or the description are compatible changes.
   *
   * @throws IncompatibleViewException if the entity keys or a feature's type changed
   * @throws IllegalArgumentException if an on-demand view has this name
   */
  public AppliedView apply(FeatureView view) {
    checkOpen();
    Objects.requireNonNull(view, "view");
    synchronized (this) {
      if (onDemandViews.containsKey(view.name())) {
        throw new IllegalArgumentException("'" + view.name() + "' is an on-demand view");
      }
      FeatureDao.Applied applied = dao.apply(view, now());
      attached.put(view.name(), view);
      reload();
      return new AppliedView(view.name(), applied.view().version(), applied.changed());
    }
  }

  /**
   * Registers an on-demand view in this process (it is not stored).
   *
   * @throws UnknownFeatureException if an input is not a stored feature
   * @throws IllegalArgumentException if a stored view has this name
   */
  public void apply(OnDemandView view) {
    checkOpen();
    Objects.requireNonNull(view, "view");
    synchronized (this) {
      reload();
      Snapshot s = snapshot;
      if (s.views.containsKey(view.name())) {
        throw new IllegalArgumentException("'" + view.name() + "' is a stored feature view");
      }
      Map<String, OnDemandView> candidate = new HashMap<>(onDemandViews);
      candidate.put(view.name(), view);
      List<String> refs = new ArrayList<>();
      for (OnDemandFeature f : view.features()) {
        refs.add(view.name() + FeatureRef.SEPARATOR + f.name());
      }
      Plan.compile(refs, s.views, candidate); // checks the inputs
      onDemandViews.put(view.name(), view);
      snapshot = s.with(Map.copyOf(onDemandViews));
    }
  }

  /** The current definitions of all views (with this process's on-demand features), by name. */
  public List<FeatureView> views() {
    checkOpen();
    List<FeatureView> out = new ArrayList<>();
    for (ViewState v : new TreeMap<>(snapshot.views).values()) {
      out.add(v.toView());
    }
    return out;
  }

  /** The current definition of a view, if it exists. */
  public Optional<FeatureView> view(String name) {
    checkOpen();
    ViewState v = findView(name);
    return v == null ? Optional.empty() : Optional.of(v.toView());
  }

  /** Every stored version of a view's definition, oldest first (stored parts only). */
  public List<FeatureView> versions(String name) {
    checkOpen();
    List<FeatureView> out = new ArrayList<>();
    for (ViewDefinition d : dao.history(requireView(name).id)) {
      out.add(d.toView());
    }
    return out;
  }

  /** Reloads definitions from the store, to see views applied by other processes. */
  public void refresh() {
    checkOpen();
    synchronized (this) {
      reload();
    }
  }

  private synchronized void reload() {
    reloads.incrementAndGet();
    // the counter first: a change committed in between is then seen again by the next check
    long generation = dao.generation();
    Map<String, ViewState> views = new HashMap<>();
    for (FeatureDao.StoredView sv : dao.loadViews()) {
      ViewDefinition def = sv.definition();
      FeatureView local = attached.get(def.name);
      LookupCounters c = counters.computeIfAbsent(def.name, n -> new LookupCounters());
      views.put(
          def.name,
          local == null
              ? new ViewState(sv.id(), sv.version(), def, List.of(), List.of(), c)
              : new ViewState(
                  sv.id(), sv.version(), def, local.requestFields(), local.onDemandFeatures(), c));
    }
    Snapshot old = snapshot;
    snapshot = new Snapshot(views, Map.copyOf(onDemandViews), generation);
    for (ViewState v : views.values()) {
      ViewState before = old.views.get(v.name);
      if (before != null && before.version != v.version) {
        cache.invalidateAll();
        break;
      }
    }
  }

  /**
   * Reloads the definitions if the store's change counter moved since they were loaded; called when
   * a name is unknown. Without a change it costs one small query, and takes no lock.
   */
  private void refreshIfChanged() {
    checkOpen();
    long generation = dao.generation();
    if (generation != snapshot.generation) {
      synchronized (this) {
        if (generation > snapshot.generation) {
          reload();
        }
      }
    }
  }

  /** Full reloads of the definitions so far (at open, apply, refresh and after a change). */
  long reloadCount() {
    return reloads.get();
  }

  private @Nullable ViewState findView(String name) {
    ViewState v = snapshot.views.get(name);
    if (v == null) {
      refreshIfChanged();
      v = snapshot.views.get(name);
    }
    return v;
  }

  private ViewState requireView(String name) {
    Objects.requireNonNull(name, "view");
    ViewState v = findView(name);
    if (v == null) {
      Set<String> known = new java.util.TreeSet<>(snapshot.views.keySet());
      throw UnknownFeatureException.view(name, known);
    }
    return v;
  }

  private Plan plan(List<String> refs) {
    Objects.requireNonNull(refs, "features");
    Snapshot s = snapshot;
    try {
      return s.plan(refs);
    } catch (UnknownFeatureException e) {
      refreshIfChanged();
      return snapshot.plan(refs);
    }
  }

  // ---------------------------------------------------------------- writes

  /**
   * Stores rows in the offline store, in one transaction. Rows get consecutive write sequences in
   * list order (the last tie-breaker). Rows whose event time is at or before the view's watermark
   * (late data) also update the online store in the same transaction, so materialization never
   * misses them; an older row never replaces a newer one there.
   *
   * @throws FeatureDataException naming the row and field of the first bad row; nothing is stored
   * @throws UnknownFeatureException if the view does not exist
   */
  public WriteResult write(String view, List<FeatureRow> rows) {
    checkOpen();
    Objects.requireNonNull(rows, "rows");
    ViewState v = requireView(view);
    long now = now();
    int n = rows.size();
    EntityKey[] keys = new EntityKey[n];
    long[] events = new long[n];
    long[] created = new long[n];
    byte[][] values = new byte[n][];
    for (int i = 0; i < n; i++) {
      FeatureRow row = Objects.requireNonNull(rows.get(i), "row");
      keys[i] = encodeKey(v, row.keys(), i, true);
      events[i] = time(v.name, "eventTime", i, row.eventTime());
      created[i] =
          row.createdTime() == null ? now : time(v.name, "createdTime", i, row.createdTime());
      values[i] = encodeValues(v, row.values(), i, row.keys());
    }
    if (n == 0) {
      return new WriteResult(v.name, 0, 0, 0);
    }
    List<SourceRow> late = new ArrayList<>();
    long first =
        StoreAccess.write(
            store,
            c -> {
              late.clear();
              FeatureDao.ViewLock lock = dao.lock(c, v.id);
              long firstSeq = lock.lastSeq() + 1;
              SourceRow[] stored = new SourceRow[n];
              for (int i = 0; i < n; i++) {
                stored[i] = new SourceRow(keys[i], events[i], created[i], firstSeq + i, values[i]);
              }
              SourceRow[] byKey = stored.clone();
              java.util.Arrays.sort(byKey, (a, b) -> a.key.compareTo(b.key));
              dao.insertRows(c, v.id, java.util.Arrays.asList(byKey));
              Long newest = lock.newestEvent();
              Long watermark = lock.watermark();
              if (watermark != null) {
                late.addAll(winners(byKey, watermark, true));
                for (SourceRow r : late) {
                  newest = newest == null ? r.event : Math.max(newest, r.event);
                }
                if (embeddedOnline != null && !late.isEmpty()) {
                  embeddedOnline.upsert(c, v.id, late);
                }
              }
              dao.updateView(c, v.id, firstSeq + n - 1, watermark, newest, null);
              return firstSeq;
            });
    afterOnlineChange(v, late, embeddedOnline == null);
    return new WriteResult(v.name, n, first, late.size());
  }

  /**
   * The winner per key (the same as-of rule, at {@code t}) among rows sorted by key, considering
   * only rows with {@code event <= t} when {@code onlyUpToT}.
   */
  private static List<SourceRow> winners(SourceRow[] byKey, long t, boolean onlyUpToT) {
    List<SourceRow> out = new ArrayList<>();
    AsOf.Timeline timeline = new AsOf.Timeline(false);
    for (int i = 0; i < byKey.length; ) {
      EntityKey key = byKey[i].key;
      timeline.reset();
      int j = i;
      for (; j < byKey.length && byKey[j].key.equals(key); j++) {
        if (!onlyUpToT || byKey[j].event <= t) {
          timeline.add(byKey[j], t);
        }
      }
      SourceRow w = timeline.winner();
      if (w != null) {
        out.add(w);
      }
      i = j;
    }
    return out;
  }

  private void afterOnlineChange(ViewState v, List<SourceRow> rows, boolean external) {
    if (rows.isEmpty()) {
      return;
    }
    if (external) {
      List<OnlineRecord> records = new ArrayList<>(rows.size());
      for (SourceRow r : rows) {
        records.add(OnlineRecord.of(r));
      }
      onlineStore.write(v.name, records);
    }
    List<EntityKey> keys = new ArrayList<>(rows.size());
    for (SourceRow r : rows) {
      keys.add(r.key);
    }
    cache.invalidate(v.id, keys);
  }

  private long now() {
    Instant t = clock.instant();
    if (!Timestamps.inRange(t)) {
      throw new IllegalStateException("The store's clock says " + Timestamps.rangeMessage(t));
    }
    return Timestamps.toNanos(t);
  }

  private static long time(String view, String field, int row, @Nullable Instant t) {
    if (t == null) {
      throw new FeatureDataException(view, field, row, "missing " + field);
    }
    if (!Timestamps.inRange(t)) {
      throw new FeatureDataException(view, field, row, Timestamps.rangeMessage(t));
    }
    return Timestamps.toNanos(t);
  }

  /** Encodes a row's entity key, checking presence and types. */
  private static EntityKey encodeKey(
      ViewState v, Map<String, ? extends @Nullable Object> columns, int row, boolean onlyKeys) {
    if (v.singleStringKey) {
      Field key = v.def.entities.get(0);
      Object value = columns.get(key.name());
      if (value instanceof String s && (!onlyKeys || columns.size() == 1)) {
        return KeyCodec.encodeString(checkText(v, key.name(), row, s, "entity key"));
      }
    }
    return KeyCodec.encode(v.def.entities, canonicalKey(v, columns, row, onlyKeys));
  }

  /**
   * A row's key values in key order, checked and widened to their canonical types; with {@code
   * onlyKeys}, other columns are refused too.
   */
  private static Object[] canonicalKey(
      ViewState v, Map<String, ? extends @Nullable Object> columns, int row, boolean onlyKeys) {
    List<Field> fields = v.def.entities;
    Object[] canonical = new Object[fields.size()];
    for (int i = 0; i < canonical.length; i++) {
      Field f = fields.get(i);
      Object value = columns.get(f.name());
      if (value == null) {
        throw new FeatureDataException(
            v.name,
            f.name(),
            row,
            (columns.containsKey(f.name()) ? "null entity key" : "missing entity key")
                + " ("
                + f.type()
                + "); the keys of '"
                + v.name
                + "' are "
                + fields);
      }
      Object c = f.type().canonical(value);
      if (c == null) {
        throw new FeatureDataException(
            v.name, f.name(), row, "entity key " + f.type().mismatch(value));
      }
      if (c instanceof String s) {
        checkText(v, f.name(), row, s, "entity key");
      }
      canonical[i] = c;
    }
    if (onlyKeys && columns.size() != fields.size()) {
      for (String name : columns.keySet()) {
        if (FeatureView.find(fields, name) == null) {
          throw new FeatureDataException(
              v.name, name, row, "not an entity key of '" + v.name + "'; its keys are " + fields);
        }
      }
    }
    return canonical;
  }

  /**
   * Refuses a string with a lone UTF-16 surrogate ({@link StoredText}): stored as UTF-8 it would
   * turn into {@code '?'} and name another entity or value.
   */
  private static String checkText(ViewState v, String field, int row, String value, String what) {
    try {
      return StoredText.check(value, what);
    } catch (IllegalArgumentException e) {
      throw new FeatureDataException(v.name, field, row, e.getMessage(), e);
    }
  }

  private static byte[] encodeValues(
      ViewState v, Map<String, @Nullable Object> values, int row, Map<String, ?> key) {
    List<ViewDefinition.StoredFeature> features = v.def.features;
    @Nullable Object[] canonical = new Object[features.size()];
    for (Map.Entry<String, @Nullable Object> e : values.entrySet()) {
      Integer slot = v.def.slotByName.get(e.getKey());
      if (slot == null) {
        throw new FeatureDataException(
            v.name,
            e.getKey(),
            row,
            v.onDemand.containsKey(e.getKey())
                ? "is an on-demand feature, computed when read; it cannot be written"
                : "unknown feature; the features of '"
                    + v.name
                    + "' are "
                    + v.def.features.stream().map(ViewDefinition.StoredFeature::name).toList());
      }
      Object value = e.getValue();
      if (value != null) {
        ValueType type = features.get(slot).type();
        Object c = type.canonical(value);
        if (c == null) {
          throw new FeatureDataException(v.name, e.getKey(), row, "value " + type.mismatch(value));
        }
        if (c instanceof String s) {
          checkText(v, e.getKey(), row, s, "value");
        }
        if (c instanceof Double d && d.isNaN()) {
          switch (v.def.nanPolicy) {
            case REJECT ->
                throw new FeatureDataException(
                    v.name,
                    e.getKey(),
                    row,
                    "NaN for entity "
                        + ValueType.abbreviate(String.valueOf(key))
                        + "; view '"
                        + v.name
                        + "' refuses NaN"
                        + " (NanPolicy.REJECT, the default) and nothing of this write was stored. Write"
                        + " no value (null) for a missing one, or declare the view with"
                        + " nanPolicy(NanPolicy.MISSING) or nanPolicy(NanPolicy.KEEP)");
            case MISSING -> c = null;
            case KEEP -> {}
          }
        }
        canonical[slot] = c;
      }
    }
    return ValueCodec.encode(features, canonical);
  }

  // ---------------------------------------------------------------- historical

  /** {@link #historical(List, List, JoinOptions)} with {@link JoinOptions#defaults()}. */
  public List<TrainingRow> historical(List<EntityRow> spine, List<String> features) {
    return historical(spine, features, JoinOptions.defaults());
  }

  /**
   * A point-in-time training set: exactly one row per spine row, in spine order (duplicates kept),
   * each with the requested features as of the spine row's timestamp. Each view is joined
   * independently by a sort-merge over its stored rows (no query per spine row); the result does
   * not depend on the order the features are listed in.
   *
   * @param spine entity rows: key columns of every view involved, a timestamp, extra columns
   * @param features {@code "view:feature"} references
   * @throws FeatureDataException naming the row and field of a spine row without a timestamp, with
   *     a missing or mistyped key, or missing a request field of an on-demand feature
   * @throws UnknownFeatureException for an unknown view or feature
   */
  public List<TrainingRow> historical(
      List<EntityRow> spine, List<String> features, JoinOptions options) {
    checkOpen();
    Objects.requireNonNull(spine, "spine");
    Objects.requireNonNull(options, "options");
    Plan plan = plan(features);
    int n = spine.size();
    long[] times = new long[n];
    for (int i = 0; i < n; i++) {
      EntityRow row = Objects.requireNonNull(spine.get(i), "spine row");
      times[i] = time("", "timestamp", i, row.timestamp());
    }
    // One sorted spine per entity-key schema, shared by the views keyed the same way.
    Map<List<Field>, PointInTimeJoin.Spine> spines = new HashMap<>();
    for (Plan.ViewPlan vp : plan.views) {
      if (!spines.containsKey(vp.view.def.entities)) {
        spines.put(vp.view.def.entities, spineOf(vp.view, spine, times));
      }
    }
    FeatureValue[][] rows = new FeatureValue[n][plan.width];
    List<CompletableFuture<Void>> joins = new ArrayList<>();
    for (Plan.ViewPlan vp : plan.views) {
      PointInTimeJoin.Spine sorted = spines.get(vp.view.def.entities);
      long ttl = options.ttl(vp.view.name).map(Duration::toNanos).orElse(vp.view.def.ttlNanos);
      Runnable join = () -> joinView(vp, sorted, ttl, options.asOfKnownTime(), rows);
      if (executor == null || plan.views.length == 1) {
        join.run();
      } else {
        joins.add(CompletableFuture.runAsync(join, executor));
      }
    }
    try {
      CompletableFuture.allOf(joins.toArray(new CompletableFuture<?>[0])).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
    List<TrainingRow> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      EntityRow row = spine.get(i);
      if (plan.onDemand.length > 0) {
        plan.evaluate(rows[i], Objects.requireNonNull(row.timestamp()), row.columns(), i);
      }
      out.add(new TrainingRow(row, plan.columns, rows[i]));
    }
    return out;
  }

  /**
   * Sorts the spine by one view's entity keys: keys are checked, hashed by their canonical values
   * and encoded once per distinct entity.
   */
  private static PointInTimeJoin.Spine spineOf(ViewState v, List<EntityRow> spine, long[] times) {
    List<Field> fields = v.def.entities;
    int n = spine.size();
    Map<Object, Integer> ids = new HashMap<>();
    List<EntityKey> distinct = new ArrayList<>();
    int[] keyId = new int[n];
    for (int i = 0; i < n; i++) {
      Object[] canonical = canonicalKey(v, spine.get(i).columns(), i, false);
      Object hashKey = canonical.length == 1 ? canonical[0] : java.util.Arrays.asList(canonical);
      Integer id = ids.get(hashKey);
      if (id == null) {
        id = distinct.size();
        ids.put(hashKey, id);
        distinct.add(KeyCodec.encode(fields, canonical));
      }
      keyId[i] = id;
    }
    return PointInTimeJoin.spine(keyId, distinct, times);
  }

  private void joinView(
      Plan.ViewPlan vp,
      PointInTimeJoin.Spine spine,
      long ttl,
      boolean asOfKnownTime,
      FeatureValue[][] rows) {
    ViewState v = vp.view;
    long[] times = spine.times;
    SourceRow[] winners =
        StoreAccess.read(
            store, c -> PointInTimeJoin.join(spine, asOfKnownTime, dao.joinSource(c, v.id)));
    for (int i = 0; i < winners.length; i++) {
      SourceRow w = winners[i];
      FeatureValue[] row = rows[i];
      if (w == null) {
        for (int col : vp.cols) {
          row[col] = FeatureValue.NOT_FOUND;
        }
      } else if (AsOf.expired(w.event, times[i], ttl)) {
        FeatureValue e = w.expired;
        if (e == null) {
          e = FeatureValue.expired(Timestamps.ofNanos(w.event));
          w.expired = e;
        }
        for (int col : vp.cols) {
          row[col] = e;
        }
      } else {
        FeatureValue[] decoded = w.decoded;
        if (decoded == null) {
          decoded = decode(v, vp, w);
          w.decoded = decoded;
        }
        for (int j = 0; j < vp.cols.length; j++) {
          row[vp.cols[j]] = decoded[j];
        }
      }
    }
  }

  /** The plan's features of one row, in plan order. */
  private static FeatureValue[] decode(ViewState v, Plan.ViewPlan vp, SourceRow w) {
    @Nullable Object[] all;
    try {
      all = ValueCodec.decode(v.def, w.values);
    } catch (RuntimeException e) {
      throw new FeatureException(
          v.name,
          null,
          -1,
          "Unreadable stored row " + w + " of view '" + v.name + "': " + e.getMessage(),
          e);
    }
    Instant event = Timestamps.ofNanos(w.event);
    FeatureValue[] out = new FeatureValue[vp.slots.length];
    for (int j = 0; j < out.length; j++) {
      out[j] = FeatureValue.of(all[vp.slots[j]], event);
    }
    return out;
  }

  // ---------------------------------------------------------------- materialization

  /**
   * Materializes every view incrementally up to {@code to}: for each view, the stored rows with
   * event times in (watermark, to] (all rows up to {@code to} the first time) are resolved to the
   * newest per entity and offered to the online store, and the watermark becomes {@code to}, in one
   * transaction per view. A crash leaves each view at its previous or its new watermark, so calling
   * again resumes. A view already at or past {@code to} is left alone.
   *
   * @throws IllegalArgumentException if {@code to} is after the store clock's now (a future
   *     watermark would let rows written later with earlier event times skip the online store)
   */
  public List<Materialization> materialize(Instant to) {
    return materialize(null, to);
  }

  /**
   * Like {@link #materialize(Instant)}, but a view's first materialization starts at {@code from}
   * (inclusive): older rows are not loaded, so entities whose newest row is older than {@code from}
   * read {@link FeatureStatus#NOT_FOUND} online until they get a newer row. Pick {@code from <= to
   * - ttl} to skip only rows that would read {@link FeatureStatus#EXPIRED} anyway. Views that
   * already have a watermark resume from it.
   *
   * @throws IllegalArgumentException if {@code from > to}, if {@code to} is in the future, or if
   *     {@code from} is after a view's watermark (that would skip the rows in between)
   */
  public List<Materialization> materialize(@Nullable Instant from, Instant to) {
    checkOpen();
    Objects.requireNonNull(to, "to");
    Instant now = clock.instant();
    if (to.isAfter(now)) {
      throw new IllegalArgumentException(
          "Watermark 'to' = "
              + to
              + " is in the future (now is "
              + now
              + "): rows written later with earlier event times would never be materialized."
              + " Materialize up to now or earlier.");
    }
    if (!Timestamps.inRange(to)) {
      throw new IllegalArgumentException("Watermark 'to': " + Timestamps.rangeMessage(to));
    }
    if (from != null) {
      if (from.isAfter(to)) {
        throw new IllegalArgumentException("Watermark 'from' = " + from + " is after 'to' = " + to);
      }
      if (!Timestamps.inRange(from)) {
        throw new IllegalArgumentException("Watermark 'from': " + Timestamps.rangeMessage(from));
      }
    }
    refresh();
    List<Materialization> out = new ArrayList<>();
    for (ViewState v : new TreeMap<>(snapshot.views).values()) {
      out.add(
          materializeView(
              v, from == null ? null : Timestamps.toNanos(from), Timestamps.toNanos(to)));
    }
    return out;
  }

  private Materialization materializeView(ViewState v, @Nullable Long from, long to) {
    List<SourceRow> written = new ArrayList<>();
    long nowNanos = now();
    Materialization m =
        StoreAccess.write(
            store,
            c -> {
              written.clear();
              FeatureDao.ViewLock lock = dao.lock(c, v.id);
              Long watermark = lock.watermark();
              Instant previous = watermark == null ? null : Timestamps.ofNanos(watermark);
              if (watermark != null) {
                if (from != null && from > watermark) {
                  throw new IllegalArgumentException(
                      "Watermark 'from' = "
                          + Timestamps.ofNanos(from)
                          + " is after the watermark "
                          + previous
                          + " of view '"
                          + v.name
                          + "': the rows"
                          + " in between would never be materialized. Pass from <= "
                          + previous
                          + " or call materialize(to).");
                }
                if (to <= watermark) {
                  return new Materialization(v.name, previous, previous, 0, 0);
                }
              }
              Long lower = watermark != null ? watermark : from;
              boolean inclusive = watermark == null;
              long[] counts = new long[2];
              long[] newest = {lock.newestEvent() == null ? Long.MIN_VALUE : lock.newestEvent()};
              List<SourceRow> batch = new ArrayList<>();
              AsOf.Timeline timeline = new AsOf.Timeline(false);
              EntityKey[] current = {null};
              FeatureDao.SqlAction flush =
                  () -> {
                    SourceRow w = timeline.winner();
                    if (w != null) {
                      batch.add(w);
                      written.add(w);
                      newest[0] = Math.max(newest[0], w.event);
                      counts[1]++;
                    }
                    timeline.reset();
                    if (batch.size() >= 5_000) {
                      offerOnline(c, v, batch);
                      batch.clear();
                    }
                  };
              dao.scanRange(
                  c,
                  v.id,
                  lower,
                  inclusive,
                  to,
                  row -> {
                    if (current[0] != null && !current[0].equals(row.key)) {
                      flush.run();
                    }
                    current[0] = row.key;
                    timeline.add(row, to);
                    counts[0]++;
                  });
              flush.run();
              offerOnline(c, v, batch);
              dao.updateView(
                  c,
                  v.id,
                  lock.lastSeq(),
                  to,
                  newest[0] == Long.MIN_VALUE ? null : newest[0],
                  nowNanos);
              return new Materialization(
                  v.name, previous, Timestamps.ofNanos(to), counts[0], counts[1]);
            });
    List<EntityKey> keys = new ArrayList<>(written.size());
    for (SourceRow r : written) {
      keys.add(r.key);
    }
    if (keys.size() > 100_000) {
      cache.invalidateAll();
    } else {
      cache.invalidate(v.id, keys);
    }
    return m;
  }

  /**
   * Offers rows to the online store inside a materialization transaction: the embedded store joins
   * the transaction; another store is written at once (its writes are idempotent and keep the
   * newest row, so a retried or failed transaction cannot make it go back in time).
   */
  private void offerOnline(java.sql.Connection c, ViewState v, List<SourceRow> rows)
      throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    if (embeddedOnline != null) {
      embeddedOnline.upsert(c, v.id, rows);
    } else {
      List<OnlineRecord> records = new ArrayList<>(rows.size());
      for (SourceRow r : rows) {
        records.add(OnlineRecord.of(r));
      }
      onlineStore.write(v.name, records);
    }
  }

  // ---------------------------------------------------------------- online

  /** {@link #online(List, List)} for one request row. */
  public OnlineFeatures online(Map<String, ?> row, List<String> features) {
    return online(List.of(row), features);
  }

  /**
   * Reads features for request rows at the store clock's now ({@code T}), by the same rule as a
   * training row at {@code T}: the newest materialized row of each entity, {@link
   * FeatureStatus#EXPIRED} when {@code eventTime < T - ttl}, {@link FeatureStatus#NOT_FOUND}
   * without one. Rows come from the cache, or the online store on a miss.
   *
   * @param rows per request row: the key columns of every view involved, and request fields of
   *     on-demand features; other columns are ignored
   * @param features {@code "view:feature"} references
   * @throws FeatureDataException naming the row and field of a missing or mistyped key or request
   *     field
   * @throws UnknownFeatureException for an unknown view or feature
   */
  public OnlineFeatures online(List<? extends Map<String, ?>> rows, List<String> features) {
    checkOpen();
    Objects.requireNonNull(rows, "rows");
    Plan plan = plan(features);
    Instant readTime = clock.instant();
    long t = Timestamps.toNanosSaturated(readTime);
    int n = rows.size();
    int width = plan.width;
    FeatureValue[] out = new FeatureValue[n * width];
    for (Plan.ViewPlan vp : plan.views) {
      ViewState v = vp.view;
      OnlineCache.Entry[] entries;
      if (n == 1) {
        entries = new OnlineCache.Entry[] {cache.get(v, encodeKey(v, rows.get(0), 0, false))};
      } else {
        EntityKey[] keys = new EntityKey[n];
        for (int i = 0; i < n; i++) {
          keys[i] = encodeKey(v, rows.get(i), i, false);
        }
        entries = cache.getAll(v, keys);
      }
      long present = 0;
      long nulls = 0;
      long notFound = 0;
      long expired = 0;
      int[] slots = vp.slots;
      int[] cols = vp.cols;
      for (int i = 0; i < n; i++) {
        OnlineCache.Entry e = entries[i];
        int base = i * width;
        if (!e.found || e.event > t) {
          for (int col : cols) {
            out[base + col] = FeatureValue.NOT_FOUND;
          }
          notFound++;
        } else if (AsOf.expired(e.event, t, v.def.ttlNanos)) {
          FeatureValue x = e.expired;
          for (int col : cols) {
            out[base + col] = x;
          }
          expired++;
        } else {
          FeatureValue[] values = e.values;
          for (int j = 0; j < slots.length; j++) {
            out[base + cols[j]] = values[slots[j]];
          }
          nulls += vp.requestedNulls(e.nullSlots);
          present++;
        }
      }
      LookupCounters c = v.counters;
      int perEntity = vp.requested;
      if (perEntity > 0) {
        if (present > 0) {
          c.present.add(present * perEntity - nulls);
        }
        if (nulls > 0) {
          c.nullValue.add(nulls);
        }
        if (notFound > 0) {
          c.notFound.add(notFound * perEntity);
        }
        if (expired > 0) {
          c.expired.add(expired * perEntity);
        }
      }
    }
    if (plan.onDemand.length > 0) {
      FeatureValue[] row = new FeatureValue[width];
      for (int i = 0; i < n; i++) {
        System.arraycopy(out, i * width, row, 0, width);
        plan.evaluate(row, readTime, rows.get(i), i);
        System.arraycopy(row, 0, out, i * width, width);
      }
    }
    return new OnlineFeatures(plan.columns, width, n, out, readTime);
  }

  private Map<EntityKey, SourceRow> readOnline(ViewState view, Collection<EntityKey> keys) {
    if (embeddedOnline != null) {
      return embeddedOnline.readRows(view.id, keys);
    }
    Map<EntityKey, SourceRow> out = new HashMap<>();
    onlineStore.read(view.name, keys).forEach((k, r) -> out.put(k, r.toRow()));
    return out;
  }

  // ---------------------------------------------------------------- freshness

  /** Freshness of every view, by name. */
  public List<FeatureFreshness> freshness() {
    checkOpen();
    Instant now = clock.instant();
    List<FeatureFreshness> out = new ArrayList<>();
    for (FeatureDao.Freshness f : dao.freshness()) {
      LookupCounters c = counters.computeIfAbsent(f.name(), n -> new LookupCounters());
      Instant newest = f.newestEvent() == null ? null : Timestamps.ofNanos(f.newestEvent());
      out.add(
          new FeatureFreshness(
              f.name(),
              f.watermark() == null ? null : Timestamps.ofNanos(f.watermark()),
              newest,
              newest == null ? null : Duration.between(newest, now),
              c.present.sum(),
              c.nullValue.sum(),
              c.notFound.sum(),
              c.expired.sum()));
    }
    return out;
  }

  /**
   * Freshness of one view.
   *
   * @throws UnknownFeatureException if the view does not exist
   */
  public FeatureFreshness freshness(String view) {
    requireView(view);
    for (FeatureFreshness f : freshness()) {
      if (f.view().equals(view)) {
        return f;
      }
    }
    throw UnknownFeatureException.view(view, snapshot.views.keySet());
  }

  // ---------------------------------------------------------------- lifecycle

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("The feature store has been closed");
    }
  }

  /** Releases the cache and, if this feature store opened it, the workspace store. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      cache.invalidateAll();
      if (ownsStore) {
        store.close();
      }
    }
  }

  /** An immutable view of the definitions, swapped whole when they change. */
  static final class Snapshot {
    static final Snapshot EMPTY = new Snapshot(Map.of(), Map.of(), -1);
    private static final int MAX_PLANS = 1_024;

    final Map<String, ViewState> views;
    final Map<Long, ViewState> byId;
    final Map<String, OnDemandView> onDemandViews;

    /** {@link FeatureDao#generation()} read just before {@link #views} were loaded. */
    final long generation;

    private final Map<List<String>, Plan> plans = new ConcurrentHashMap<>();

    Snapshot(
        Map<String, ViewState> views, Map<String, OnDemandView> onDemandViews, long generation) {
      this.generation = generation;
      this.views = Map.copyOf(views);
      Map<Long, ViewState> ids = new HashMap<>();
      for (ViewState v : views.values()) {
        ids.put(v.id, v);
      }
      this.byId = Map.copyOf(ids);
      this.onDemandViews = onDemandViews;
    }

    Snapshot with(Map<String, OnDemandView> onDemand) {
      return new Snapshot(views, onDemand, generation);
    }

    Plan plan(List<String> refs) {
      Plan p = plans.get(refs);
      if (p == null) {
        List<String> key = List.copyOf(refs);
        p = Plan.compile(key, views, onDemandViews);
        if (plans.size() < MAX_PLANS) {
          plans.putIfAbsent(key, p);
        }
      }
      return p;
    }
  }

  /** Configures a {@link FeatureStore}; setters check their arguments at once. */
  public static final class Builder extends StoreOptions<Builder> {
    private Clock clock = Clock.systemUTC();
    private @Nullable OnlineStore onlineStore;
    private long cacheMaximumSize = 100_000;
    private Duration cacheMaxStaleness = Duration.ofMinutes(1);
    private @Nullable Executor executor;

    private Builder() {}

    @Override
    protected Builder self() {
      return this;
    }

    /**
     * The clock of online reads ({@code T}), created times of rows written without one, TTL expiry
     * of cache entries and the future-watermark check (default: system UTC).
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Another online store (default: table {@code feature_online} of the workspace store). The
     * feature store does not close it. Unlike the embedded store it cannot join the store's
     * transactions: it is written after the offline rows commit, and materialization writes it
     * before the watermark commits.
     */
    public Builder onlineStore(OnlineStore onlineStore) {
      this.onlineStore = Objects.requireNonNull(onlineStore, "onlineStore");
      return this;
    }

    /** Most (view, entity) entries the online cache holds (default 100,000). */
    public Builder cacheMaximumSize(long entries) {
      if (entries < 0) {
        throw new IllegalArgumentException("cacheMaximumSize must be >= 0, was " + entries);
      }
      this.cacheMaximumSize = entries;
      return this;
    }

    /**
     * Longest time a cache entry is kept without re-reading the online store (default 1 min).
     * Writes of this process invalidate at once; this bounds how long writes of other processes
     * stay unseen.
     */
    public Builder cacheMaxStaleness(Duration maxStaleness) {
      Objects.requireNonNull(maxStaleness, "cacheMaxStaleness");
      if (maxStaleness.isNegative()) {
        throw new IllegalArgumentException(
            "cacheMaxStaleness must not be negative, was " + maxStaleness);
      }
      this.cacheMaxStaleness = maxStaleness;
      return this;
    }

    /**
     * Runs the joins of different views of one training set in parallel (default: one after the
     * other on the calling thread). Each view's join reads through its own store connection.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    public FeatureStore build() {
      StoreSource.Opened opened = StoreAccess.openStore(this);
      return new FeatureStore(this, opened.store(), opened.owned());
    }
  }
}
