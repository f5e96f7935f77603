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
    int width = plan.width;
    FeatureValue[] out = new FeatureValue[n * width];
    int outcome = 0; // rank in OUTCOMES
    for (Plan.ViewPlan vp : plan.views) {
      ViewState v = vp.view;
      OnlineCache.Entry[] entries;
      if (n == 1) {
        entries =
            new OnlineCache.Entry[] {cache.get(v, RowCodec.encodeKey(v, rows.get(0), 0, false))};
      } else {
        EntityKey[] keys = new EntityKey[n];
        for (int i = 0; i < n; i++) {
          keys[i] = RowCodec.encodeKey(v, rows.get(i), i, false);
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
          FeatureValue x = Objects.requireNonNull(e.expired, "a found entry has its expired value");
          for (int col : cols) {
            out[base + col] = x;
          }
          expired++;
        } else {
          FeatureValue[] values = Objects.requireNonNull(e.values, "a found entry has values");
          for (int j = 0; j < slots.length; j++) {
            out[base + cols[j]] = values[slots[j]];
          }
          nulls += vp.requestedNulls(e.nullSlots);
          present++;
        }
      }
      if (notFound > 0) {
        outcome = 3;
      } else if (expired > 0) {
        outcome = Math.max(outcome, 2);
      } else if (nulls > 0) {
        outcome = Math.max(outcome, 1);
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
    return new OnlineFeatures(plan.columns, width, n, out, readTime, OUTCOMES[outcome]);
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
