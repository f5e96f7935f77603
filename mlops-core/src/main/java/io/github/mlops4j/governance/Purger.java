package io.github.mlops4j.governance;

import io.github.mlops4j.artifacts.ArtifactObject;
import io.github.mlops4j.artifacts.ArtifactStore;
import io.github.mlops4j.governance.internal.GovernanceTables;
import io.github.mlops4j.internal.Checks;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.store.StoreOptions;
import io.github.mlops4j.store.internal.Dialect;
import io.github.mlops4j.store.internal.StoreAccess;
import io.github.mlops4j.store.internal.StoreSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes for good what tracking only soft-deletes: runs with their params, tags, metrics, dataset
 * inputs and the artifact objects nothing else references, and orphaned artifact objects that a
 * crash left in the store. Every operation is planned first ({@code plan...}: a dry run that lists
 * what would be deleted and changes nothing) and then executed with the plan; the result lists what
 * was deleted, and every execution is recorded in the audit trail ({@link #auditTrail()}) with ids
 * and counts, never the deleted values.
 *
 * <h2>Guarantees</h2>
 *
 * <ul>
 *   <li><b>Resumable.</b> A run purge deletes the rows of its runs in one transaction, which also
 *       queues the runs' artifact objects; objects are then deleted one by one, each in its own
 *       transaction. A purge interrupted after its rows are gone (a crash, a failing store) is
 *       finished by {@link #resume()}, which every purge and collection runs first.
 *   <li><b>Concurrent writers keep their objects.</b> An object is deleted only while new
 *       references to it are locked out (SQLite's write lock, or SHARE locks on the referencing
 *       tables on PostgreSQL), after checking that no run artifact and no model version names it,
 *       and only if it was not stored or renewed (a {@link ArtifactStore#put put} of equal content
 *       renews it) within the {@linkplain Builder#gracePeriod grace period}. A writer that stored
 *       an object and has not yet committed the row naming it is therefore safe as long as it
 *       commits within the grace period (default 24 hours).
 *   <li>Model versions and their artifacts are never deleted here (see the registry's {@code
 *       purgeVersion}); a version registered from a purged run keeps its artifact and its run id.
 * </ul>
 *
 * <p>The artifact store must support {@link ArtifactStore#list()} (collection) and {@link
 * ArtifactStore#delete(String, Instant)}; {@link
 * io.github.mlops4j.artifacts.DirectoryArtifactStore} does. With a store that cannot delete, purges
 * still delete their rows and leave the objects queued (listed as deferred) for a later {@link
 * #resume()}. Instances are safe to share between threads.
 *
 * @since 0.1.0
 */
public final class Purger implements AutoCloseable {
  /** Default grace period: objects stored or renewed this recently are never deleted. */
  public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofHours(24);

  /** The shortest positive grace period: twice the artifact stores' renewal window. */
  private static final Duration MIN_GRACE_PERIOD = Duration.ofMinutes(2);

  private static final Logger LOG = LoggerFactory.getLogger(Purger.class);

  private final Store store;
  private final boolean ownsStore;
  private final Clock clock;
  private final Duration gracePeriod;
  private final String actor;

  private Purger(Builder b, Store store, boolean ownsStore) {
    this.store = store;
    this.ownsStore = ownsStore;
    this.clock = StoreAccess.clock(b);
    this.gracePeriod = b.gracePeriod;
    this.actor = b.actor;
    try {
      GovernanceTables.migrate(store);
    } catch (RuntimeException e) {
      if (ownsStore) {
        store.close();
      }
      throw e;
    }
  }

  /** A purger of the embedded workspace at {@code workspace}. */
  public static Purger open(Path workspace) {
    return builder().workspace(workspace).build();
  }

  /** A builder; give it a workspace, a data source with an artifact store, or a shared store. */
  public static Builder builder() {
    return new Builder();
  }

  /** The grace period: objects stored or renewed more recently are never deleted. */
  public Duration gracePeriod() {
    return gracePeriod;
  }

  // ------------------------------------------------------------------ runs

  /** Plans the purge of every soft-deleted run. Changes nothing. */
  public RunPurgePlan planDeletedRuns() {
    List<String> ids =
        StoreAccess.read(
            store,
            c -> {
              List<String> out = new ArrayList<>();
              try (Statement s = c.createStatement();
                  ResultSet rs =
                      s.executeQuery(
                          "SELECT run_id FROM runs WHERE lifecycle_stage = 'deleted'"
                              + " ORDER BY run_id")) {
                while (rs.next()) {
                  out.add(rs.getString(1));
                }
              }
              return out;
            });
    return planRuns(ids, false);
  }

  /**
   * Plans the purge of the runs {@code runIds}. Runs that are not soft-deleted are refused unless
   * {@code includeActive} is true; a run still RUNNING is purged then too, and its tracker's later
   * writes fail. Changes nothing.
   *
   * @throws IllegalArgumentException if a run does not exist, or is not deleted and {@code
   *     includeActive} is false
   */
  public RunPurgePlan planRuns(Collection<String> runIds, boolean includeActive) {
    Set<String> ids = new TreeSet<>();
    for (String id : runIds) {
      ids.add(Objects.requireNonNull(id, "run id"));
    }
    return StoreAccess.read(
        store,
        c -> {
          List<PlannedRun> runs = new ArrayList<>();
          Set<String> digests = new TreeSet<>();
          for (String id : ids) {
            Boolean deleted = deleted(c, id);
            if (deleted == null) {
              throw new IllegalArgumentException("No run " + quote(id) + " to purge");
            }
            if (!deleted && !includeActive) {
              throw new IllegalArgumentException(
                  "Run "
                      + quote(id)
                      + " is not deleted; delete it first (Tracker.deleteRun) or plan with"
                      + " includeActive = true");
            }
            runs.add(
                new PlannedRun(
                    id,
                    deleted,
                    count(c, "SELECT COUNT(*) FROM params WHERE run_id = ?", id),
                    count(c, "SELECT COUNT(*) FROM tags WHERE run_id = ?", id),
                    count(c, "SELECT COUNT(*) FROM metric_series WHERE run_id = ?", id),
                    count(
                        c,
                        "SELECT COUNT(*) FROM metric_chunks WHERE series_id IN"
                            + " (SELECT series_id FROM metric_series WHERE run_id = ?)",
                        id),
                    count(c, "SELECT COUNT(*) FROM run_inputs WHERE run_id = ?", id),
                    count(c, "SELECT COUNT(*) FROM artifacts WHERE run_id = ?", id)));
            digests.addAll(
                strings(c, "SELECT DISTINCT digest FROM artifacts WHERE run_id = ?", id));
          }
          List<String> objects = new ArrayList<>();
          for (String d : digests) {
            if (!referencedOutside(c, d, ids)) {
              objects.add(d);
            }
          }
          return new RunPurgePlan(runs, objects, includeActive);
        });
  }

  /**
   * Executes a run purge planned by this purger: deletes the plan's runs and all their rows in one
   * transaction, then the artifact objects nothing references any more. A run restored since the
   * plan was made (when the plan required deleted runs) or already gone is skipped. The purge is
   * recorded in the audit trail with {@code reason} (for example a ticket number; never put
   * personal data there).
   *
   * @throws io.github.mlops4j.artifacts.ArtifactStoreException if an object cannot be deleted; the
   *     rows are gone by then and {@link #resume()} finishes the objects
   */
  public PurgeResult purge(RunPurgePlan plan, @Nullable String reason) {
    Objects.requireNonNull(plan, "plan");
    PurgeResult pending = resume();
    long now = clock.millis();
    Map<String, Long> rows = new LinkedHashMap<>();
    List<String> purged =
        StoreAccess.write(
            store,
            c -> {
              rows.clear();
              List<String> done = new ArrayList<>();
              Set<String> digests = new TreeSet<>();
              for (PlannedRun r : plan.runs()) {
                Boolean deleted = deleted(c, r.runId());
                if (deleted == null || (!deleted && !plan.includeActive())) {
                  continue;
                }
                digests.addAll(
                    strings(
                        c, "SELECT DISTINCT digest FROM artifacts WHERE run_id = ?", r.runId()));
                add(
                    rows,
                    "metricChunks",
                    delete(
                        c,
                        "DELETE FROM metric_chunks WHERE series_id IN"
                            + " (SELECT series_id FROM metric_series WHERE run_id = ?)",
                        r.runId()));
                add(
                    rows,
                    "metricSeries",
                    delete(c, "DELETE FROM metric_series WHERE run_id = ?", r.runId()));
                add(
                    rows,
                    "latestMetrics",
                    delete(c, "DELETE FROM latest_metrics WHERE run_id = ?", r.runId()));
                add(rows, "params", delete(c, "DELETE FROM params WHERE run_id = ?", r.runId()));
                add(rows, "tags", delete(c, "DELETE FROM tags WHERE run_id = ?", r.runId()));
                add(
                    rows,
                    "datasetInputs",
                    delete(c, "DELETE FROM run_inputs WHERE run_id = ?", r.runId()));
                add(
                    rows,
                    "artifacts",
                    delete(c, "DELETE FROM artifacts WHERE run_id = ?", r.runId()));
                add(rows, "runs", delete(c, "DELETE FROM runs WHERE run_id = ?", r.runId()));
                done.add(r.runId());
              }
              GovernanceTables.queue(c, digests, now);
              Map<String, Long> counts = new LinkedHashMap<>(rows);
              counts.put("queuedObjects", (long) digests.size());
              GovernanceTables.audit(
                  c, "PURGE_RUNS", actor, String.join(",", done), counts, reason, now);
              return done;
            });
    PurgeResult objects = resume();
    return new PurgeResult(
        purged,
        rows,
        concat(pending.deletedObjects(), objects.deletedObjects()),
        objects.deferredObjects());
  }

  // ---------------------------------------------------------------- objects

  /**
   * Deletes the queued objects of earlier purges (interrupted ones included) that are still
   * unreferenced and older than the grace period; referenced ones leave the queue, recent ones stay
   * queued. Runs before every purge and collection; safe to call at any time.
   */
  public PurgeResult resume() {
    List<String> queued = StoreAccess.read(store, GovernanceTables::pending);
    List<String> deleted = new ArrayList<>();
    List<String> deferred = new ArrayList<>();
    Instant cutoff = cutoff();
    for (String digest : queued) {
      Outcome o;
      try {
        o = deleteObject(digest, cutoff, true);
      } catch (UnsupportedOperationException e) {
        LOG.warn(
            "The artifact store {} cannot delete objects; {} purged object(s) stay queued",
            store.artifacts().location(),
            queued.size());
        deferred.addAll(queued.subList(queued.indexOf(digest), queued.size()));
        break;
      }
      if (o == Outcome.DELETED) {
        deleted.add(digest);
      } else if (o == Outcome.DEFERRED) {
        deferred.add(digest);
      }
    }
    if (!deleted.isEmpty()) {
      long now = clock.millis();
      StoreAccess.write(
          store,
          c -> {
            GovernanceTables.audit(
                c,
                "DELETE_OBJECTS",
                actor,
                "queued objects",
                Map.of("objects", (long) deleted.size()),
                null,
                now);
            return null;
          });
    }
    return new PurgeResult(List.of(), Map.of(), deleted, deferred);
  }

  /**
   * Plans the collection of orphaned artifact objects: objects in the store that no run artifact,
   * model version or queued purge references, last stored or renewed before the purger's clock
   * minus the grace period. Changes nothing.
   *
   * @throws UnsupportedOperationException if the artifact store cannot list its objects
   */
  public GarbagePlan planGarbageCollection() {
    Instant cutoff = cutoff();
    List<ArtifactObject> old = new ArrayList<>();
    try (Stream<ArtifactObject> all = store.artifacts().list()) {
      all.filter(o -> o.lastModified().isBefore(cutoff)).forEach(old::add);
    }
    Set<String> queued = new HashSet<>(StoreAccess.read(store, GovernanceTables::pending));
    List<ArtifactObject> orphans =
        StoreAccess.read(
            store,
            c -> {
              List<ArtifactObject> out = new ArrayList<>();
              for (ArtifactObject o : old) {
                if (!queued.contains(o.digest()) && !GovernanceTables.referenced(c, o.digest())) {
                  out.add(o);
                }
              }
              return out;
            });
    orphans.sort((a, b) -> a.digest().compareTo(b.digest()));
    return new GarbagePlan(cutoff, orphans);
  }

  /**
   * Deletes the objects of {@code plan} that are still unreferenced and were not stored or renewed
   * since the plan's cutoff, each checked again while new references are locked out (see the class
   * documentation). Recorded in the audit trail.
   */
  public PurgeResult collectGarbage(GarbagePlan plan) {
    Objects.requireNonNull(plan, "plan");
    PurgeResult pending = resume();
    List<String> deleted = new ArrayList<>();
    List<String> kept = new ArrayList<>();
    for (ArtifactObject o : plan.objects()) {
      Outcome outcome = deleteObject(o.digest(), plan.unchangedSince(), false);
      if (outcome == Outcome.DELETED) {
        deleted.add(o.digest());
      } else if (outcome == Outcome.DEFERRED) {
        kept.add(o.digest());
      }
    }
    long now = clock.millis();
    StoreAccess.write(
        store,
        c -> {
          GovernanceTables.audit(
              c,
              "COLLECT_GARBAGE",
              actor,
              "orphaned objects",
              Map.of("objects", (long) deleted.size(), "kept", (long) kept.size()),
              null,
              now);
          return null;
        });
    return new PurgeResult(List.of(), Map.of(), concat(pending.deletedObjects(), deleted), kept);
  }

  private enum Outcome {
    DELETED,
    REFERENCED,
    DEFERRED,
    ABSENT
  }

  /**
   * Deletes one object if nothing references it, while new references are locked out. {@code
   * queued}: the object is in the pending table and leaves it unless deferred.
   */
  private Outcome deleteObject(String digest, Instant cutoff, boolean queued) {
    ArtifactStore artifacts = store.artifacts();
    Dialect dialect = StoreAccess.dialect(store);
    return StoreAccess.write(
        store,
        c -> {
          if (GovernanceTables.lockAndCheckReferenced(c, dialect, digest)) {
            if (queued) {
              GovernanceTables.done(c, digest);
            }
            return Outcome.REFERENCED;
          }
          if (!queued && isQueued(c, digest)) {
            return Outcome.DEFERRED; // a purge owns it
          }
          if (artifacts.delete(digest, cutoff)) {
            if (queued) {
              GovernanceTables.done(c, digest);
            }
            return Outcome.DELETED;
          }
          if (artifacts.contains(digest)) {
            return Outcome.DEFERRED;
          }
          if (queued) {
            GovernanceTables.done(c, digest);
          }
          return Outcome.ABSENT;
        });
  }

  // ------------------------------------------------------------------ audit

  /** The governance audit trail, oldest first. */
  public List<AuditRecord> auditTrail() {
    return StoreAccess.read(
        store,
        c -> {
          List<AuditRecord> out = new ArrayList<>();
          try (Statement s = c.createStatement();
              ResultSet rs =
                  s.executeQuery(
                      "SELECT seq, action, actor, subject, counts, reason, event_time"
                          + " FROM governance_audit ORDER BY seq")) {
            while (rs.next()) {
              out.add(
                  new AuditRecord(
                      rs.getLong(1),
                      rs.getString(2),
                      rs.getString(3),
                      rs.getString(4),
                      rs.getString(5),
                      rs.getString(6),
                      Instant.ofEpochMilli(rs.getLong(7))));
            }
          }
          return out;
        });
  }

  /** Closes the store if this purger opened it. */
  @Override
  public void close() {
    if (ownsStore) {
      store.close();
    }
  }

  // ---------------------------------------------------------------- helpers

  private Instant cutoff() {
    return clock.instant().minus(gracePeriod);
  }

  private static boolean isQueued(Connection c, String digest) throws SQLException {
    return count(c, "SELECT COUNT(*) FROM purge_pending_objects WHERE digest = ?", digest) > 0;
  }

  /** Whether a run outside {@code runs} or a model version references {@code digest}. */
  private static boolean referencedOutside(Connection c, String digest, Set<String> runs)
      throws SQLException {
    for (String other :
        strings(c, "SELECT DISTINCT run_id FROM artifacts WHERE digest = ?", digest)) {
      if (!runs.contains(other)) {
        return true;
      }
    }
    return count(c, "SELECT COUNT(*) FROM mlops_schema WHERE component = 'registry'", null) > 0
        && count(c, "SELECT COUNT(*) FROM model_versions WHERE digest = ?", digest) > 0;
  }

  /** Whether the run is deleted; null if it does not exist. */
  private static @Nullable Boolean deleted(Connection c, String runId) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement("SELECT lifecycle_stage FROM runs WHERE run_id = ?")) {
      p.setString(1, runId);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? "deleted".equals(rs.getString(1)) : null;
      }
    }
  }

  private static long count(Connection c, String sql, @Nullable String arg) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      if (arg != null) {
        p.setString(1, arg);
      }
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static List<String> strings(Connection c, String sql, String arg) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement(sql)) {
      p.setString(1, arg);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  private static long delete(Connection c, String sql, String arg) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      p.setString(1, arg);
      return p.executeUpdate();
    }
  }

  private static void add(Map<String, Long> rows, String kind, long n) {
    rows.merge(kind, n, Long::sum);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static String quote(String s) {
    return s.length() <= 100
        ? "'" + s + "'"
        : "'" + s.substring(0, 100) + "\u2026' (" + s.length() + " chars)";
  }

  /**
   * Builds a {@link Purger}. Store settings come from {@link StoreOptions}; the clock decides the
   * grace period's cutoff and the audit times.
   *
   * @since 0.1.0
   */
  public static final class Builder extends StoreOptions<Builder> {
    private Duration gracePeriod = DEFAULT_GRACE_PERIOD;
    private String actor = System.getProperty("user.name", "unknown");

    private Builder() {}

    @Override
    protected Builder self() {
      return this;
    }

    /**
     * Objects stored or renewed within this period before now are never deleted (default 24 hours):
     * it must exceed the longest time between storing an object and committing the row that names
     * it. {@link Duration#ZERO} deletes everything unreferenced, for tests and for a workspace no
     * one else writes while it runs: it offers no protection to a concurrent writer. Other values
     * must be at least 2 minutes: a duplicate put renews an object only when it was last changed
     * more than a minute ago, so a shorter period could delete an object a writer has just stored
     * again and is about to reference.
     *
     * @throws IllegalArgumentException if negative, or positive and below 2 minutes
     */
    public Builder gracePeriod(Duration gracePeriod) {
      Checks.notNegative(gracePeriod, "gracePeriod");
      if (!gracePeriod.isZero() && gracePeriod.compareTo(MIN_GRACE_PERIOD) < 0) {
        throw new IllegalArgumentException(
            "gracePeriod must be zero (no concurrent writers) or at least "
                + MIN_GRACE_PERIOD
                + " (the artifact stores' renewal window is one minute), was "
                + gracePeriod);
      }
      this.gracePeriod = gracePeriod;
      return this;
    }

    /** Who the audit trail names as having purged (default: the {@code user.name} property). */
    public Builder actor(String actor) {
      Objects.requireNonNull(actor, "actor");
      if (actor.isBlank()) {
        throw new IllegalArgumentException("actor must not be blank");
      }
      this.actor = actor;
      return this;
    }

    /**
     * Opens the purger; migrates the tracking and governance schemas.
     *
     * @throws IllegalStateException unless exactly one of workspace, data source or store was given
     */
    public Purger build() {
      StoreSource.Opened opened = StoreAccess.openStore(this);
      return new Purger(this, opened.store(), opened.owned());
    }
  }
}
