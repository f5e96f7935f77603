package io.github.mlops4j.features;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;

/**
 * Where materialized rows are kept for online reads: the newest row per (view, entity). The
 * embedded default is a table in the workspace store; a Redis or other store can implement this and
 * be set with {@link FeatureStore.Builder#onlineStore}. {@link FeatureStore} reads it through its
 * cache and decides statuses (TTL) itself, so a store only keeps and returns records.
 *
 * <p>Contract, checked by the JUnit 5 suite {@code io.github.mlops4j.testing.OnlineStoreContract}
 * that mlops-core's test jar publishes (extend it to test an implementation):
 *
 * <ul>
 *   <li>{@link #write} keeps, per key, the greater record by (event time, created time, sequence)
 *       ({@link OnlineRecord#isNewerThan}): an older record written later never replaces a newer
 *       one. Writing the same records again changes nothing, so writes may be retried.
 *   <li>{@link #read} returns the kept record of each key that has one.
 *   <li>{@link #delete} removes the kept records of its keys; a later {@link #write} keeps records
 *       again.
 *   <li>Implementations are thread-safe.
 * </ul>
 *
 * @since 0.1.0
 */
public interface OnlineStore extends AutoCloseable {
  /** The kept records of {@code keys} in {@code view}; keys without one are absent. */
  Map<EntityKey, OnlineRecord> read(String view, Collection<EntityKey> keys);

  /** Keeps each record unless the store holds a newer or equal one for its key. */
  void write(String view, Collection<OnlineRecord> records);

  /**
   * {@link #write(String, Collection)} for a view whose rows stop matching {@code ttl} after their
   * event time ({@link FeatureView#ttl()}; {@link Duration#ZERO}: never). {@link FeatureStore}
   * writes through this method, so a store with its own expiry (Redis) can drop records that can
   * only read {@link FeatureStatus#EXPIRED}. The default ignores {@code ttl}.
   *
   * @since 0.1.0
   */
  default void write(String view, Collection<OnlineRecord> records, Duration ttl) {
    write(view, records);
  }

  /**
   * Deletes the kept records of {@code keys} in {@code view}, so that {@link #read} no longer
   * returns them: the erasure of an entity ({@link FeatureStore#erase}). Deleting a key without a
   * record does nothing, so deletes may be retried. The default throws: a store that cannot delete
   * cannot serve an erasure.
   *
   * @throws UnsupportedOperationException if this store cannot delete records
   * @since 0.1.0
   */
  default void delete(String view, Collection<EntityKey> keys) {
    throw new UnsupportedOperationException(
        getClass().getName() + " cannot delete records; erasing an entity needs delete()");
  }

  /**
   * Releases resources. A store passed to {@link FeatureStore.Builder#onlineStore} is closed by its
   * owner, not by the feature store.
   */
  @Override
  default void close() {}
}
