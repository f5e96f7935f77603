package io.github.mlops4j.features;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The online reader behind {@link FeatureStore#online}: request rows are encoded to entity keys,
 * read through the {@link OnlineCache} (the online store on a miss), and resolved by the as-of rule
 * at the clock's now; on-demand features are computed last. Owns the cache.
 */
final class OnlineReader {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OnlineReader.class);

  /** The outcome of a read by rank: the highest rank among its values wins. */
  private static final FeatureStatus[] OUTCOMES = {
    FeatureStatus.PRESENT, FeatureStatus.NULL_VALUE, FeatureStatus.EXPIRED, FeatureStatus.NOT_FOUND
  };

  private final ViewCatalog catalog;
  private final Clock clock;
  private final OnlineStore onlineStore;
  private final @Nullable JdbcOnlineStore embeddedOnline;
  private final OnlineCache cache;
  private final @Nullable FeatureLookupObserver observer;
  private final AtomicBoolean observerFailed = new AtomicBoolean();

  OnlineReader(
      ViewCatalog catalog,
      Clock clock,
      OnlineStore onlineStore,
      @Nullable JdbcOnlineStore embeddedOnline,
      long cacheMaximumSize,
      Duration cacheMaxStaleness,
      @Nullable Duration cacheRefreshAfter,
      @Nullable Executor cacheRefreshExecutor,
      @Nullable FeatureLookupObserver observer) {
    this.catalog = catalog;
    this.observer = observer;
    this.clock = clock;
    this.onlineStore = onlineStore;
    this.embeddedOnline = embeddedOnline;
    this.cache =
        new OnlineCache(
            cacheMaximumSize,
            cacheMaxStaleness,
            cacheRefreshAfter,
            cacheRefreshExecutor,
            clock,
            id -> catalog.snapshot().byId.get(id),
            this::readOnline);
  }

  /** The cache in front of the online store, invalidated by writes of this process. */
  OnlineCache cache() {
    return cache;
  }

  /** See {@link FeatureStore#online(List, List)}. */
  OnlineFeatures read(List<? extends Map<String, ?>> rows, List<String> features) {
    Objects.requireNonNull(rows, "rows");
    Plan plan = catalog.plan(features);
    FeatureLookupObserver o = observer;
    return o == null ? read(plan, rows) : observed(o, plan, rows);
  }

  private OnlineFeatures observed(
      FeatureLookupObserver o, Plan plan, List<? extends Map<String, ?>> rows) {
    Object context = o.onStart(plan.viewNames, rows.size());
    OnlineFeatures out;
    try {
      out = read(plan, rows);
    } catch (Throwable t) { // an Error too: every onStart gets its onEnd
      end(o, context, null, t);
      throw t;
    }
    end(o, context, out.outcome, null);
    return out;
  }

  /** Calls {@code onEnd}; a failure there is logged once and never replaces the read's outcome. */
  private void end(
      FeatureLookupObserver o,
      @Nullable Object context,
      @Nullable FeatureStatus outcome,
      @Nullable Throwable error) {
    try {
      o.onEnd(context, outcome, error);
    } catch (RuntimeException e) {
      if (observerFailed.compareAndSet(false, true)) {
        LOG.warn(
            "FeatureLookupObserver {} failed in onEnd; the read's outcome is kept (further"
                + " failures are not logged)",
            o.getClass().getName(),
            e);
      }
    }
  }

  private OnlineFeatures read(Plan plan, List<? extends Map<String, ?>> rows) {
    Instant readTime = clock.instant();
    long t = Timestamps.toNanosSaturated(readTime);
    int n = rows.size();
    Plan.ViewPlan[] views = plan.views;
    OnlineCache.Entry[][] entries = new OnlineCache.Entry[views.length][];
    byte[] states = new byte[views.length * n];
    int outcome = 0; // rank in OUTCOMES
    for (int v = 0; v < views.length; v++) {
      entries[v] = lookup(views[v].view, rows);
      outcome = Math.max(outcome, resolve(views[v], entries[v], t, states, v * n));
    }
    OnlineCells.Entries cells = new OnlineCells.Entries(plan, n, entries, states);
    if (plan.onDemand.length == 0) {
      return new OnlineFeatures(plan.columns, n, cells, readTime, OUTCOMES[outcome]);
    }
    int width = plan.width;
    FeatureValue[] out = cells.copy();
    FeatureValue[] row = new FeatureValue[width];
    for (int i = 0; i < n; i++) {
      System.arraycopy(out, i * width, row, 0, width);
      plan.evaluate(row, readTime, rows.get(i), i);
      System.arraycopy(row, 0, out, i * width, width);
    }
    return new OnlineFeatures(
        plan.columns, n, new OnlineCells.Copied(out, width), readTime, OUTCOMES[outcome]);
  }

  /** The cache entries of one view for the request rows, in row order. */
  private OnlineCache.Entry[] lookup(ViewState v, List<? extends Map<String, ?>> rows) {
    int n = rows.size();
    if (n == 1) {
      return new OnlineCache.Entry[] {
        cache.get(v, new OnlineCache.Key(v.id, RowCodec.lookupKey(v, rows.get(0), 0)))
      };
    }
    OnlineCache.Key[] keys = new OnlineCache.Key[n];
    for (int i = 0; i < n; i++) {
      keys[i] = new OnlineCache.Key(v.id, RowCodec.lookupKey(v, rows.get(i), i));
    }
    return cache.getAll(v, keys);
  }

  /**
   * Decides the state ({@link OnlineCells.Entries#state}) of each entry of one view at read time
   * {@code t} into {@code states[base ..]}, and adds the values served to the view's counters: one
   * per entity and requested feature of the view (a live entity's null values as NULL_VALUE).
   *
   * @return the view's outcome as a rank in {@link #OUTCOMES}: NOT_FOUND if any entity had no row,
   *     else EXPIRED if any row was expired, else NULL_VALUE if any requested value was null
   */
  static int resolve(
      Plan.ViewPlan vp, OnlineCache.Entry[] entries, long t, byte[] states, int base) {
    long ttl = vp.view.def.ttlNanos;
    long present = 0;
    long nulls = 0;
    long notFound = 0;
    long expired = 0;
    for (int i = 0; i < entries.length; i++) {
      OnlineCache.Entry e = entries[i];
      byte state = OnlineCells.Entries.state(e, t, ttl);
      states[base + i] = state;
      if (state == OnlineCells.Entries.LIVE) {
        nulls += vp.requestedNulls(e.nullSlots);
        present++;
      } else if (state == OnlineCells.Entries.EXPIRED) {
        expired++;
      } else {
        notFound++;
      }
    }
    LookupCounters c = vp.view.counters;
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
    return notFound > 0 ? 3 : expired > 0 ? 2 : nulls > 0 ? 1 : 0;
  }

  /** Reads stored rows of one view from the online store (the cache's loader). */
  Map<EntityKey, SourceRow> readOnline(ViewState view, Collection<EntityKey> keys) {
    if (embeddedOnline != null) {
      return embeddedOnline.readRows(view.id, keys);
    }
    Map<EntityKey, SourceRow> out = new HashMap<>();
    onlineStore.read(view.name, keys).forEach((k, r) -> out.put(k, r.toRow()));
    return out;
  }
}
