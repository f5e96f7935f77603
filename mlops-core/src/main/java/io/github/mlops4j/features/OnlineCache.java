package io.github.mlops4j.features;

import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import com.github.benmanes.caffeine.cache.stats.ConcurrentStatsCounter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import org.jspecify.annotations.Nullable;

/**
 * The read-through cache in front of the online store: one entry per (view, entity) holding the
 * decoded values of the stored row. An entry with a live value expires at {@code eventTime + ttl}
 * (per-entry expiry on the store's clock), every entry at the latest after {@code maxStaleness}
 * (which bounds how long changes made by other processes stay unseen). Statuses are decided at read
 * time from the entry's event time, never from the cache's own expiry.
 *
 * <p>Writes of this process (write, materialize, erase) invalidate the keys they touch after their
 * transaction commits, incrementing a write counter first. A single-key load holds the key's lock,
 * so an invalidation waits for it. A bulk load that overlaps a write re-reads (up to three times)
 * so that its caller likely sees the write; whatever it read, if the counter changed while it ran,
 * the entries it stored are removed again, so a row read before a write committed (an erased entity
 * included) is never left in the cache after the write's invalidation. The counter is shared by all
 * keys: under constant writes, bulk-loaded entries are often not kept (the next lookup reads the
 * store again).
 *
 * <p>Refresh-ahead: an entry read after {@code refreshAfter} (default half of {@code maxStaleness})
 * is still served, and one background reload of it is started on the refresh executor (Caffeine's
 * {@code refreshAfterWrite}); reloads that are due at the same time are coalesced into one bulk
 * read per view. The hard bound stays: an entry older than {@code maxStaleness} has expired and is
 * loaded on the caller's thread, as without refresh. A reload that fails keeps the old value (until
 * its expiry) and is counted in the view's {@link LookupCounters#refreshFailures}; a reload that
 * overlaps an invalidation of its key is discarded by Caffeine. The refresh executor must run or
 * reject (with {@link RejectedExecutionException}) every task: a rejected reload counts as failed,
 * but an executor that silently drops a task stops refresh-ahead for good (entries are then only
 * re-read on the caller's thread once they are older than {@code maxStaleness}).
 *
 * <p>Statistics ({@link #stats()}): Caffeine's own counters ({@code recordStats}, one {@link
 * java.util.concurrent.atomic.LongAdder} increment per request and per load, no lock), with one
 * count per (view, entity) request. Lookups probe with {@code asMap().get} (which touches the entry
 * and starts a due refresh as {@code getIfPresent} does, but records nothing) and record their hits
 * themselves; the misses are recorded by the load, so a multi-row read's missing keys, probed and
 * then bulk-loaded, are counted once.
 */
final class OnlineCache implements AutoCloseable {
  /**
   * A (view, entity) cache key: the view id and the entity key's encoded bytes, held directly (no
   * {@link EntityKey} in between) with the hash computed once, so that a probe compares the hash,
   * the id and then the bytes, touching one object fewer per entry than a key wrapping an entity
   * key would.
   */
  static final class Key {
    private final long viewId;
    private final byte[] bytes;
    private final int hash;

    /** {@code bytes}: an entity key's encoded bytes, not modified afterwards. */
    Key(long viewId, byte[] bytes) {
      this.viewId = viewId;
      this.bytes = bytes;
      this.hash = 31 * Long.hashCode(viewId) + Arrays.hashCode(bytes);
    }

    Key(long viewId, EntityKey key) {
      this(viewId, key.bytes());
    }

    long viewId() {
      return viewId;
    }

    EntityKey key() {
      return new EntityKey(bytes);
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Key k
          && hash == k.hash
          && viewId == k.viewId
          && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public String toString() {
      return "Key[viewId=" + viewId + ", key=" + KeyCodec.describe(bytes) + "]";
    }
  }

  /** A cached row of one entity, decoded with the view version it was loaded under. */
  static final class Entry {
    final int version;
    final boolean found;
    final long event;
    final FeatureValue @Nullable [] values;
    final @Nullable FeatureValue expired;

    /** Bit per slot holding null, or null when no slot does (read without touching values). */
    final long @Nullable [] nullSlots;

    final long expiresAt;

    Entry(
        int version,
        boolean found,
        long event,
        FeatureValue @Nullable [] values,
        @Nullable FeatureValue expired,
        long @Nullable [] nullSlots,
        long expiresAt) {
      this.version = version;
      this.found = found;
      this.event = event;
      this.values = values;
      this.expired = expired;
      this.nullSlots = nullSlots;
      this.expiresAt = expiresAt;
    }
  }

