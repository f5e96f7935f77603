package io.github.mlops4j.features;

import io.github.mlops4j.internal.Checks;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.store.internal.Dialect;
import io.github.mlops4j.store.internal.Sql;
import io.github.mlops4j.store.internal.StoreAccess;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** SQL of the feature schema. Every public-facing method is one read or one transaction. */
final class FeatureDao {
  static final String COMPONENT = "features";
  static final int SCHEMA_VERSION = 2;

  /** Keys per IN (...) list, well under every driver's parameter limit. */
  static final int KEY_CHUNK = 500;

  /** Spines with at most this many distinct keys per view read only those keys' rows. */
  static final int SELECTIVE_KEYS = 4 * KEY_CHUNK;

  /**
   * Rows per JDBC batch when writing feature rows (offline and online): large enough that the round
   * trips vanish beside the inserts, small enough to bound the driver's buffered parameters.
   */
  static final int BATCH = 5_000;

  private final Store store;
  private final Dialect dialect;

  FeatureDao(Store store) {
    this.store = store;
    this.dialect = StoreAccess.dialect(store);
  }

  Store store() {
    return store;
  }

  /** A stored view: id, current version and definition, watermark and newest materialized event. */
  record StoredView(
      long id,
      int version,
      ViewDefinition definition,
      @Nullable Long watermark,
      @Nullable Long newestEvent) {}

  /** The result of an apply: the stored view and whether a new version was written. */
  record Applied(StoredView view, boolean changed) {}

  /**
   * A number that grows with every stored definition change: the sum of the views' current versions
   * (views are never deleted and versions only grow). One aggregate over one row per view, much
   * cheaper than {@link #loadViews()}.
   */
  long generation() {
    return StoreAccess.read(
        store,
        c -> {
          try (PreparedStatement p =
                  c.prepareStatement(
                      "SELECT COALESCE(SUM(current_version), 0) FROM feature_views");
              ResultSet rs = p.executeQuery()) {
            rs.next();
            return rs.getLong(1);
          }
        });
  }

