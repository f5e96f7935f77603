package io.github.mlops4j.features;

import io.github.mlops4j.governance.DataAccessPolicy;
import io.github.mlops4j.governance.DataAction;
import io.github.mlops4j.governance.PurgeResult;
import io.github.mlops4j.governance.ReadAudit;
import io.github.mlops4j.governance.internal.Guard;
import io.github.mlops4j.internal.Checks;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.store.StoreOptions;
import io.github.mlops4j.store.internal.StoreAccess;
import io.github.mlops4j.store.internal.StoreSource;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Feature lookup in-process: versioned feature views, an offline store of every row written,
 * point-in-time training sets, materialization to an online store and cached online reads, all
 * choosing rows by one as-of rule.
 *
 * <pre>{@code
 * try (FeatureStore features = FeatureStore.open(Path.of("workspace"))) {
 *   features.apply(FeatureView.builder("customer_stats")
 *       .entity("customer_id", ValueType.STRING)
 *       .feature("avg_spend_30d", ValueType.DOUBLE)
 *       .ttl(Duration.ofDays(2))
 *       .build());
 *   features.write("customer_stats", rows);
 *   List<TrainingRow> training = features.historical(spine, List.of("customer_stats:avg_spend_30d"));
 *   features.materialize(Instant.now());
 *   OnlineFeatures online = features.online(Map.of("customer_id", "c1"),
 *       List.of("customer_stats:avg_spend_30d"));
 * }
 * }</pre>
 *
 * <p><b>The as-of rule.</b> For an entity with keys {@code k} and a time {@code T}, the rows of
 * {@code k} with {@code eventTime <= T} (and, with {@link JoinOptions#asOfKnownTime()}, {@code
 * createdTime <= T}) are eligible; the winner is the eligible row with the greatest {@code
 * (eventTime, createdTime, write sequence)}; it is {@link FeatureStatus#EXPIRED} when the view has
 * a TTL and {@code eventTime < T - ttl}. The winner is taken whole: a null value stays null ({@link
 * FeatureStatus#NULL_VALUE}). {@link #historical} applies the rule to each spine row, {@link
 * #materialize} to the online store's rows, {@link #online} at the read time. See {@code
 * docs/features.md}.
 *
 * <p>Thread-safe. Definitions applied by other processes are picked up by {@link #refresh()}, and
 * automatically when an unknown view or feature is referenced: that reads a counter of stored
 * definition changes (one small query) and reloads the definitions only when it moved since they
 * were loaded, so repeated unknown names cost no reload and no lock, and a view applied elsewhere
 * is found by the first call that names it.
 *
 * <p><b>Access policy and read audit.</b> With a {@link Builder#accessPolicy DataAccessPolicy},
 * every public method that reads or writes definitions or feature data asks the policy first, as
 * the {@link Builder#actor actor}, with the view names concerned and the number of entity rows
 * (never their keys or values); a refusal reads and changes nothing. With a {@link
 * Builder#readAudit ReadAudit}, every read ({@link DataAction#FEATURE_READ_ONLINE}, {@link
 * DataAction#FEATURE_READ_OFFLINE}, {@link DataAction#FEATURE_VIEW_READ}) is recorded. Without
 * either (the default) a call pays one null check. See {@code docs/governance.md}.
 *
 * @since 0.1.0
 */
public final class FeatureStore implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FeatureStore.class);

  private final Store store;
  private final boolean ownsStore;
  private final Clock clock;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ViewCatalog catalog;
  private final OnlineReader reader;
  private final Materializer materializer;
  private final HistoricalJoin historical;
  private final List<MaterializationListener> listeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private final EntityEraser eraser;

  /** The access policy, actor and read audit; null when nothing is checked or recorded. */
  private final @Nullable Guard guard;

  private FeatureStore(Builder b, Store store, boolean ownsStore) {
    this.store = store;
    this.ownsStore = ownsStore;
    this.clock = StoreAccess.clock(b);
    Supplier<String> actor = b.actor;
    this.guard =
        Guard.of(b.accessPolicy, actor != null ? actor : () -> Builder.DEFAULT_ACTOR, b.readAudit);
    try {
      StoreAccess.migrate(store, FeatureDao.COMPONENT, FeatureDao.SCHEMA_VERSION);
      FeatureDao dao = new FeatureDao(store);
      this.catalog = new ViewCatalog(dao, closed, this::invalidateCache);
      OnlineStore onlineStore;
      JdbcOnlineStore embeddedOnline;
      if (b.onlineStore != null) {
        onlineStore = b.onlineStore;
        embeddedOnline = null;
      } else {
        embeddedOnline = new JdbcOnlineStore(store, name -> catalog.require(name).id);
        onlineStore = embeddedOnline;
      }
      this.reader =
          new OnlineReader(
              catalog,
              clock,
              onlineStore,
              embeddedOnline,
              b.cacheMaximumSize,
              b.cacheMaxStaleness,
              b.cacheRefreshAfter,
              b.cacheRefreshExecutor,
              b.lookupObserver);
      this.materializer =
          new Materializer(store, dao, catalog, clock, onlineStore, embeddedOnline, reader.cache());
      this.historical = new HistoricalJoin(store, dao, catalog, b.executor);
      this.eraser =
          new EntityEraser(store, dao, catalog, clock, onlineStore, embeddedOnline, reader.cache());
      catalog.refresh();
    } catch (RuntimeException e) {
      if (ownsStore) {
        store.close();
      }
      throw e;
    }
  }

  /** Opens (creating if needed) the embedded workspace at {@code workspace}. */
  public static FeatureStore open(Path workspace) {
    return builder().workspace(workspace).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The workspace store, for sharing with other mlops4j services. */
  public Store store() {
    return store;
  }

  // ---------------------------------------------------------------- definitions

  /**
   * Stores {@code view}'s definition as a new version when it differs from the current one (an
   * identical definition is a no-op), and registers its on-demand features in this process. Adding
   * features, removing features, changing the TTL or the description are compatible changes.
   *
   * @throws IncompatibleViewException if the entity keys or a feature's type changed
   * @throws IllegalArgumentException if an on-demand view has this name
   */
  public AppliedView apply(FeatureView view) {
    checkOpen();
    Objects.requireNonNull(view, "view");
    if (guard != null) {
      guard.write(DataAction.FEATURE_VIEW_WRITE, view.name());
    }
    return catalog.apply(view, clock);
  }

  /**
   * Registers an on-demand view in this process (it is not stored).
   *
   * @throws UnknownFeatureException if an input is not a stored feature
   * @throws IllegalArgumentException if a stored view has this name
   */
  public void apply(OnDemandView view) {
    checkOpen();
    Objects.requireNonNull(view, "view");
    if (guard != null) {
      guard.write(DataAction.FEATURE_VIEW_WRITE, view.name());
    }
    catalog.apply(view);
  }

  /** The current definitions of all views (with this process's on-demand features), by name. */
  public List<FeatureView> views() {
    checkOpen();
    Guard g = guard;
    return g == null
        ? catalog.views()
        : g.read(DataAction.FEATURE_VIEW_READ, List.of(), 0, catalog::views);
  }

  /** The current definition of a view, if it exists. */
  public Optional<FeatureView> view(String name) {
    checkOpen();
    Objects.requireNonNull(name, "name");
    Guard g = guard;
    return g == null
        ? catalog.view(name)
        : g.read(DataAction.FEATURE_VIEW_READ, List.of(name), 0, () -> catalog.view(name));
  }

  /** Every stored version of a view's definition, oldest first (stored parts only). */
  public List<FeatureView> versions(String name) {
    checkOpen();
    Objects.requireNonNull(name, "name");
    Guard g = guard;
    return g == null
        ? catalog.versions(name)
        : g.read(DataAction.FEATURE_VIEW_READ, List.of(name), 0, () -> catalog.versions(name));
  }

  /** Reloads definitions from the store, to see views applied by other processes. */
  public void refresh() {
    checkOpen();
    catalog.refresh();
  }

  /** Full reloads of the definitions so far (at open, apply, refresh and after a change). */
  long reloadCount() {
    return catalog.reloadCount();
  }

  // ---------------------------------------------------------------- writes

  /**
   * Stores rows in the offline store, in one transaction. Rows get consecutive write sequences in
   * list order (the last tie-breaker). Rows whose event time is at or before the view's watermark
   * (late data) also update the online store before the transaction commits (the embedded store
   * joins it), so materialization never misses them; an older row never replaces a newer one there.
   *
   * @throws FeatureDataException naming the row and field of the first bad row; nothing is stored
   * @throws FeatureException from an external online store that cannot take late rows (it is down):
   *     nothing is stored offline, and the write can be repeated
   * @throws UnknownFeatureException if the view does not exist
   */
  public WriteResult write(String view, List<FeatureRow> rows) {
    checkOpen();
    guardWrite(view, rows);
    return materializer.write(view, rows, null);
  }

  /**
   * {@link #write(String, List)}, at most once per {@code writeId}: the id is recorded with the
   * rows in the same transaction, and a later write to the same view with an id already recorded
   * stores nothing and returns the first write's result. So a write that may be repeated after a
   * failure (a retried Spark task, a job re-run, a client that timed out waiting for the commit)
   * stores its rows once, whichever attempt commits first. Concurrent writes with one id store the
   * rows once too (they serialize on the view). Give each distinct set of rows its own id, derived
   * from what identifies it (a job and a partition, a file name and offset).
   *
   * <p>Ids are kept for as long as the view exists (one small row per write). A repeated write is
   * recognised by its id alone; its rows are not compared with the first write's, except for their
   * number.
   *
   * @param writeId 1 to {@value #MAX_WRITE_ID} characters, no control characters
   * @throws FeatureException if the id was recorded for a write of another number of rows
   * @throws IllegalArgumentException if the id is empty, too long or has control characters
   * @since 0.1.0
   */
  public WriteResult write(String view, List<FeatureRow> rows, String writeId) {
    checkOpen();
    guardWrite(view, rows);
    return materializer.write(view, rows, checkWriteId(writeId));
  }

  private void guardWrite(String view, List<FeatureRow> rows) {
    if (guard != null) {
      guard.write(
          DataAction.FEATURE_WRITE,
          List.of(Objects.requireNonNull(view, "view")),
          Objects.requireNonNull(rows, "rows").size());
    }
  }

  /** The longest write id, in characters. */
  public static final int MAX_WRITE_ID = 200;

  private static String checkWriteId(String writeId) {
    Objects.requireNonNull(writeId, "writeId");
    boolean control = writeId.chars().anyMatch(Character::isISOControl);
    if (writeId.isEmpty() || writeId.length() > MAX_WRITE_ID || control) {
      throw new IllegalArgumentException(
          "Bad write id ("
              + writeId.length()
              + " characters"
              + (control ? ", with control characters" : "")
              + "): use 1 to "
              + MAX_WRITE_ID
              + " characters without control characters");
    }
    return writeId;
  }

  // ---------------------------------------------------------------- historical

  /** {@link #historical(List, List, JoinOptions)} with {@link JoinOptions#defaults()}. */
  public List<TrainingRow> historical(List<EntityRow> spine, List<String> features) {
    return historical(spine, features, JoinOptions.defaults());
  }

  /**
   * A point-in-time training set: exactly one row per spine row, in spine order (duplicates kept),
   * each with the requested features as of the spine row's timestamp. Each view is joined
   * independently by a sort-merge over its stored rows (no query per spine row); the result does
   * not depend on the order the features are listed in.
   *
   * @param spine entity rows: key columns of every view involved, a timestamp, extra columns
   * @param features {@code "view:feature"} references
   * @throws FeatureDataException naming the row and field of a spine row without a timestamp, with
   *     a missing or mistyped key, or missing a request field of an on-demand feature
   * @throws UnknownFeatureException for an unknown view or feature
   */
  public List<TrainingRow> historical(
      List<EntityRow> spine, List<String> features, JoinOptions options) {
    checkOpen();
    Guard g = guard;
    if (g == null) {
      return historical.join(spine, features, options);
    }
    return g.read(
        DataAction.FEATURE_READ_OFFLINE,
        Guard.views(Objects.requireNonNull(features, "features")),
        Objects.requireNonNull(spine, "spine").size(),
        () -> historical.join(spine, features, options));
  }

  // ---------------------------------------------------------------- materialization

  /**
   * Materializes every view incrementally up to {@code to}: for each view, the stored rows with
   * event times in (watermark, to] (all rows up to {@code to} the first time) are resolved to the
   * newest per entity and offered to the online store, and the watermark becomes {@code to}, in one
   * transaction per view. A crash leaves each view at its previous or its new watermark, so calling
   * again resumes. A view already at or past {@code to} is left alone.
   *
   * @throws IllegalArgumentException if {@code to} is after the store clock's now (a future
   *     watermark would let rows written later with earlier event times skip the online store)
   */
  public List<Materialization> materialize(Instant to) {
    return materialize(null, to);
  }

  /**
   * Like {@link #materialize(Instant)}, but a view's first materialization starts at {@code from}
   * (inclusive): older rows are not loaded, so entities whose newest row is older than {@code from}
   * read {@link FeatureStatus#NOT_FOUND} online until they get a newer row. Pick {@code from <= to
   * - ttl} to skip only rows that would read {@link FeatureStatus#EXPIRED} anyway. Views that
   * already have a watermark resume from it.
   *
   * @throws IllegalArgumentException if {@code from > to}, if {@code to} is in the future, or if
   *     {@code from} is after a view's watermark (that would skip the rows in between)
   */
  public List<Materialization> materialize(@Nullable Instant from, Instant to) {
    checkOpen();
    if (guard != null) {
      guard.write(DataAction.FEATURE_WRITE, List.of(), 0);
    }
    List<Materialization> done = materializer.materialize(from, to);
    if (!listeners.isEmpty()) {
      Instant now = clock.instant();
      for (Materialization m : done) {
        if (!java.util.Objects.equals(m.previousWatermark(), m.watermark())) {
          announce(m, now);
        }
      }
    }
    return done;
  }

  /**
   * Adds a listener to this feature store's materializations; close the returned subscription to
   * remove it. With no listener, announcing costs nothing.
   *
   * @since 0.1.0
   */
  public io.github.mlops4j.Subscription addListener(MaterializationListener listener) {
    Objects.requireNonNull(listener, "listener");
    listeners.add(listener);
    return io.github.mlops4j.Subscription.onClose(() -> listeners.remove(listener));
  }

  private void announce(Materialization m, Instant now) {
    for (MaterializationListener l : listeners) {
      try {
        l.onMaterialized(m, now);
      } catch (RuntimeException e) {
        LOG.warn("Materialization listener {} failed on {}: {}", l, m, e.toString());
      }
    }
  }

  // ---------------------------------------------------------------- online

  /** {@link #online(List, List)} for one request row. */
  public OnlineFeatures online(Map<String, ?> row, List<String> features) {
    return online(List.of(row), features);
  }

  /**
   * Reads features for request rows at the store clock's now ({@code T}), by the same rule as a
   * training row at {@code T}: the newest materialized row of each entity, {@link
   * FeatureStatus#EXPIRED} when {@code eventTime < T - ttl}, {@link FeatureStatus#NOT_FOUND}
   * without one. Rows come from the cache, or the online store on a miss.
   *
   * @param rows per request row: the key columns of every view involved, and request fields of
   *     on-demand features; other columns are ignored
   * @param features {@code "view:feature"} references
   * @throws FeatureDataException naming the row and field of a missing or mistyped key or request
   *     field
   * @throws UnknownFeatureException for an unknown view or feature
   */
  public OnlineFeatures online(List<? extends Map<String, ?>> rows, List<String> features) {
    checkOpen();
    Guard g = guard;
    if (g == null) {
      return reader.read(rows, features);
    }
    return g.read(
        DataAction.FEATURE_READ_ONLINE,
        Guard.views(Objects.requireNonNull(features, "features")),
        Objects.requireNonNull(rows, "rows").size(),
        () -> reader.read(rows, features));
  }

  /**
   * Statistics of this feature store's online cache since it was built: requests answered from the
   * cache or read from the online store, loads, evictions and size. Local numbers (no database
   * access); the counting costs one {@code LongAdder} increment per request and per load. The
   * Spring Boot starter publishes them as Micrometer's cache meters ({@code cache.gets} and the
   * rest, tag {@code cache=mlops.features}).
   *
   * @since 0.1.0
   */
  public FeatureCacheStats cacheStats() {
    return reader.cache().stats();
  }

  // ---------------------------------------------------------------- freshness

  /** Freshness of every view, by name. */
  public List<FeatureFreshness> freshness() {
    checkOpen();
    Guard g = guard;
    return g == null
        ? freshnessOfAll()
        : g.read(DataAction.FEATURE_VIEW_READ, List.of(), 0, this::freshnessOfAll);
  }

  private List<FeatureFreshness> freshnessOfAll() {
    Instant now = clock.instant();
    List<FeatureFreshness> out = new ArrayList<>();
    for (FeatureDao.Freshness f : catalog.freshness()) {
      LookupCounters c = catalog.counters(f.name());
      Instant newest = f.newestEvent() == null ? null : Timestamps.ofNanos(f.newestEvent());
      out.add(
          new FeatureFreshness(
              f.name(),
              f.watermark() == null ? null : Timestamps.ofNanos(f.watermark()),
              newest,
              newest == null ? null : Duration.between(newest, now),
              c.present.sum(),
              c.nullValue.sum(),
              c.notFound.sum(),
              c.expired.sum(),
              c.refreshFailures.sum()));
    }
    return out;
  }

  /**
   * Freshness of one view.
   *
   * @throws UnknownFeatureException if the view does not exist
   */
  public FeatureFreshness freshness(String view) {
    checkOpen();
    Objects.requireNonNull(view, "view");
    Guard g = guard;
    return g == null
        ? freshnessOf(view)
        : g.read(DataAction.FEATURE_VIEW_READ, List.of(view), 0, () -> freshnessOf(view));
  }

  private FeatureFreshness freshnessOf(String view) {
    catalog.require(view);
    for (FeatureFreshness f : freshnessOfAll()) {
      if (f.view().equals(view)) {
        return f;
      }
    }
    throw UnknownFeatureException.view(view, catalog.snapshot().views.keySet());
  }

  // ---------------------------------------------------------------- lifecycle

  /** Drops the online cache (a view's version changed). */
  private void invalidateCache() {
    reader.cache().invalidateAll();
  }

  // ---------------------------------------------------------------- erasure

  /**
   * Plans the erasure of one entity (the right to erasure): every stored view whose key columns are
   * all in {@code entity} (for example {@code {"customer_id": 42}}), with the number of its offline
   * rows and whether the embedded online store holds it. Changes nothing.
   *
   * @throws IllegalArgumentException if no view is keyed by a subset of the columns, or a value is
   *     null
   * @throws FeatureDataException if a key value does not fit its column's type
   */
  public ErasurePlan planErasure(Map<String, ?> entity) {
    checkOpen();
    if (guard != null) {
      guard.write(DataAction.FEATURE_ERASE, List.of(), 1);
    }
    return eraser.plan(entity);
  }

  /**
   * Erases the entity of {@code plan}: in one transaction, under the lock each view's writes and
   * materializations take, deletes its offline rows and its embedded online row (or asks the
   * {@linkplain Builder#onlineStore online store} to {@link OnlineStore#delete delete} it), and
   * records the erasure in the governance audit trail ({@code actor}, the view names, counts and
   * {@code reason}; never the key values); then drops the entity from this process's cache. Other
   * processes' caches forget it within their {@linkplain Builder#cacheMaxStaleness staleness
   * bound}. Rows of the entity written afterwards are kept: stop the writers first. Running it
   * again is harmless. The {@linkplain Builder#accessPolicy access policy} is asked {@link
   * DataAction#FEATURE_ERASE} as the builder's {@linkplain Builder#actor actor}; {@code actor} is
   * the name the trail records.
   *
   * @throws UnsupportedOperationException if the online store cannot delete (nothing is erased)
   */
  public PurgeResult erase(ErasurePlan plan, String actor, @Nullable String reason) {
    checkOpen();
    Objects.requireNonNull(actor, "actor");
    if (guard != null) {
      guard.write(
          DataAction.FEATURE_ERASE,
          Objects.requireNonNull(plan, "plan").views().stream()
              .map(ErasurePlan.ViewErasure::view)
              .toList(),
          1);
    }
    return eraser.erase(plan, reason, actor);
  }

  private void checkOpen() {
    catalog.checkOpen();
  }

  /** Releases the cache and, if this feature store opened it, the workspace store. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      reader.cache().close();
      if (ownsStore) {
        store.close();
      }
    }
  }

  /**
   * Configures a {@link FeatureStore}; setters check their arguments at once. The {@link
   * #clock(java.time.Clock) clock} times online reads ({@code T}), created times of rows written
   * without one, TTL expiry of cache entries and the future-watermark check.
   */
  public static final class Builder extends StoreOptions<Builder> {
    private @Nullable OnlineStore onlineStore;
    private long cacheMaximumSize = 100_000;
    private Duration cacheMaxStaleness = Duration.ofMinutes(1);
    private @Nullable Duration cacheRefreshAfter;
    private @Nullable Executor cacheRefreshExecutor;
    private @Nullable Executor executor;
    private DataAccessPolicy accessPolicy = DataAccessPolicy.ALLOW_ALL;
    private @Nullable Supplier<String> actor;
    private @Nullable ReadAudit readAudit;
    private @Nullable FeatureLookupObserver lookupObserver;

    /** The actor when none is given: the {@code user.name} system property. */
    static final String DEFAULT_ACTOR = System.getProperty("user.name", "unknown");

    private Builder() {}

    @Override
    protected Builder self() {
      return this;
    }

    /**
     * Another online store (default: table {@code feature_online} of the workspace store). The
     * feature store does not close it. Unlike the embedded store it cannot join the store's
     * transactions: it is written after the offline rows commit, and materialization writes it
     * before the watermark commits.
     */
    public Builder onlineStore(OnlineStore onlineStore) {
      this.onlineStore = Objects.requireNonNull(onlineStore, "onlineStore");
      return this;
    }

    /** Most (view, entity) entries the online cache holds (default 100,000). */
    public Builder cacheMaximumSize(long entries) {
      Checks.atLeast(entries, 0, "cacheMaximumSize");
      this.cacheMaximumSize = entries;
      return this;
    }

    /**
     * Longest time a cache entry is kept without re-reading the online store (default 1 min).
     * Writes of this process invalidate at once; this bounds how long writes of other processes
     * stay unseen.
     */
    public Builder cacheMaxStaleness(Duration maxStaleness) {
      Objects.requireNonNull(maxStaleness, "cacheMaxStaleness");
      Checks.notNegative(maxStaleness, "cacheMaxStaleness");
      this.cacheMaxStaleness = maxStaleness;
      return this;
    }

    /**
     * Age after which a cache entry that is read is re-read from the online store in the background
     * (default: half of {@link #cacheMaxStaleness(Duration) cacheMaxStaleness}). The lookup that
     * finds it still gets the cached value at once; reloads due together are read in one bulk read
     * per view. Entries older than {@code cacheMaxStaleness} are still re-read on the lookup's
     * thread, so no value is ever served older than that bound. Zero, or a value not below {@code
     * cacheMaxStaleness}, turns refresh-ahead off.
     */
    public Builder cacheRefreshAfter(Duration refreshAfter) {
      Objects.requireNonNull(refreshAfter, "cacheRefreshAfter");
      Checks.notNegative(refreshAfter, "cacheRefreshAfter");
      this.cacheRefreshAfter = refreshAfter;
      return this;
    }

    /**
     * Runs the background reloads of the online cache (default: one daemon thread owned by the
     * feature store, ended by {@link FeatureStore#close()}). A failed reload keeps the old value
     * until it expires and is counted in {@link FeatureFreshness#cacheRefreshFailures()}. The
     * executor must run every task or reject it with {@link
     * java.util.concurrent.RejectedExecutionException} (a rejected reload counts as failed); one
     * that silently drops tasks stops refresh-ahead, and entries are then only re-read on the
     * caller's thread once older than {@link #cacheMaxStaleness}.
     */
    public Builder cacheRefreshExecutor(Executor executor) {
      this.cacheRefreshExecutor = Objects.requireNonNull(executor, "cacheRefreshExecutor");
      return this;
    }

    /**
     * Runs the joins of different views of one training set in parallel (default: one after the
     * other on the calling thread), and a view's join in up to 4 ranges of the spine's keys at once
     * when the spine has many distinct keys. Each task reads through its own store connection; a
     * join returns or throws only once all of its tasks have ended.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * The policy asked before every read and write of feature definitions and feature data (default
     * {@link DataAccessPolicy#ALLOW_ALL}); see {@link DataAccessPolicy}.
     *
     * @since 0.1.0
     */
    public Builder accessPolicy(DataAccessPolicy policy) {
      this.accessPolicy = Objects.requireNonNull(policy, "accessPolicy");
      return this;
    }

    /**
     * Who reads and writes, asked on every checked call (default: the {@code user.name} system
     * property). A server passes the caller of the current request, for example from a
     * thread-local; the supplier must return a non-blank name.
     *
     * @since 0.1.0
     */
    public Builder actor(Supplier<String> actor) {
      this.actor = Objects.requireNonNull(actor, "actor");
      return this;
    }

    /**
     * Records every read of feature definitions and feature data, online and offline (default:
     * none). The feature store does not close it.
     *
     * @since 0.1.0
     */
    public Builder readAudit(ReadAudit audit) {
      this.readAudit = Objects.requireNonNull(audit, "readAudit");
      return this;
    }

    /**
     * Sees every online read from its start to its end (default: none, at the cost of one null
     * check per read); see {@link FeatureLookupObserver}. The Spring Boot starter sets one that
     * records a Micrometer observation per read.
     *
     * @since 0.1.0
     */
    public Builder lookupObserver(FeatureLookupObserver observer) {
      this.lookupObserver = Objects.requireNonNull(observer, "lookupObserver");
      return this;
    }

    public FeatureStore build() {
      StoreSource.Opened opened = StoreAccess.openStore(this);
      return new FeatureStore(this, opened.store(), opened.owned());
    }
  }
}