  /** Reads stored rows of one view. */
  interface Loader {
    Map<EntityKey, SourceRow> read(ViewState view, Collection<EntityKey> keys);
  }

  private final LoadingCache<Key, Entry> cache;
  private final LongFunction<@Nullable ViewState> views;
  private final Loader loader;
  private final Clock clock;
  private final long maxStalenessNanos;
  private final AtomicLong writes = new AtomicLong();
  private final Executor refreshExecutor;
  private final @Nullable ExecutorService ownedExecutor;
  private final ConcurrentHashMap<Key, CompletableFuture<Entry>> pendingReloads =
      new ConcurrentHashMap<>();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private final ConcurrentStatsCounter stats = new ConcurrentStatsCounter();

  /**
   * @param refreshAfter age after which a read entry is reloaded in the background; null for half
   *     of {@code maxStaleness}; zero, or not below {@code maxStaleness}, turns refresh-ahead off
   * @param refreshExecutor runs background reloads; null for a single daemon thread owned by this
   *     cache (ended by {@link #close()}, idle threads end after a few seconds)
   */
  OnlineCache(
      long maximumSize,
      Duration maxStaleness,
      @Nullable Duration refreshAfter,
      @Nullable Executor refreshExecutor,
      Clock clock,
      LongFunction<@Nullable ViewState> views,
      Loader loader) {
    this.views = views;
    this.loader = loader;
    this.clock = clock;
    this.maxStalenessNanos = nanosSaturated(maxStaleness);
    long refreshNanos = refreshAfter == null ? maxStalenessNanos / 2 : nanosSaturated(refreshAfter);
    boolean refresh = refreshNanos > 0 && refreshNanos < maxStalenessNanos;
    if (refreshExecutor != null) {
      this.refreshExecutor = refreshExecutor;
      this.ownedExecutor = null;
    } else if (refresh) {
      ThreadPoolExecutor pool =
          new ThreadPoolExecutor(
              1,
              1,
              5,
              TimeUnit.SECONDS,
              new LinkedBlockingQueue<>(),
              r -> {
                Thread t = new Thread(r, "mlops4j-feature-cache-refresh");
                t.setDaemon(true);
                return t;
              });
      pool.allowCoreThreadTimeOut(true);
      this.refreshExecutor = pool;
      this.ownedExecutor = pool;
    } else {
      this.refreshExecutor = Runnable::run;
      this.ownedExecutor = null;
    }
    Caffeine<Object, Object> builder = Caffeine.newBuilder().recordStats(() -> stats);
    if (refresh) {
      builder.refreshAfterWrite(refreshNanos, TimeUnit.NANOSECONDS);
    }
    this.cache =
        builder
            .maximumSize(maximumSize)
            .ticker(() -> Timestamps.toNanosSaturated(clock.instant()))
            .executor(Runnable::run)
            .expireAfter(
                new Expiry<Key, Entry>() {
                  @Override
                  public long expireAfterCreate(Key key, Entry value, long currentTime) {
                    return Math.max(0, saturatedSub(value.expiresAt, currentTime));
                  }

                  @Override
                  public long expireAfterUpdate(
                      Key key, Entry value, long currentTime, long currentDuration) {
                    return Math.max(0, saturatedSub(value.expiresAt, currentTime));
                  }

                  @Override
                  public long expireAfterRead(
                      Key key, Entry value, long currentTime, long currentDuration) {
                    return currentDuration;
                  }
                })
            .build(
                new CacheLoader<Key, Entry>() {
                  @Override
                  public Entry load(Key key) {
                    return Objects.requireNonNull(
                        loadAll(Set.of(key)).get(key), "loadAll maps every key");
                  }

                  @Override
                  public Map<Key, Entry> loadAll(Set<? extends Key> keys) {
                    return OnlineCache.this.loadAll(keys);
                  }

                  @Override
                  public CompletableFuture<Entry> asyncReload(
                      Key key, Entry oldValue, Executor executor) {
                    return reloadLater(key);
                  }
                });
  }

