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
    JoinedView[] byView = new JoinedView[plan.views.length];
    List<CompletableFuture<Void>> joins = new ArrayList<>();
    for (int v = 0; v < plan.views.length; v++) {
      Plan.ViewPlan vp = plan.views[v];
      PointInTimeJoin.Spine sorted = Objects.requireNonNull(spines.get(vp.view.def.entities));
      long ttl = options.ttl(vp.view.name).map(Duration::toNanos).orElse(vp.view.def.ttlNanos);
      int slot = v;
      Runnable join = () -> byView[slot] = joinView(vp, sorted, ttl, options.asOfKnownTime());
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
    TrainingRow.Joined joined = new TrainingRow.Joined(plan, byView);
    List<TrainingRow> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      EntityRow row = spine.get(i);
      if (plan.onDemand.length > 0) {
        // On-demand features read their inputs: this row's values are decoded now.
        FeatureValue[] values = joined.decode(i);
        plan.evaluate(values, Objects.requireNonNull(row.timestamp()), row.columns(), i);
        out.add(new TrainingRow(row, plan.columns, values));
      } else {
        out.add(new TrainingRow(row, plan.columns, joined, i));
      }
    }
    return out;
  }

  /**
   * Sorts the spine by one view's entity keys: keys are hashed by their canonical values, and
   * checked and encoded once per distinct entity (the first row that names it, so an error names
   * the same row as a check of every row would).
   */
  private static PointInTimeJoin.Spine spineOf(ViewState v, List<EntityRow> spine, long[] times) {
    List<Field> fields = v.def.entities;
    int n = spine.size();
    // Sized for as many entities as rows: no rehashing, at most a few MB of empty slots.
    Map<Object, Integer> ids = new HashMap<>(Math.max(16, (int) Math.min(1 << 30, n * 4L / 3 + 1)));
    List<EntityKey> distinct = new ArrayList<>();
    int[] keyId = new int[n];
    String single = v.singleStringKey ? fields.get(0).name() : null;
    for (int i = 0; i < n; i++) {
      Map<String, @Nullable Object> columns = spine.get(i).columns();
      if (single != null && columns.get(single) instanceof String s) {
        // The common case: a STRING key that is its own canonical value.
        Integer id = ids.get(s);
        if (id == null) {
          RowCodec.checkText(v, single, i, s, "entity key");
          id = distinct.size();
          ids.put(s, id);
          distinct.add(KeyCodec.encodeString(s));
        }
        keyId[i] = id;
        continue;
      }
      Object[] canonical = RowCodec.canonicalKey(v, columns, i, false);
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

  /**
   * Joins one view into primitive columns ({@link JoinedView}): winners are found by the merge and
   * recorded by index, their values decoded once to check them and again only when read.
   */
  private JoinedView joinView(
      Plan.ViewPlan vp, PointInTimeJoin.Spine spine, long ttl, boolean asOfKnownTime) {
    long[] times = spine.times;
    return StoreAccess.read(
        store,
        c -> {
          // Afresh on every attempt, should the read be retried.
          JoinedView.Collector joined = new JoinedView.Collector(vp, times.length);
          PointInTimeJoin.join(
              spine,
              asOfKnownTime,
              dao.joinSource(c, vp.view.id),
              (s, w) -> joined.accept(s, w, w != null && AsOf.expired(w.event, times[s], ttl)));
          return joined.build();
        });
  }
}
