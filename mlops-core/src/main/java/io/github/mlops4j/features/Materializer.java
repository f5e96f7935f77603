package io.github.mlops4j.features;

import io.github.mlops4j.store.Store;
import io.github.mlops4j.store.internal.StoreAccess;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The paths that put rows into the stores, behind {@link FeatureStore#write} and {@link
 * FeatureStore#materialize}: offline writes (late rows also reach the online store in the same
 * transaction) and incremental materialization of each view's winners up to a watermark. Both
 * invalidate the online cache for the keys they touch after their transaction commits.
 */
final class Materializer {
  private final Store store;
  private final FeatureDao dao;
  private final ViewCatalog catalog;
  private final Clock clock;
  private final OnlineStore onlineStore;
  private final @Nullable JdbcOnlineStore embeddedOnline;
  private final OnlineCache cache;

  Materializer(
      Store store,
      FeatureDao dao,
      ViewCatalog catalog,
      Clock clock,
      OnlineStore onlineStore,
      @Nullable JdbcOnlineStore embeddedOnline,
      OnlineCache cache) {
    this.store = store;
    this.dao = dao;
    this.catalog = catalog;
    this.clock = clock;
    this.onlineStore = onlineStore;
    this.embeddedOnline = embeddedOnline;
    this.cache = cache;
  }

  /** See {@link FeatureStore#write(String, List, String)}; {@code writeId} null: no id. */
  WriteResult write(String view, List<FeatureRow> rows, @Nullable String writeId) {
    Objects.requireNonNull(rows, "rows");
    ViewState v = catalog.require(view);
    long now = Timestamps.now(clock);
    int n = rows.size();
    EntityKey[] keys = new EntityKey[n];
    long[] events = new long[n];
    long[] created = new long[n];
    byte[][] values = new byte[n][];
    for (int i = 0; i < n; i++) {
      FeatureRow row = Objects.requireNonNull(rows.get(i), "row");
      keys[i] = RowCodec.encodeKey(v, row.keys(), i, true);
      events[i] = RowCodec.time(v.name, "eventTime", i, row.eventTime());
      created[i] =
          row.createdTime() == null
              ? now
              : RowCodec.time(v.name, "createdTime", i, row.createdTime());
      values[i] = RowCodec.encodeValues(v, row.values(), i, row.keys());
    }
    if (n == 0) {
      return new WriteResult(v.name, 0, 0, 0);
    }
    List<SourceRow> late = new ArrayList<>();
    WriteResult result =
        StoreAccess.write(
            store,
            c -> {
              late.clear();
              FeatureDao.ViewLock lock = dao.lock(c, v.id);
              if (writeId != null) {
                WriteResult earlier = dao.recordedWrite(c, v.id, v.name, writeId);
                if (earlier != null) {
                  if (earlier.rows() != n) {
                    throw new FeatureException(
                        v.name,
                        null,
                        -1,
                        "Write id '"
                            + writeId
                            + "' of view '"
                            + v.name
                            + "' was used by a write of "
                            + earlier.rows()
                            + " rows; this write has "
                            + n
                            + ". A write id names one write: use a new id for other rows");
                  }
                  return earlier; // a repeated write: its rows are stored already
                }
              }
              long firstSeq = lock.lastSeq() + 1;
              SourceRow[] stored = new SourceRow[n];
              for (int i = 0; i < n; i++) {
                stored[i] = new SourceRow(keys[i], events[i], created[i], firstSeq + i, values[i]);
              }
              SourceRow[] byKey = stored.clone();
              Arrays.sort(byKey, (a, b) -> a.key.compareTo(b.key));
              dao.insertRows(c, v.id, Arrays.asList(byKey));
              Long newest = lock.newestEvent();
              Long watermark = lock.watermark();
              if (watermark != null) {
                late.addAll(winners(byKey, watermark, true));
                for (SourceRow r : late) {
                  newest = newest == null ? r.event : Math.max(newest, r.event);
                }
                offerOnline(c, v, late); // before the commit: if it fails, nothing is stored
              }
              dao.updateView(c, v.id, firstSeq + n - 1, watermark, newest, null);
              WriteResult done = new WriteResult(v.name, n, firstSeq, late.size());
              if (writeId != null) {
                dao.recordWrite(c, v.id, writeId, done, now);
              }
              return done;
            });
    invalidate(v, late);
    return result;
  }

  /**
   * The winner per key (the same as-of rule, at {@code t}) among rows sorted by key, considering
   * only rows with {@code event <= t} when {@code onlyUpToT}.
   */
  private static List<SourceRow> winners(SourceRow[] byKey, long t, boolean onlyUpToT) {
    List<SourceRow> out = new ArrayList<>();
    AsOf.Timeline timeline = new AsOf.Timeline(false);
    for (int i = 0; i < byKey.length; ) {
      EntityKey key = byKey[i].key;
      timeline.reset();
      int j = i;
      for (; j < byKey.length && byKey[j].key.equals(key); j++) {
        if (!onlyUpToT || byKey[j].event <= t) {
          timeline.add(byKey[j], t);
        }
      }
      SourceRow w = timeline.winner();
      if (w != null) {
        out.add(w);
      }
      i = j;
    }
    return out;
  }

