package io.github.mlops4j.tracking;

import io.github.mlops4j.data.DatasetVersion;
import io.github.mlops4j.store.internal.Dialect;
import io.github.mlops4j.store.internal.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads full snapshots ({@link RunInfo}) of runs given by id: what a search returns for its page
 * and what {@link Tracker#findRun(String)} returns.
 *
 * <p>Four statements whatever the number of ids: the latest metrics, params and tags of the runs in
 * one {@code UNION ALL} with a kind column, their inputs, their artifacts and the runs themselves
 * (left out when the caller read the runs' columns already, as a search on PostgreSQL does with its
 * ids). On PostgreSQL they are sent in one round trip. Each binds the ids as one value that the
 * statement reads as a table of (position, id) (see {@link Ids}) and joins to the run's rows by
 * primary key, so every row comes back with the position of its run in the list: rows are collected
 * into an array slot per position, without reading the run id again or looking it up in a map, and
 * the maps a snapshot holds are built once, immutable, from the collected keys and values.
 */
final class RunSnapshots {
  private RunSnapshots() {}

  /** Kinds of the rows of the metrics, params and tags statement. */
  private static final int METRIC = 0;

  private static final int PARAM = 1;

  /**
   * The columns of {@code runs r} that a snapshot reads, in the order {@link #head(ResultSet, int,
   * ExperimentIds)} reads them.
   */
  static final String RUN_COLUMNS =
      "r.experiment_id, r.run_name, r.parent_run_id, r.user_id, r.status, r.start_time,"
          + " r.end_time, r.lifecycle_stage";

  /**
   * Snapshots of the runs {@code ids}, in that order; ids of no run are skipped. An id listed twice
   * gives its run twice.
   */
  static List<RunInfo> load(Connection c, Dialect dialect, List<String> ids) throws SQLException {
    return load(c, dialect, ids, null);
  }

  /**
   * Snapshots of the runs {@code ids}, in that order. With {@code heads} (the {@link #RUN_COLUMNS}
   * of each id, read by the caller with the ids, e.g. by the search's own statement) the runs are
   * not read again and every id gives a snapshot; without, ids of no run are skipped and an id
   * listed twice gives its run twice.
   *
   * <p>On PostgreSQL the statements go to the server together, in one round trip (one query string
   * of several statements, run by the server one after the other in one implicit transaction; as
   * before, each statement reads the rows committed when it starts). On SQLite they run one by one.
   */
  static List<RunInfo> load(
      Connection c, Dialect dialect, List<String> ids, @Nullable List<Head> heads)
      throws SQLException {
    if (ids.isEmpty()) {
      return List.of();
    }
    Ids set = new Ids(dialect);
    Object arg = set.value(c, ids);
    Slot[] slots = new Slot[ids.size()];
    Head[] read = new Head[ids.size()];
    if (heads != null) {
      heads.toArray(read);
    }
    List<Statement> statements = new ArrayList<>(4);
    statements.add(
        new Statement(
            "SELECT "
                + set.position()
                + ", 0, m.key, CAST(NULL AS TEXT), m.value_bits, m.step, m.ts FROM "
                + set.table()
                + " JOIN latest_metrics m ON m.run_id = "
                + set.id()
                + " UNION ALL SELECT "
                + set.position()
                + ", 1, p.key, p.value, CAST(NULL AS BIGINT), CAST(NULL AS BIGINT),"
                + " CAST(NULL AS BIGINT) FROM "
                + set.table()
                + " JOIN params p ON p.run_id = "
                + set.id()
                + " UNION ALL SELECT "
                + set.position()
                + ", 2, t.key, t.value, CAST(NULL AS BIGINT), CAST(NULL AS BIGINT),"
                + " CAST(NULL AS BIGINT) FROM "
                + set.table()
                + " JOIN tags t ON t.run_id = "
                + set.id(),
            3,
            rs -> keyed(slot(slots, rs.getInt(1)), rs)));
    statements.add(
        new Statement(
            "SELECT "
                + set.position()
                + ", i.digest, i.name, i.context, i.size_bytes, i.file_count, i.row_count, i.source"
                + " FROM "
                + set.table()
                + " JOIN run_inputs i ON i.run_id = "
                + set.id()
                + " ORDER BY "
                + set.position()
                + ", i.name, i.digest, i.context",
            1,
            rs -> input(slot(slots, rs.getInt(1)), rs)));
    statements.add(
        new Statement(
            "SELECT "
                + set.position()
                + ", a.path, a.digest, a.size_bytes FROM "
                + set.table()
                + " JOIN artifacts a ON a.run_id = "
                + set.id()
                + " ORDER BY "
                + set.position()
                + ", a.path",
            1,
            rs ->
                slot(slots, rs.getInt(1))
                    .artifacts()
                    .add(new ArtifactInfo(rs.getString(2), rs.getString(3), rs.getLong(4)))));
    if (heads == null) {
      ExperimentIds experimentIds = new ExperimentIds();
      statements.add(
          new Statement(
              "SELECT "
                  + set.position()
                  + ", "
                  + RUN_COLUMNS
                  + " FROM "
                  + set.table()
                  + " JOIN runs r ON r.run_id = "
                  + set.id(),
              1,
              rs -> {
                int i = rs.getInt(1);
                read[i] = head(rs, 2, experimentIds);
              }));
    }
    if (dialect == Dialect.POSTGRESQL) {
      together(c, statements, arg);
    } else {
      for (Statement s : statements) {
        Object[] args = new Object[s.uses];
        Arrays.fill(args, arg);
        Sql.query(c, s.sql, args, s.row);
      }
    }
    List<RunInfo> out = new ArrayList<>(read.length);
    for (int i = 0; i < read.length; i++) {
      Head h = read[i];
      if (h != null) {
        out.add(snapshot(ids.get(i), h, slot(slots, i)));
      }
    }
    return out;
  }

  /**
   * Runs {@code statements} as one query string, each binding {@code arg} as many times as it uses
   * it: the driver sends them all before it waits for the first result.
   */
  private static void together(Connection c, List<Statement> statements, Object arg)
      throws SQLException {
    StringBuilder sql = new StringBuilder();
    int uses = 0;
    for (Statement s : statements) {
      if (sql.length() > 0) {
        sql.append(";\n");
      }
      sql.append(s.sql);
      uses += s.uses;
    }
    Object[] args = new Object[uses];
    Arrays.fill(args, arg);
    try (PreparedStatement p = c.prepareStatement(sql.toString())) {
      Sql.bind(p, args);
      boolean results = p.execute();
      for (Statement s : statements) {
        if (!results) {
          throw new SQLException("Expected a result set for: " + s.sql);
        }
        try (ResultSet rs = p.getResultSet()) {
          while (rs.next()) {
            s.row.accept(rs);
          }
        }
        results = p.getMoreResults();
      }
    }
  }

  /** One statement of a load: its SQL, how many times it binds the ids, and its row reader. */
  private record Statement(String sql, int uses, Sql.Row row) {}

  /** A row of the metrics, params and tags statement. */
  private static void keyed(Slot s, ResultSet rs) throws SQLException {
    int kind = rs.getInt(2);
    String key = rs.getString(3);
    if (kind == METRIC) {
      s.metrics.add(
          key,
          new MetricPoint(
              key,
              Double.longBitsToDouble(rs.getLong(5)),
              rs.getLong(6),
              Instant.ofEpochMilli(rs.getLong(7))));
    } else if (kind == PARAM) {
      s.params.add(key, rs.getString(4));
    } else if (!key.equals(Run.NAME_TAG)) {
      // The run name is the tag mlflow.runName; a row stored under that key by an older
      // version is shadowed (below), so tag and name never disagree.
      s.tags.add(key, rs.getString(4));
    }
  }

  /** A row of the inputs statement. */
  private static void input(Slot s, ResultSet rs) throws SQLException {
    Long rows = rs.getLong(7);
    if (rs.wasNull()) {
      rows = null;
    }
    String source = rs.getString(8);
    s.inputs()
        .add(
            new RunInput(
                new DatasetVersion(
                    rs.getString(3),
                    rs.getString(2),
                    rs.getLong(5),
                    rs.getLong(6),
                    rows,
                    source == null ? "" : source),
                rs.getString(4)));
  }

  /**
   * The {@link #RUN_COLUMNS} of a run, read from column {@code from} on.
   *
   * @param experimentIds the text of the experiment ids read so far
   */
  static Head head(ResultSet rs, int from, ExperimentIds experimentIds) throws SQLException {
    long end = rs.getLong(from + 6);
    Instant endTime = rs.wasNull() ? null : Instant.ofEpochMilli(end);
    return new Head(
        experimentIds.text(rs.getLong(from)),
        rs.getString(from + 1),
        rs.getString(from + 2),
        rs.getString(from + 3),
        RunStatus.valueOf(rs.getString(from + 4)),
        Instant.ofEpochMilli(rs.getLong(from + 5)),
        endTime,
        "deleted".equals(rs.getString(from + 7)));
  }

  private static RunInfo snapshot(String id, Head h, Slot s) {
    s.tags.add(Run.NAME_TAG, h.name());
    return new RunInfo(
        id,
        h.experimentId(),
        h.name(),
        h.parentRunId(),
        h.userId(),
        h.status(),
        h.startTime(),
        h.endTime(),
        h.deleted(),
        s.params.toMap(),
        s.metrics.toMap(),
        s.tags.toMap(),
        s.inputs == null ? List.of() : s.inputs,
        s.artifacts == null ? List.of() : s.artifacts);
  }

  /** What {@code runs} holds of a run (its {@link #RUN_COLUMNS}). */
  record Head(
      String experimentId,
      String name,
      @Nullable String parentRunId,
      String userId,
      RunStatus status,
      Instant startTime,
      @Nullable Instant endTime,
      boolean deleted) {}

  private static Slot slot(Slot[] slots, int position) {
    Slot s = slots[position];
    if (s == null) {
      s = new Slot();
      slots[position] = s;
    }
    return s;
  }

  /** What the statements read for the run at one position before its snapshot is built. */
  private static final class Slot {
    final Entries<MetricPoint> metrics = new Entries<>();
    final Entries<String> params = new Entries<>();
    final Entries<String> tags = new Entries<>();
    @Nullable List<RunInput> inputs;
    @Nullable List<ArtifactInfo> artifacts;

    List<RunInput> inputs() {
      List<RunInput> l = inputs;
      if (l == null) {
        l = new ArrayList<>();
        inputs = l;
      }
      return l;
    }

    List<ArtifactInfo> artifacts() {
      List<ArtifactInfo> l = artifacts;
      if (l == null) {
        l = new ArrayList<>();
        artifacts = l;
      }
      return l;
    }
  }

  /**
   * Keys and values of one map of a snapshot (unique keys: each comes from a primary key), turned
   * into the immutable map the snapshot keeps, without a mutable map in between.
   */
  static final class Entries<V> {
    /** Shared by all empty entries: many runs have no tags, and an empty map needs no array. */
    private static final Object[] NONE = {};

    private Object[] items = NONE;
    private int size;

    void add(String key, V value) {
      if (size * 2 == items.length) {
        items = Arrays.copyOf(items, Math.max(4, items.length * 2));
      }
      items[size * 2] = key;
      items[size * 2 + 1] = value;
      size++;
    }

    /**
     * The entries as an immutable map.
     *
     * @throws IllegalArgumentException if a key was added twice
     */
    @SuppressWarnings({"unchecked", "rawtypes"}) // only String keys and V values are added
    Map<String, V> toMap() {
      Object[] a = items;
      return switch (size) {
        case 0 -> Map.of();
        case 1 -> Map.of((String) a[0], (V) a[1]);
        case 2 -> Map.of((String) a[0], (V) a[1], (String) a[2], (V) a[3]);
        default -> {
          Map.Entry<String, V>[] entries = new Map.Entry[size];
          for (int i = 0; i < size; i++) {
            entries[i] = Map.entry((String) a[i * 2], (V) a[i * 2 + 1]);
          }
          yield Map.ofEntries(entries);
        }
      };
    }
  }

  /** The text of the last experiment id read: a page mostly holds runs of one experiment. */
  static final class ExperimentIds {
    private long last = Long.MIN_VALUE;
    private String text = "";

    String text(long id) {
      if (id != last || text.isEmpty()) {
        last = id;
        text = Long.toString(id);
      }
      return text;
    }
  }

  /**
   * A list of run ids bound as one parameter and read as a table of (position, id): a JSON array
   * read with {@code json_each} on SQLite, a {@code text[]} unnested with its ordinality on
   * PostgreSQL. Binding hundreds of separate parameters cost more than the rows read (1-2 ms per
   * statement for 500 ids).
   */
  private record Ids(Dialect dialect) {
    /** The table, aliased {@code j}. */
    String table() {
      return dialect == Dialect.POSTGRESQL
          ? "unnest(?) WITH ORDINALITY AS j(id, ord)"
          : "json_each(?) j";
    }

    /** The run id column of {@link #table()}. */
    String id() {
      return dialect == Dialect.POSTGRESQL ? "j.id" : "j.value";
    }

    /** The position (from 0) of the id in the list. */
    String position() {
      return dialect == Dialect.POSTGRESQL ? "(j.ord - 1)" : "j.key";
    }

    /** The value that {@link #table()} binds. */
    Object value(Connection c, List<String> ids) throws SQLException {
      if (dialect == Dialect.POSTGRESQL) {
        return c.createArrayOf("text", ids.toArray());
      }
      StringBuilder json = new StringBuilder(ids.size() * 36 + 2).append('[');
      for (int i = 0; i < ids.size(); i++) {
        if (i > 0) {
          json.append(',');
        }
        json.append('"');
        String id = ids.get(i);
        for (int k = 0; k < id.length(); k++) {
          char ch = id.charAt(k);
          if (ch == '"' || ch == '\\') {
            json.append('\\').append(ch);
          } else if (ch < 0x20) {
            json.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) ch));
          } else {
            json.append(ch);
          }
        }
        json.append('"');
      }
      return json.append(']').toString();
    }
  }
}
