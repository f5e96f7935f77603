package io.github.mlops4j.features;

import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.LoadingCache;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
 * <p>Writes of this process invalidate the keys they touch after their transaction commits. A
 * single-key load holds the key's lock, so an invalidation waits for it. A bulk load that overlaps
 * a write re-reads (a write counter is compared before and after it), which narrows the window in
 * which a racing bulk load could cache the row it read just before the write; {@code maxStaleness}
 * bounds it.
 */
final class OnlineCache {
  record Key(long viewId, EntityKey key) {}

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

  OnlineCache(
      long maximumSize,
      Duration maxStaleness,
      Clock clock,
      LongFunction<@Nullable ViewState> views,
      Loader loader) {
    this.views = views;
    this.loader = loader;
    this.clock = clock;
    this.maxStalenessNanos = maxStaleness.toNanos();
    this.cache =
        Caffeine.newBuilder()
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
                });
  }

  private static long saturatedSub(long a, long b) {
    long r = a - b;
    return ((a ^ b) & (a ^ r)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
  }

  Entry get(ViewState view, EntityKey entity) {
    Key key = new Key(view.id, entity);
    Entry e = cache.get(key);
    if (e.version != view.version) {
      cache.invalidate(key);
      e = cache.get(key);
    }
    return e;
  }

  /**
   * Entries of the given keys of one view, in the keys' order. Cached entries are read one by one
   * (no result maps); the missing ones are loaded with one bulk read.
   */
  Entry[] getAll(ViewState view, EntityKey[] entities) {
    Entry[] out = new Entry[entities.length];
    Key[] keys = new Key[entities.length];
    List<Key> missing = null;
    for (int i = 0; i < out.length; i++) {
      Key k = new Key(view.id, entities[i]);
      keys[i] = k;
      Entry e = cache.getIfPresent(k);
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
      }
    }
    if (missing != null) {
      Map<Key, Entry> loaded = cache.getAll(missing);
      for (int i = 0; i < out.length; i++) {
        if (out[i] == null) {
          out[i] = Objects.requireNonNull(loaded.get(keys[i]), "getAll maps every key");
        }
      }
    }
    return out;
  }

  private Map<Key, Entry> loadAll(Set<? extends Key> keys) {
    Map<Long, List<EntityKey>> byView = new HashMap<>();
    for (Key k : keys) {
      byView.computeIfAbsent(k.viewId(), v -> new ArrayList<>()).add(k.key());
    }
    Map<Key, Entry> out = new HashMap<>(keys.size() * 2);
    for (Map.Entry<Long, List<EntityKey>> e : byView.entrySet()) {
      ViewState view = views.apply(e.getKey());
      if (view == null) {
        throw new IllegalStateException("Feature view " + e.getKey() + " is no longer known");
      }
      Map<EntityKey, SourceRow> rows;
      int attempts = 0;
      while (true) {
        long before = writes.get();
        rows = loader.read(view, e.getValue());
        if (writes.get() == before || ++attempts == 3) {
          break;
        }
      }
      long now = Timestamps.toNanosSaturated(clock.instant());
      for (EntityKey k : e.getValue()) {
        out.put(new Key(view.id, k), entry(view, rows.get(k), now));
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
}