  private void invalidate(ViewState v, List<SourceRow> rows) {
    if (rows.isEmpty()) {
      return;
    }
    List<EntityKey> keys = new ArrayList<>(rows.size());
    for (SourceRow r : rows) {
      keys.add(r.key);
    }
    if (keys.size() > 100_000) {
      cache.invalidateAll();
    } else {
      cache.invalidate(v.id, keys);
    }
  }

  /** See {@link FeatureStore#materialize(Instant, Instant)}. */
  List<Materialization> materialize(@Nullable Instant from, Instant to) {
    Objects.requireNonNull(to, "to");
    Instant now = clock.instant();
    if (to.isAfter(now)) {
      throw new IllegalArgumentException(
          "Watermark 'to' = "
              + to
              + " is in the future (now is "
              + now
              + "): rows written later with earlier event times would never be materialized."
              + " Materialize up to now or earlier.");
    }
    if (!Timestamps.inRange(to)) {
      throw new IllegalArgumentException("Watermark 'to': " + Timestamps.rangeMessage(to));
    }
    if (from != null) {
      if (from.isAfter(to)) {
        throw new IllegalArgumentException("Watermark 'from' = " + from + " is after 'to' = " + to);
      }
      if (!Timestamps.inRange(from)) {
        throw new IllegalArgumentException("Watermark 'from': " + Timestamps.rangeMessage(from));
      }
    }
    catalog.refresh();
    List<Materialization> out = new ArrayList<>();
    for (ViewState v : catalog.sortedViews()) {
      out.add(
          materializeView(
              v, from == null ? null : Timestamps.toNanos(from), Timestamps.toNanos(to)));
    }
    return out;
  }

  private Materialization materializeView(ViewState v, @Nullable Long from, long to) {
    List<SourceRow> written = new ArrayList<>();
    long nowNanos = Timestamps.now(clock);
    Materialization m =
        StoreAccess.write(
            store,
            c -> {
              written.clear();
              FeatureDao.ViewLock lock = dao.lock(c, v.id);
              Long watermark = lock.watermark();
              Instant previous = watermark == null ? null : Timestamps.ofNanos(watermark);
              if (watermark != null) {
                if (from != null && from > watermark) {
                  throw new IllegalArgumentException(
                      "Watermark 'from' = "
                          + Timestamps.ofNanos(from)
                          + " is after the watermark "
                          + previous
                          + " of view '"
                          + v.name
                          + "': the rows"
                          + " in between would never be materialized. Pass from <= "
                          + previous
                          + " or call materialize(to).");
                }
                if (to <= watermark) {
                  return new Materialization(v.name, previous, previous, 0, 0);
                }
              }
              Long lower = watermark != null ? watermark : from;
              boolean inclusive = watermark == null;
              long[] counts = new long[2];
              long[] newest = {lock.newestEvent() == null ? Long.MIN_VALUE : lock.newestEvent()};
              List<SourceRow> batch = new ArrayList<>();
              AsOf.Timeline timeline = new AsOf.Timeline(false);
              EntityKey[] current = {null};
              FeatureDao.SqlAction flush =
                  () -> {
                    SourceRow w = timeline.winner();
                    if (w != null) {
                      batch.add(w);
                      written.add(w);
                      newest[0] = Math.max(newest[0], w.event);
                      counts[1]++;
                    }
                    timeline.reset();
                    if (batch.size() >= 5_000) {
                      offerOnline(c, v, batch);
                      batch.clear();
                    }
                  };
              dao.scanRange(
                  c,
                  v.id,
                  lower,
                  inclusive,
                  to,
                  row -> {
                    if (current[0] != null && !current[0].equals(row.key)) {
                      flush.run();
                    }
                    current[0] = row.key;
                    timeline.add(row, to);
                    counts[0]++;
                  });
              flush.run();
              offerOnline(c, v, batch);
              dao.updateView(
                  c,
                  v.id,
                  lock.lastSeq(),
                  to,
                  newest[0] == Long.MIN_VALUE ? null : newest[0],
                  nowNanos);
              return new Materialization(
                  v.name, previous, Timestamps.ofNanos(to), counts[0], counts[1]);
            });
    invalidate(v, written);
    return m;
  }

  /**
   * Offers rows to the online store inside a materialization transaction: the embedded store joins
   * the transaction; another store is written at once (its writes are idempotent and keep the
   * newest row, so a retried or failed transaction cannot make it go back in time).
   */
  private void offerOnline(Connection c, ViewState v, List<SourceRow> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    if (embeddedOnline != null) {
      embeddedOnline.upsert(c, v.id, rows);
    } else {
      List<OnlineRecord> records = new ArrayList<>(rows.size());
      for (SourceRow r : rows) {
        records.add(OnlineRecord.of(r));
      }
      onlineStore.write(v.name, records, v.def.ttl);
    }
  }
}