  /**
   * Queues a background reload of {@code key}; one drain task reads every queued key of a view with
   * one bulk read. Caffeine starts at most one reload per key at a time, so every queued future is
   * completed (loaded, or failed) by a drain, or at once when the executor rejects the drain task.
   */
  private CompletableFuture<Entry> reloadLater(Key key) {
    CompletableFuture<Entry> f = new CompletableFuture<>();
    CompletableFuture<Entry> queued = pendingReloads.putIfAbsent(key, f);
    if (queued != null) {
      return queued;
    }
    if (drainScheduled.compareAndSet(false, true)) {
      try {
        refreshExecutor.execute(this::drainReloads);
      } catch (RejectedExecutionException e) {
        // fail every queued reload (also those queued while the flag was set): Caffeine then
        // starts new ones, and an entry past maxStaleness is read on the caller's thread
        drainScheduled.set(false);
        for (Map.Entry<Key, CompletableFuture<Entry>> p : takePending().entrySet()) {
          countRefreshFailures(p.getKey().viewId(), 1);
          p.getValue().completeExceptionally(e);
        }
      }
    }
    return f;
  }

  /** Removes and returns the queued reloads. */
  private Map<Key, CompletableFuture<Entry>> takePending() {
    Map<Key, CompletableFuture<Entry>> taken = new HashMap<>();
    for (Key k : pendingReloads.keySet()) {
      CompletableFuture<Entry> f = pendingReloads.remove(k);
      if (f != null) {
        taken.put(k, f);
      }
    }
    return taken;
  }

  private void countRefreshFailures(long viewId, int n) {
    ViewState view = views.apply(viewId);
    if (view != null) {
      view.counters.refreshFailures.add(n);
    }
  }

  /**
   * Runs the queued reloads (on the refresh executor). Every future taken is completed, also when
   * one view's reload throws an {@link Error} (which is rethrown after the other views' reloads).
   */
  private void drainReloads() {
    drainScheduled.set(false);
    Map<Long, Map<Key, CompletableFuture<Entry>>> byView = new HashMap<>();
    for (Map.Entry<Key, CompletableFuture<Entry>> p : takePending().entrySet()) {
      byView
          .computeIfAbsent(p.getKey().viewId(), v -> new HashMap<>())
          .put(p.getKey(), p.getValue());
    }
    Error error = null;
    for (Map.Entry<Long, Map<Key, CompletableFuture<Entry>>> group : byView.entrySet()) {
      Map<Key, CompletableFuture<Entry>> futures = group.getValue();
      try {
        Map<Key, Entry> loaded = loadAll(futures.keySet());
        for (Map.Entry<Key, CompletableFuture<Entry>> f : futures.entrySet()) {
          f.getValue().complete(Objects.requireNonNull(loaded.get(f.getKey()), "loads every key"));
        }
      } catch (RuntimeException | Error e) {
        countRefreshFailures(group.getKey(), futures.size());
        for (CompletableFuture<Entry> f : futures.values()) {
          f.completeExceptionally(e);
        }
        if (e instanceof Error err && error == null) {
          error = err;
        }
      }
    }
    if (error != null) {
      throw error;
    }
  }

