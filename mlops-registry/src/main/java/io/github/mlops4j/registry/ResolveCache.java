package io.github.mlops4j.registry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;

/**
 * The cache behind {@link ModelRegistry#resolve}: never answers from a database read that began
 * before the last invalidation of its model had begun.
 *
 * <h2>Why not a plain Caffeine {@code get(key, loader)}</h2>
 *
 * A load that read the database before a change committed, and stored its answer after the change's
 * invalidation ran, used to stay in the cache until the next change: invalidating keys does not see
 * a computation in flight. Here each entry carries a <em>stamp</em>, the value of a registry-wide
 * counter read before its database read began; each invalidation advances the counter and records
 * the new value for its model; an entry whose stamp is lower than its model's last invalidation is
 * never used. Removing keys on invalidation only frees memory. Correctness does not depend on what
 * a removal sees.
 *
 * <h2>The ordering argument</h2>
 *
 * Let a change C commit, then invalidate its model: (1) {@code g = clock.incrementAndGet()}, (2)
 * {@code invalidated[stripe] = max(invalidated[stripe], g)}. A load L does: (a) {@code s =
 * clock.get()}, (b) publish its entry, (c) read the database. A lookup R that starts after (2)
 * reads {@code invalidated[stripe] >= g} and uses only an entry with {@code s >= g}. All accesses
 * to {@code clock} are atomic and totally ordered, and values {@code >= g} exist only from (1) on,
 * so such an L performed (a) after (1), hence after C committed, hence (c), which follows (a) in
 * L's thread, reads a database that holds C. A load that read before C has {@code s < g} and is
 * refused by every lookup that starts after (2), whenever its entry is stored. Therefore once the
 * changing call (or the poll that saw another process's change) has returned, every {@code resolve}
 * that starts afterwards answers from a read that includes the change: read-your-writes. Lookups
 * running concurrently with (1)-(2) may still answer the state before the change, as any read that
 * overlaps a write may.
 *
 * <p>One load runs per key at a time: the entry holds the load's future, published before the read
 * begins, and concurrent lookups wait for it (if its stamp is current) instead of reading again. No
 * lock is held during the read. Stamps are kept per stripe of model names (a fixed array, so memory
 * does not grow with the number of models); models sharing a stripe invalidate each other's
 * entries, which only costs a reload.
 */
final class ResolveCache {
  private static final int STRIPES = 64;

  /** A cached answer: the stamp read before its database read, and the load's result. */
  private record Entry(long stamp, CompletableFuture<Optional<ModelVersion>> value) {}

  /** What a lookup is about; a record so that no model name can collide with another key. */
  private record Key(String model, String reference) {}

  private final Cache<Key, Entry> cache;
  private final AtomicLong clock = new AtomicLong();
  private final AtomicLongArray invalidated = new AtomicLongArray(STRIPES);

  ResolveCache(long maximumSize) {
    this.cache = Caffeine.newBuilder().maximumSize(maximumSize).build();
  }

  private static int stripe(String model) {
    int h = model.hashCode();
    return (h ^ (h >>> 16)) & (STRIPES - 1);
  }

  /** The cached answer for {@code model}/{@code reference}, or {@code loader}'s, cached. */
  @SuppressWarnings("ReferenceEquality") // identity tells whether our own entry was published
  Optional<ModelVersion> get(
      String model, String reference, Supplier<Optional<ModelVersion>> loader) {
    Key key = new Key(model, reference);
    int stripe = stripe(model);
    Entry e = cache.getIfPresent(key);
    if (e != null && e.stamp() >= invalidated.get(stripe)) {
      return join(e.value());
    }
    // (a): read the stamp before the entry is published and before the database is read
    Entry mine = new Entry(clock.get(), new CompletableFuture<>());
    Entry current =
        cache
            .asMap()
            .compute(
                key,
                (k, old) -> old != null && old.stamp() >= invalidated.get(stripe) ? old : mine);
    if (current != mine) {
      return join(current.value()); // a load that began after the last invalidation
    }
    Optional<ModelVersion> value;
    try {
      value = loader.get(); // (c)
    } catch (Throwable t) {
      cache.asMap().remove(key, mine);
      mine.value().completeExceptionally(t);
      throw t;
    }
    mine.value().complete(value);
    return value;
  }

  /** Makes every answer about {@code model} read before this call unusable. */
  void invalidate(String model) {
    long g = clock.incrementAndGet(); // (1)
    invalidated.accumulateAndGet(stripe(model), g, Math::max); // (2)
    cache.asMap().keySet().removeIf(k -> k.model().equals(model)); // frees memory only
  }

  private static Optional<ModelVersion> join(CompletableFuture<Optional<ModelVersion>> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }
}
