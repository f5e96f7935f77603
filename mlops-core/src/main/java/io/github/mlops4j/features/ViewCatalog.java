package io.github.mlops4j.features;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The view catalog behind {@link FeatureStore}: the stored definitions as an immutable {@link
 * Snapshot} swapped whole when they change, the on-demand views and in-process parts applied in
 * this process, the lookup counters per view, and the compiled plans of feature references.
 *
 * <p>Definitions applied by other processes are picked up by {@link #refresh()}, and when a name is
 * unknown: that reads the store's counter of definition changes and reloads only when it moved.
 */
final class ViewCatalog {
  private final FeatureDao dao;
  private final AtomicBoolean closed;

  /** Called after a reload in which a view's version changed (the online cache is dropped). */
  private final Runnable onVersionChange;

  private final Map<String, LookupCounters> counters = new ConcurrentHashMap<>();

  /** Full reloads of the definitions, for tests. */
  private final AtomicLong reloads = new AtomicLong();

  /** In-process parts, by view name: the last applied view (for its on-demand features). */
  private final Map<String, FeatureView> attached = new HashMap<>();

  private final Map<String, OnDemandView> onDemandViews = new HashMap<>();
  private volatile Snapshot snapshot = Snapshot.EMPTY;

  ViewCatalog(FeatureDao dao, AtomicBoolean closed, Runnable onVersionChange) {
    this.dao = dao;
    this.closed = closed;
    this.onVersionChange = onVersionChange;
  }

  void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("The feature store has been closed");
    }
  }

  Snapshot snapshot() {
    return snapshot;
  }

  /** The counters of a view, created on first use. */
  LookupCounters counters(String view) {
    return counters.computeIfAbsent(view, n -> new LookupCounters());
  }

  /** See {@link FeatureStore#apply(FeatureView)}. */
  synchronized AppliedView apply(FeatureView view, Clock clock) {
    if (onDemandViews.containsKey(view.name())) {
      throw new IllegalArgumentException("'" + view.name() + "' is an on-demand view");
    }
    FeatureDao.Applied applied = dao.apply(view, Timestamps.now(clock));
    attached.put(view.name(), view);
    reload();
    return new AppliedView(view.name(), applied.view().version(), applied.changed());
  }

  /** See {@link FeatureStore#apply(OnDemandView)}. */
  synchronized void apply(OnDemandView view) {
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

  /** The current definitions of all views, by name. */
  List<FeatureView> views() {
    List<FeatureView> out = new ArrayList<>();
    for (ViewState v : new TreeMap<>(snapshot.views).values()) {
      out.add(v.toView());
    }
    return out;
  }

  Optional<FeatureView> view(String name) {
    ViewState v = find(name);
    return v == null ? Optional.empty() : Optional.of(v.toView());
  }

  /** Every stored version of a view's definition, oldest first. */
  List<FeatureView> versions(String name) {
    List<FeatureView> out = new ArrayList<>();
    for (ViewDefinition d : dao.history(require(name).id)) {
      out.add(d.toView());
    }
    return out;
  }

  /** The views of the current snapshot, by name. */
  List<ViewState> sortedViews() {
    return new ArrayList<>(new TreeMap<>(snapshot.views).values());
  }

  /** Reloads definitions from the store. */
  synchronized void refresh() {
    reload();
  }

  /** Reloads definitions from the store; the caller holds this catalog's lock. */
  private void reload() {
    assert Thread.holdsLock(this);
    reloads.incrementAndGet();
    // the counter first: a change committed in between is then seen again by the next check
    long generation = dao.generation();
    Map<String, ViewState> views = new HashMap<>();
    for (FeatureDao.StoredView sv : dao.loadViews()) {
      ViewDefinition def = sv.definition();
      FeatureView local = attached.get(def.name);
      LookupCounters c = counters(def.name);
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
        onVersionChange.run();
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

  /** The stored freshness of every view (watermark, newest event), by name. */
  List<FeatureDao.Freshness> freshness() {
    return dao.freshness();
  }

  /** Full reloads of the definitions so far (at open, apply, refresh and after a change). */
  long reloadCount() {
    return reloads.get();
  }

  @Nullable ViewState find(String name) {
    ViewState v = snapshot.views.get(name);
    if (v == null) {
      refreshIfChanged();
      v = snapshot.views.get(name);
    }
    return v;
  }

  /**
   * @throws UnknownFeatureException if the view does not exist
   */
  ViewState require(String name) {
    Objects.requireNonNull(name, "view");
    ViewState v = find(name);
    if (v == null) {
      Set<String> known = new TreeSet<>(snapshot.views.keySet());
      throw UnknownFeatureException.view(name, known);
    }
    return v;
  }

  /** The compiled plan of {@code "view:feature"} references, reloading once for unknown names. */
  Plan plan(List<String> refs) {
    Objects.requireNonNull(refs, "features");
    Snapshot s = snapshot;
    try {
      return s.plan(refs);
    } catch (UnknownFeatureException e) {
      refreshIfChanged();
      return snapshot.plan(refs);
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
}
