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
 * PointInTimeJoin}); with an executor, views and ranges of their keys are joined in parallel.
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
    int[][] bounds = new int[plan.views.length][];
    int[][] winnerOf = new int[plan.views.length][];
    JoinedView.Collector[][] parts = new JoinedView.Collector[plan.views.length][];
    List<Runnable> work = new ArrayList<>();
    for (int v = 0; v < plan.views.length; v++) {
      Plan.ViewPlan vp = plan.views[v];
      PointInTimeJoin.Spine sorted = Objects.requireNonNull(spines.get(vp.view.def.entities));
      long ttl = options.ttl(vp.view.name).map(Duration::toNanos).orElse(vp.view.def.ttlNanos);
      int[] b = PointInTimeJoin.partBounds(sorted, partsOf(sorted));
      int[] w = new int[n];
      JoinedView.Collector[] collectors = new JoinedView.Collector[b.length - 1];
      bounds[v] = b;
      winnerOf[v] = w;
      parts[v] = collectors;
      for (int p = 0; p < collectors.length; p++) {
        int part = p;
        work.add(
            () ->
                collectors[part] =
                    joinPart(vp, sorted, b[part], b[part + 1], w, ttl, options.asOfKnownTime()));
      }
    }
    run(work);
    for (int v = 0; v < plan.views.length; v++) {
      byView[v] =
          JoinedView.of(
              plan.views[v],
              winnerOf[v],
              parts[v],
              Objects.requireNonNull(spines.get(plan.views[v].view.def.entities)),
              bounds[v]);
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
    // Keys of a single STRING key column by their string (STRING keys are their own canonical
    // values); any other key by its canonical values.
    StringIds strings = new StringIds();
    Map<Object, Integer> ids = new HashMap<>();
    List<EntityKey> distinct = new ArrayList<>();
    int[] keyId = new int[n];
    String single = v.singleStringKey ? fields.get(0).name() : null;
    for (int i = 0; i < n; i++) {
      Map<String, @Nullable Object> columns = spine.get(i).columns();
      if (single != null && columns.get(single) instanceof String s) {
        // The common case: checked and encoded only the first time the key is seen.
        int id = strings.get(s);
        if (id < 0) {
          RowCodec.checkText(v, single, i, s, "entity key");
          id = strings.add(s);
          distinct.add(KeyCodec.encodeString(s));
        }
        keyId[i] = id;
        continue;
      }
      Object[] canonical = RowCodec.canonicalKey(v, columns, i, false);
      int id;
      if (single != null && canonical[0] instanceof String s) {
        id = strings.get(s);
        if (id < 0) {
          id = strings.add(s);
          distinct.add(KeyCodec.encode(fields, canonical));
        }
      } else {
        Object hashKey = canonical.length == 1 ? canonical[0] : Arrays.asList(canonical);
        Integer known = ids.get(hashKey);
        if (known == null) {
          id = distinct.size();
          ids.put(hashKey, id);
          distinct.add(KeyCodec.encode(fields, canonical));
        } else {
          id = known;
        }
      }
      keyId[i] = id;
    }
    return PointInTimeJoin.spine(keyId, distinct, times);
  }

  /**
   * How many parts a view's join is split into: with an executor, a spine of many distinct keys is
   * joined in {@link #PARTS} key ranges at once, so that views and their parts keep every thread
   * busy until the end (3 views on 2 threads would otherwise leave one idle for a third of the
   * join); each part scans only its range of the stored rows.
   */
  private int partsOf(PointInTimeJoin.Spine spine) {
    if (executor == null) {
      return 1;
    }
    return Math.max(1, Math.min(PARTS, spine.sortedKeys.size() / MIN_KEYS_PER_PART));
  }

  /** Parts per view when joined on an executor. */
  static final int PARTS = 4;

  /** Fewest distinct keys of a part: parts above the store's selective read, whole ranges. */
  static final int MIN_KEYS_PER_PART = 2 * FeatureDao.SELECTIVE_KEYS;

  /**
   * Runs the pieces of work, on the executor when one is set and there are several; returns when
   * every piece has ended, and rethrows the first failure (the others added as suppressed), so no
   * piece still runs after the join returned or failed.
   */
  private void run(List<Runnable> work) {
    if (executor == null || work.size() == 1) {
      for (Runnable r : work) {
        r.run();
      }
      return;
    }
    List<CompletableFuture<Void>> running = new ArrayList<>(work.size());
    RuntimeException failure = null;
    try {
      for (Runnable r : work) {
        running.add(CompletableFuture.runAsync(r, executor));
      }
    } catch (RuntimeException e) { // rejected: wait for what was started, then fail
      failure = e;
    }
    for (CompletableFuture<Void> f : running) {
      try {
        f.join();
      } catch (CompletionException | java.util.concurrent.CancellationException e) {
        RuntimeException cause =
            e.getCause() instanceof RuntimeException r ? r : e; // the task's own exception
        if (failure == null) {
          failure = cause;
        } else if (failure != cause) {
          failure.addSuppressed(cause);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Joins the spine rows of sorted keys {@code fromKey} to {@code toKey} (exclusive) of one view:
   * winners are found by the merge and recorded by index into {@code winnerOf}, their values
   * decoded once to check them and again only when read.
   */
  private JoinedView.Collector joinPart(
      Plan.ViewPlan vp,
      PointInTimeJoin.Spine spine,
      int fromKey,
      int toKey,
      int[] winnerOf,
      long ttl,
      boolean asOfKnownTime) {
    long[] times = spine.times;
    return StoreAccess.read(
        store,
        c -> {
          // Afresh on every attempt, should the read be retried.
          JoinedView.Collector joined = new JoinedView.Collector(vp, winnerOf);
          PointInTimeJoin.join(
              spine,
              fromKey,
              toKey,
              asOfKnownTime,
              dao.joinSource(c, vp.view.id),
              (s, w) -> joined.accept(s, w, w != null && AsOf.expired(w.event, times[s], ttl)));
          return joined;
        });
  }
}
