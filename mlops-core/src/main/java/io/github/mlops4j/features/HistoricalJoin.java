package io.github.mlops4j.features;

import io.github.mlops4j.store.Store;
import io.github.mlops4j.store.internal.StoreAccess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * The historical (point-in-time) join behind {@link FeatureStore#historical}: the spine is sorted
 * once per entity-key schema, and each view is joined by a sort-merge over its stored rows ({@link
 * PointInTimeJoin}), in parallel on the executor when one is set.
 */
final class HistoricalJoin {
  private final Store store;
  private final FeatureDao dao;
  private final ViewCatalog catalog;
  private final @Nullable Executor executor;

  HistoricalJoin(Store store, FeatureDao dao, ViewCatalog catalog, @Nullable Executor executor) {
    this.store = store;
    this.dao = dao;
    this.catalog = catalog;
    this.executor = executor;
  }

  /** See {@link FeatureStore#historical(List, List, JoinOptions)}. */
  List<TrainingRow> join(List<EntityRow> spine, List<String> features, JoinOptions options) {
    Objects.requireNonNull(spine, "spine");
    Objects.requireNonNull(options, "options");
    Plan plan = catalog.plan(features);
    int n = spine.size();
    long[] times = new long[n];
    for (int i = 0; i < n; i++) {
      EntityRow row = Objects.requireNonNull(spine.get(i), "spine row");
      times[i] = RowCodec.time("", "timestamp", i, row.timestamp());
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
      PointInTimeJoin.Spine sorted = Objects.requireNonNull(spines.get(vp.view.def.entities));
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
      Object[] canonical = RowCodec.canonicalKey(v, spine.get(i).columns(), i, false);
      Object hashKey = canonical.length == 1 ? canonical[0] : Arrays.asList(canonical);
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
    @Nullable SourceRow[] winners =
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
          decoded = RowCodec.decode(v, vp, w);
          w.decoded = decoded;
        }
        for (int j = 0; j < vp.cols.length; j++) {
          row[vp.cols[j]] = decoded[j];
        }
      }
    }
  }
}