  private static long nanosSaturated(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  private static long saturatedSub(long a, long b) {
    long r = a - b;
    return ((a ^ b) & (a ^ r)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
  }

  /** The entry of one key of {@code view} ({@code key}'s view id is the view's). */
  Entry get(ViewState view, Key key) {
    Entry e = cache.asMap().get(key);
    if (e != null) {
      if (e.version == view.version) {
        stats.recordHits(1);
        return e;
      }
      cache.invalidate(key);
    }
    return cache.get(key); // records the miss (or a hit, if another thread loaded it meanwhile)
  }

  /**
   * Entries of the given keys of one view (each key's view id is the view's), in the keys' order.
   * Cached entries are read one by one (no result maps); the missing ones are loaded with one bulk
   * read.
   */
  Entry[] getAll(ViewState view, Key[] keys) {
    Entry[] out = new Entry[keys.length];
    List<Key> missing = null;
    int hits = 0;
    for (int i = 0; i < out.length; i++) {
      Key k = keys[i];
      Entry e = cache.asMap().get(k);
      if (e != null && e.version != view.version) {
        cache.invalidate(k);
        e = null;
      }
      if (e == null) {
        if (missing == null) {
          missing = new ArrayList<>();
        }
        missing.add(k);
      } else {
        out[i] = e;
        hits++;
      }
    }
    if (hits > 0) {
      stats.recordHits(hits);
    }
    if (missing != null) {
      // Caffeine stores a bulk load's results with plain puts, possibly after a write's
      // invalidation of the same keys. A write increments the counter before it invalidates, so a
      // changed counter means such a put may have stored a row read before the write committed:
      // remove what this load stored (only if still the same entry; a later load is kept). The
      // caller still gets what was read, as a read overlapping the write may.
      long gen = writes.get();
      Map<Key, Entry> loaded = cache.getAll(missing);
      if (writes.get() != gen) {
        for (Key k : missing) {
          Entry e = loaded.get(k);
          if (e != null) {
            cache.asMap().remove(k, e);
          }
        }
      }
      for (int i = 0; i < out.length; i++) {
        if (out[i] == null) {
          out[i] = Objects.requireNonNull(loaded.get(keys[i]), "getAll maps every key");
        }
      }
    }
    return out;
  }

  private Map<Key, Entry> loadAll(Set<? extends Key> keys) {
    Map<Long, List<Key>> byView = new HashMap<>();
    for (Key k : keys) {
      byView.computeIfAbsent(k.viewId(), v -> new ArrayList<>()).add(k);
    }
    Map<Key, Entry> out = new HashMap<>(keys.size() * 2);
    for (Map.Entry<Long, List<Key>> e : byView.entrySet()) {
      ViewState view = views.apply(e.getKey());
      if (view == null) {
        throw new IllegalStateException("Feature view " + e.getKey() + " is no longer known");
      }
      List<Key> viewKeys = e.getValue();
      List<EntityKey> entities = new ArrayList<>(viewKeys.size());
      for (Key k : viewKeys) {
        entities.add(k.key());
      }
      Map<EntityKey, SourceRow> rows;
      int attempts = 0;
      while (true) {
        long before = writes.get();
        rows = loader.read(view, entities);
        if (writes.get() == before || ++attempts == 3) {
          break;
        }
      }
      long now = Timestamps.toNanosSaturated(clock.instant());
      for (int i = 0; i < viewKeys.size(); i++) {
        out.put(viewKeys.get(i), entry(view, rows.get(entities.get(i)), now));
      }
    }
    return out;
  }

  private Entry entry(ViewState view, @Nullable SourceRow row, long now) {
    long stale = saturatedAdd(now, maxStalenessNanos);
    if (row == null) {
      return new Entry(view.version, false, 0, null, null, null, stale);
    }
    @Nullable Object[] decoded = ValueCodec.decode(view.def, row.values);
    Instant eventTime = Timestamps.ofNanos(row.event);
    FeatureValue[] values = new FeatureValue[decoded.length];
    long[] nullSlots = null;
    for (int i = 0; i < decoded.length; i++) {
      values[i] = FeatureValue.of(decoded[i], eventTime);
      if (decoded[i] == null) {
        if (nullSlots == null) {
          nullSlots = new long[(decoded.length + 63) >>> 6];
        }
        nullSlots[i >>> 6] |= 1L << i;
      }
    }
    long expiresAt = stale;
    long ttl = view.def.ttlNanos;
    if (ttl > 0) {
      long lastValid = saturatedAdd(row.event, ttl);
      if (lastValid >= now) {
        expiresAt = Math.min(stale, saturatedAdd(lastValid, 1));
      }
    }
    return new Entry(
        view.version,
        true,
        row.event,
        values,
        FeatureValue.expired(eventTime),
        nullSlots,
        expiresAt);
  }

  /** Call after a transaction that changed online rows of these keys has committed. */
  void invalidate(long viewId, Collection<EntityKey> keys) {
    writes.incrementAndGet();
    List<Key> list = new ArrayList<>(keys.size());
    for (EntityKey k : keys) {
      list.add(new Key(viewId, k));
    }
    cache.invalidateAll(list);
  }

  void invalidateAll() {
    writes.incrementAndGet();
    cache.invalidateAll();
  }

  long estimatedSize() {
    return cache.estimatedSize();
  }

  /** The cache's statistics since it was built. */
  FeatureCacheStats stats() {
    CacheStats s = stats.snapshot();
    return new FeatureCacheStats(
        s.hitCount(),
        s.missCount(),
        s.loadSuccessCount(),
        s.loadFailureCount(),
        java.time.Duration.ofNanos(s.totalLoadTime()),
        s.evictionCount(),
        cache.estimatedSize());
  }

  /** Drops every entry and ends the refresh thread this cache owns (does not wait for it). */
  @Override
  public void close() {
    invalidateAll();
    if (ownedExecutor != null) {
      ownedExecutor.shutdownNow();
    }
  }
}