  List<StoredView> loadViews() {
    return StoreAccess.read(
        store,
        c -> {
          List<StoredView> out = new ArrayList<>();
          try (PreparedStatement p =
                  c.prepareStatement(
                      "SELECT v.view_id, v.current_version, d.definition, v.watermark, v.newest_event"
                          + " FROM feature_views v JOIN feature_view_versions d"
                          + " ON d.view_id = v.view_id AND d.version = v.current_version"
                          + " WHERE v.current_version > 0 ORDER BY v.name");
              ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
              out.add(
                  new StoredView(
                      rs.getLong(1),
                      rs.getInt(2),
                      ViewDefinition.fromJson(rs.getString(3)),
                      nullableLong(rs, 4),
                      nullableLong(rs, 5)));
            }
          }
          return out;
        });
  }

  Applied apply(FeatureView view, long now) {
    return StoreAccess.write(
        store,
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO feature_views (name, current_version, last_seq) VALUES (?, 0, 0)"
                      + " ON CONFLICT (name) DO NOTHING")) {
            p.setString(1, view.name());
            p.executeUpdate();
          }
          long id;
          int version;
          @Nullable Long watermark;
          @Nullable Long newest;
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT view_id, current_version, watermark, newest_event FROM feature_views"
                      + " WHERE name = ?"
                      + forUpdate())) {
            p.setString(1, view.name());
            try (ResultSet rs = p.executeQuery()) {
              if (!rs.next()) {
                throw new SQLException("feature view '" + view.name() + "' vanished during apply");
              }
              id = rs.getLong(1);
              version = rs.getInt(2);
              watermark = nullableLong(rs, 3);
              newest = nullableLong(rs, 4);
            }
          }
          ViewDefinition next;
          if (version == 0) {
            next = ViewDefinition.first(view);
          } else {
            ViewDefinition current = definition(c, id, version);
            next = current.evolve(view);
            if (next == current) {
              return new Applied(new StoredView(id, version, current, watermark, newest), false);
            }
          }
          int nextVersion = version + 1;
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO feature_view_versions"
                      + " (view_id, version, definition, created_time) VALUES (?, ?, ?, ?)")) {
            p.setLong(1, id);
            p.setInt(2, nextVersion);
            p.setString(3, next.toJson());
            p.setLong(4, now);
            p.executeUpdate();
          }
          try (PreparedStatement p =
              c.prepareStatement(
                  "UPDATE feature_views SET current_version = ? WHERE view_id = ?")) {
            p.setInt(1, nextVersion);
            p.setLong(2, id);
            p.executeUpdate();
          }
          return new Applied(new StoredView(id, nextVersion, next, watermark, newest), true);
        });
  }

  private static ViewDefinition definition(Connection c, long id, int version) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT definition FROM feature_view_versions WHERE view_id = ? AND version = ?")) {
      p.setLong(1, id);
      p.setInt(2, version);
      try (ResultSet rs = p.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("definition " + version + " of feature view " + id + " missing");
        }
        return ViewDefinition.fromJson(rs.getString(1));
      }
    }
  }

  /** All stored versions of a view's definition, oldest first. */
  List<ViewDefinition> history(long viewId) {
    return StoreAccess.read(
        store,
        c -> {
          List<ViewDefinition> out = new ArrayList<>();
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT definition FROM feature_view_versions"
                      + " WHERE view_id = ? ORDER BY version")) {
            p.setLong(1, viewId);
            try (ResultSet rs = p.executeQuery()) {
              while (rs.next()) {
                out.add(ViewDefinition.fromJson(rs.getString(1)));
              }
            }
          }
          return out;
        });
  }

  String forUpdate() {
    return dialect == Dialect.POSTGRESQL ? " FOR UPDATE" : "";
  }

  /** The locked view row of a write or materialization transaction. */
  record ViewLock(long lastSeq, @Nullable Long watermark, @Nullable Long newestEvent) {}

  ViewLock lock(Connection c, long viewId) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT last_seq, watermark, newest_event"
                + " FROM feature_views WHERE view_id = ?"
                + forUpdate())) {
      p.setLong(1, viewId);
      try (ResultSet rs = p.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("feature view " + viewId + " is not in the store");
        }
        return new ViewLock(rs.getLong(1), nullableLong(rs, 2), nullableLong(rs, 3));
      }
    }
  }

  /**
   * Rows per multi-row {@code INSERT} of the offline insert (6 parameters each, far under SQLite's
   * and PostgreSQL's parameter limits): one statement execution per this many rows instead of one
   * per row.
   */
  static final int ROWS_PER_INSERT = 64;

  /** Stores rows with sequences {@code firstSeq, firstSeq + 1, ...} in list order. */
  void insertRows(Connection c, long viewId, List<SourceRow> rows) throws SQLException {
    insertMultiRow(c, viewId, rows, ROWS_PER_INSERT, BATCH);
  }

  /**
   * Inserts {@code rows} into {@code feature_rows} in list order with multi-row {@code INSERT}s of
   * {@code perStatement} rows, executed in JDBC batches of about {@code batchRows} rows; the
   * remainder goes in one shorter statement.
   */
  static void insertMultiRow(
      Connection c, long viewId, List<SourceRow> rows, int perStatement, int batchRows)
      throws SQLException {
    Checks.atLeast(perStatement, 1, "perStatement");
    Checks.atLeast(batchRows, 1, "batchRows");
    int n = rows.size();
    int full = n / perStatement;
    int rest = n - full * perStatement;
    int i = 0;
    if (full > 0) {
      int statementsPerBatch = Math.max(1, batchRows / perStatement);
      try (PreparedStatement p = c.prepareStatement(insertSql(perStatement))) {
        int pending = 0;
        for (int s = 0; s < full; s++) {
          bindRows(p, viewId, rows, i, perStatement);
          i += perStatement;
          p.addBatch();
          if (++pending == statementsPerBatch) {
            p.executeBatch();
            pending = 0;
          }
        }
        if (pending > 0) {
          p.executeBatch();
        }
      }
    }
    if (rest > 0) {
      try (PreparedStatement p = c.prepareStatement(insertSql(rest))) {
        bindRows(p, viewId, rows, i, rest);
        p.executeUpdate();
      }
    }
  }

  private static String insertSql(int rowCount) {
    StringBuilder sql =
        new StringBuilder(80 + rowCount * 20)
            .append(
                "INSERT INTO feature_rows (view_id, entity_key, event_time, created_time, seq,"
                    + " vals) VALUES ");
    for (int r = 0; r < rowCount; r++) {
      sql.append(r == 0 ? "(?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?)");
    }
    return sql.toString();
  }

  private static void bindRows(
      PreparedStatement p, long viewId, List<SourceRow> rows, int from, int count)
      throws SQLException {
    int param = 1;
    for (int k = 0; k < count; k++) {
      SourceRow r = rows.get(from + k);
      p.setLong(param++, viewId);
      p.setBytes(param++, r.key.bytes());
      p.setLong(param++, r.event);
      p.setLong(param++, r.created);
      p.setLong(param++, r.seq);
      p.setBytes(param++, r.values);
    }
  }

  /**
   * Binds {@code rows} of view {@code viewId} as parameters (view_id, entity_key, event_time,
   * created_time, seq, vals) of {@code p} and executes them in batches of {@code batchSize}: the
   * one row binder of the offline insert and the online upsert.
   */
  static void executeRows(
      PreparedStatement p, long viewId, Collection<SourceRow> rows, int batchSize)
      throws SQLException {
    Checks.atLeast(batchSize, 1, "batchSize");
    int pending = 0;
    for (SourceRow r : rows) {
      p.setLong(1, viewId);
      p.setBytes(2, r.key.bytes());
      p.setLong(3, r.event);
      p.setLong(4, r.created);
      p.setLong(5, r.seq);
      p.setBytes(6, r.values);
      p.addBatch();
      if (++pending == batchSize) {
        p.executeBatch();
        pending = 0;
      }
    }
    if (pending > 0) {
      p.executeBatch();
    }
  }

  /** The result recorded for {@code writeId} of view {@code viewId}, if any. */
  @Nullable WriteResult recordedWrite(Connection c, long viewId, String view, String writeId)
      throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT row_count, first_seq, late_entities FROM feature_writes"
                + " WHERE view_id = ? AND write_id = ?")) {
      p.setLong(1, viewId);
      p.setString(2, writeId);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? new WriteResult(view, rs.getInt(1), rs.getLong(2), rs.getInt(3)) : null;
      }
    }
  }

  /** Records {@code writeId} with what the write stored, in the write's transaction. */
  void recordWrite(Connection c, long viewId, String writeId, WriteResult done, long now)
      throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO feature_writes"
                + " (view_id, write_id, first_seq, row_count, late_entities, created_time)"
                + " VALUES (?, ?, ?, ?, ?, ?)")) {
      p.setLong(1, viewId);
      p.setString(2, writeId);
      p.setLong(3, done.firstSequence());
      p.setInt(4, done.rows());
      p.setInt(5, done.lateEntities());
      p.setLong(6, now);
      p.executeUpdate();
    }
  }

  void updateView(
      Connection c,
      long viewId,
      long lastSeq,
      @Nullable Long watermark,
      @Nullable Long newestEvent,
      @Nullable Long materializedTime)
      throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "UPDATE feature_views SET last_seq = ?,"
                + " watermark = ?, newest_event = ?, materialized_time = COALESCE(?, materialized_time)"
                + " WHERE view_id = ?")) {
      p.setLong(1, lastSeq);
      setNullableLong(p, 2, watermark);
      setNullableLong(p, 3, newestEvent);
      setNullableLong(p, 4, materializedTime);
      p.setLong(5, viewId);
      p.executeUpdate();
    }
  }

  /**
   * Streams the rows of a view with {@code lower < e <= upper} (or {@code lower <= e} when {@code
   * lowerInclusive}; no lower bound when {@code lower} is null) in (key, e, c, seq) order to {@code
   * sink}. Runs inside a write transaction, where PostgreSQL's driver streams by fetch size.
   */
  void scanRange(
      Connection c,
      long viewId,
      @Nullable Long lower,
      boolean lowerInclusive,
      long upper,
      RowSink sink)
      throws SQLException {
    String sql =
        "SELECT entity_key, event_time, created_time, seq, vals FROM feature_rows"
            + " WHERE view_id = ?"
            + (lower == null ? "" : lowerInclusive ? " AND event_time >= ?" : " AND event_time > ?")
            + " AND event_time <= ?"
            + " ORDER BY entity_key, event_time, created_time, seq";
    try (PreparedStatement p = c.prepareStatement(sql)) {
      p.setFetchSize(10_000);
      int i = 1;
      p.setLong(i++, viewId);
      if (lower != null) {
        p.setLong(i++, lower);
      }
      p.setLong(i, upper);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          sink.accept(row(rs));
        }
      }
    }
  }

  /**
   * The source of a point-in-time join of one view. Reads the rows of only the given keys (sorted)
   * when there are few of them, otherwise every row of the view between the first and the last of
   * them, with {@code e <= maxTime}.
   */
  PointInTimeJoin.Source joinSource(Connection c, long viewId) {
    return (keys, maxTime) -> {
      Streaming streaming = streaming(c);
      if (keys.size() > SELECTIVE_KEYS) {
        PreparedStatement p =
            c.prepareStatement(
                "SELECT entity_key, event_time, created_time,"
                    + " seq, vals FROM feature_rows WHERE view_id = ? AND event_time <= ?"
                    + " AND entity_key >= ? AND entity_key <= ?"
                    + " ORDER BY entity_key, event_time, created_time, seq");
        p.setFetchSize(10_000);
        p.setLong(1, viewId);
        p.setLong(2, maxTime);
        // Only the range of the keys (a part of the spine's when the join is split by key).
        p.setBytes(3, keys.get(0).bytes());
        p.setBytes(4, keys.get(keys.size() - 1).bytes());
        return new ResultSetCursor(List.of(p), streaming);
      }
      List<PreparedStatement> chunks = new ArrayList<>();
      for (int from = 0; from < keys.size(); from += KEY_CHUNK) {
        List<EntityKey> chunk = keys.subList(from, Math.min(keys.size(), from + KEY_CHUNK));
        PreparedStatement p =
            c.prepareStatement(
                "SELECT entity_key, event_time, created_time,"
                    + " seq, vals FROM feature_rows WHERE view_id = ? AND event_time <= ?"
                    + " AND entity_key IN "
                    + Sql.inList(chunk.size())
                    + " ORDER BY entity_key, event_time, created_time, seq");
        p.setFetchSize(10_000);
        p.setLong(1, viewId);
        p.setLong(2, maxTime);
        for (int k = 0; k < chunk.size(); k++) {
          p.setBytes(3 + k, chunk.get(k).bytes());
        }
        chunks.add(p);
      }
      return new ResultSetCursor(chunks, streaming);
    };
  }

  static SourceRow row(ResultSet rs) throws SQLException {
    return new SourceRow(
        new EntityKey(rs.getBytes(1)), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getBytes(5));
  }

  /**
   * PostgreSQL's driver streams a result set only inside a transaction; this turns auto-commit off
   * for the duration of a read (read-only work, so ending it commits nothing).
   */
  Streaming streaming(Connection c) throws SQLException {
    if (dialect == Dialect.POSTGRESQL && c.getAutoCommit()) {
      c.setAutoCommit(false);
      return () -> {
        try {
          c.rollback();
        } finally {
          c.setAutoCommit(true);
        }
      };
    }
    return () -> {};
  }

  interface Streaming extends AutoCloseable {
    @Override
    void close() throws SQLException;
  }

  /** Cursor over the result sets of several statements, read one after the other. */
  private static final class ResultSetCursor implements PointInTimeJoin.Cursor {
    private final List<PreparedStatement> statements;
    private final Streaming streaming;
    private int next;
    private @Nullable ResultSet rs;
    private @Nullable EntityKey lastKey;

    ResultSetCursor(List<PreparedStatement> statements, Streaming streaming) {
      this.statements = statements;
      this.streaming = streaming;
    }

    @Override
    public @Nullable SourceRow next() throws SQLException {
      while (true) {
        if (rs == null) {
          if (next >= statements.size()) {
            return null;
          }
          rs = statements.get(next++).executeQuery();
        }
        if (rs.next()) {
          byte[] key = rs.getBytes(1);
          EntityKey k =
              lastKey != null && java.util.Arrays.equals(key, lastKey.bytes())
                  ? lastKey
                  : new EntityKey(key);
          lastKey = k;
          return new SourceRow(k, rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getBytes(5));
        }
        rs.close();
        rs = null;
      }
    }

    @Override
    public void close() throws SQLException {
      SQLException failure = null;
      try {
        if (rs != null) {
          rs.close();
        }
      } catch (SQLException e) {
        failure = e;
      }
      for (PreparedStatement p : statements) {
        try {
          p.close();
        } catch (SQLException e) {
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
        }
      }
      try {
        streaming.close();
      } catch (SQLException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
      if (failure != null) {
        throw failure;
      }
    }
  }

  /** Receives stored rows; may run SQL on the same connection. */
  interface RowSink {
    void accept(SourceRow row) throws SQLException;
  }

  /** A piece of work that may run SQL. */
  interface SqlAction {
    void run() throws SQLException;
  }

  /** Name, watermark and newest materialized event of every view. */
  record Freshness(String name, @Nullable Long watermark, @Nullable Long newestEvent) {}

  List<Freshness> freshness() {
    return StoreAccess.read(
        store,
        c -> {
          List<Freshness> out = new ArrayList<>();
          try (PreparedStatement p =
                  c.prepareStatement(
                      "SELECT name, watermark, newest_event"
                          + " FROM feature_views WHERE current_version > 0 ORDER BY name");
              ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
              out.add(new Freshness(rs.getString(1), nullableLong(rs, 2), nullableLong(rs, 3)));
            }
          }
          return out;
        });
  }

  static @Nullable Long nullableLong(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }

  static void setNullableLong(PreparedStatement p, int i, @Nullable Long v) throws SQLException {
    if (v == null) {
      p.setNull(i, java.sql.Types.BIGINT);
    } else {
      p.setLong(i, v);
    }
  }
}
