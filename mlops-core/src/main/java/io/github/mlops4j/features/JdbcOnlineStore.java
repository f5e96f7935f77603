package io.github.mlops4j.features;

import io.github.mlops4j.store.Store;
import io.github.mlops4j.store.internal.Sql;
import io.github.mlops4j.store.internal.StoreAccess;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The embedded online store: table {@code feature_online} of the workspace store, one row per
 * (view, entity). Writes are conditional upserts that keep the greater (e, c, seq), so they can
 * join the transaction that writes offline rows or advances a watermark.
 */
final class JdbcOnlineStore implements OnlineStore {
  private static final String UPSERT =
      "INSERT INTO feature_online"
          + " (view_id, entity_key, event_time, created_time, seq, vals) VALUES (?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (view_id, entity_key) DO UPDATE SET event_time = excluded.event_time,"
          + " created_time = excluded.created_time, seq = excluded.seq, vals = excluded.vals"
          + " WHERE excluded.event_time > feature_online.event_time"
          + " OR (excluded.event_time = feature_online.event_time"
          + " AND (excluded.created_time > feature_online.created_time"
          + " OR (excluded.created_time = feature_online.created_time"
          + " AND excluded.seq > feature_online.seq)))";

  private final Store store;
  private final ToLongFunction<String> viewIds;

  JdbcOnlineStore(Store store, ToLongFunction<String> viewIds) {
    this.store = store;
    this.viewIds = viewIds;
  }

  /**
   * Keeps, per key, the greater of the stored and the given row; within the caller's transaction.
   */
  void upsert(Connection c, long viewId, Collection<SourceRow> rows) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(UPSERT)) {
      FeatureDao.executeRows(p, viewId, rows, FeatureDao.BATCH);
    }
  }

  /** The stored rows of {@code keys}. */
  Map<EntityKey, SourceRow> readRows(long viewId, Collection<EntityKey> keys) {
    if (keys.isEmpty()) {
      return Map.of();
    }
    return StoreAccess.read(
        store,
        c -> {
          Map<EntityKey, SourceRow> out = new HashMap<>(keys.size() * 2);
          if (keys.size() == 1) {
            try (PreparedStatement p =
                c.prepareStatement(
                    "SELECT entity_key, event_time,"
                        + " created_time, seq, vals FROM feature_online WHERE view_id = ? AND entity_key = ?")) {
              p.setLong(1, viewId);
              p.setBytes(2, keys.iterator().next().bytes());
              collect(p, out);
            }
            return out;
          }
          List<EntityKey> list = new ArrayList<>(keys);
          for (int from = 0; from < list.size(); from += FeatureDao.KEY_CHUNK) {
            List<EntityKey> chunk =
                list.subList(from, Math.min(list.size(), from + FeatureDao.KEY_CHUNK));
            try (PreparedStatement p =
                c.prepareStatement(
                    "SELECT entity_key, event_time,"
                        + " created_time, seq, vals FROM feature_online WHERE view_id = ? AND entity_key IN "
                        + Sql.inList(chunk.size()))) {
              p.setLong(1, viewId);
              for (int k = 0; k < chunk.size(); k++) {
                p.setBytes(2 + k, chunk.get(k).bytes());
              }
              collect(p, out);
            }
          }
          return out;
        });
  }

  private static void collect(PreparedStatement p, Map<EntityKey, SourceRow> out)
      throws SQLException {
    try (ResultSet rs = p.executeQuery()) {
      while (rs.next()) {
        SourceRow r = FeatureDao.row(rs);
        out.put(r.key, r);
      }
    }
  }

  @Override
  public Map<EntityKey, OnlineRecord> read(String view, Collection<EntityKey> keys) {
    Map<EntityKey, OnlineRecord> out = new HashMap<>();
    readRows(viewIds.applyAsLong(view), keys).forEach((k, r) -> out.put(k, OnlineRecord.of(r)));
    return out;
  }

  @Override
  public void write(String view, Collection<OnlineRecord> records) {
    long id = viewIds.applyAsLong(view);
    List<SourceRow> rows = new ArrayList<>(records.size());
    for (OnlineRecord r : records) {
      rows.add(r.toRow());
    }
    StoreAccess.write(
        store,
        c -> {
          upsert(c, id, rows);
          return null;
        });
  }

  @Override
  public void delete(String view, Collection<EntityKey> keys) {
    long id = viewIds.applyAsLong(view);
    StoreAccess.write(
        store,
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "DELETE FROM feature_online WHERE view_id = ? AND entity_key = ?")) {
            for (EntityKey k : keys) {
              p.setLong(1, id);
              p.setBytes(2, k.bytes());
              p.addBatch();
            }
            p.executeBatch();
          }
          return null;
        });
  }
}
