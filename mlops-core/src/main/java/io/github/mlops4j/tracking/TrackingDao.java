package io.github.mlops4j.tracking;

import io.github.mlops4j.data.DatasetVersion;
import io.github.mlops4j.internal.Closest;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.store.internal.Dialect;
import io.github.mlops4j.store.internal.Sql;
import io.github.mlops4j.store.internal.StoreAccess;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** SQL of the tracking schema. Every method is one read or one transaction of the store. */
final class TrackingDao {
  static final String COMPONENT = "tracking";
  static final int SCHEMA_VERSION = 4;

  /** Ids per IN (...) list when reading many runs' statuses, under every driver's limit. */
  private static final int ID_CHUNK = 500;

  private final Store store;

  TrackingDao(Store store) {
    this.store = store;
  }

  Store store() {
    return store;
  }

  // ---------------------------------------------------------------- experiments

  Experiment getOrCreateExperiment(String name, long now) {
    return StoreAccess.write(
        store,
        c -> {
          Sql.update(
              c,
              "INSERT INTO experiments (name, creation_time) VALUES (?, ?)"
                  + " ON CONFLICT (name) DO NOTHING",
              name,
              now);
          return experiment(c, name)
              .orElseThrow(
                  () -> new SQLException("experiment '" + name + "' vanished during insert"));
        });
  }

  Optional<Experiment> findExperiment(String name) {
    return StoreAccess.read(store, c -> experiment(c, name));
  }

  List<Experiment> experiments() {
    return StoreAccess.read(
        store,
        c -> {
          List<Experiment> out = new ArrayList<>();
          try (PreparedStatement p =
                  c.prepareStatement(
                      "SELECT experiment_id, name, creation_time FROM experiments ORDER BY experiment_id");
              ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
              out.add(
                  new Experiment(
                      Long.toString(rs.getLong(1)),
                      rs.getString(2),
                      Instant.ofEpochMilli(rs.getLong(3))));
            }
          }
          return out;
        });
  }

  private static Optional<Experiment> experiment(Connection c, String name) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT experiment_id, name, creation_time FROM experiments WHERE name = ?")) {
      p.setString(1, name);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next()
            ? Optional.of(
                new Experiment(
                    Long.toString(rs.getLong(1)),
                    rs.getString(2),
                    Instant.ofEpochMilli(rs.getLong(3))))
            : Optional.empty();
      }
    }
  }

  // ---------------------------------------------------------------- runs

  void insertRun(
      String runId,
      String experimentId,
      String name,
      @Nullable String parentRunId,
      String user,
      long startTime,
      Map<String, String> tags,
      RunOwner owner) {
    StoreAccess.write(
        store,
        c -> {
          if (parentRunId != null && status(c, parentRunId) == null) {
            throw new RunNotFoundException(parentRunId);
          }
          Sql.update(
              c,
              "INSERT INTO runs (run_id, experiment_id, run_name, parent_run_id, user_id,"
                  + " status, start_time, owner, owner_host, owner_pid, owner_started,"
                  + " heartbeat_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              runId,
              Long.parseLong(experimentId),
              name,
              parentRunId,
              user,
              RunStatus.RUNNING.name(),
              startTime,
              owner.token(),
              owner.host(),
              owner.pid(),
              owner.started(),
              startTime);
          upsertTags(c, runId, tags);
          return null;
        });
  }

  /**
   * Ends a running run with {@code status}, setting {@code tags} in the same transaction.
   *
   * @return null if this call ended the run; otherwise the status the run already had (nothing was
   *     written)
   * @throws RunNotFoundException if no such run exists
   */
  @Nullable RunStatus endRun(
      String runId, RunStatus status, long endTime, Map<String, String> tags) {
    return StoreAccess.write(
        store,
        c -> {
          int updated =
              Sql.update(
                  c,
                  "UPDATE runs SET status = ?, end_time = ? WHERE run_id = ? AND status = ?",
                  status.name(),
                  endTime,
                  runId,
                  RunStatus.RUNNING.name());
          if (updated == 1) {
            upsertTags(c, runId, tags);
            return null;
          }
          RunStatus stored = status(c, runId);
          if (stored == null) {
            throw new RunNotFoundException(runId);
          }
          return stored;
        });
  }

  // ---------------------------------------------------------------- ownership

  /** Renews the heartbeat of every running run {@code owner} holds; returns how many. */
  int heartbeat(RunOwner owner, long now) {
    return StoreAccess.write(
        store,
        c ->
            Sql.update(
                c,
                "UPDATE runs SET heartbeat_time = ? WHERE owner = ? AND status = ?",
                now,
                owner.token(),
                RunStatus.RUNNING.name()));
  }

  /**
   * Lets go of the running runs {@code owner} holds (a tracker closing with runs still running):
   * they stay {@link RunStatus#RUNNING} and no other process will end them.
   */
  int release(RunOwner owner) {
    return StoreAccess.write(
        store,
        c ->
            Sql.update(
                c,
                "UPDATE runs SET owner = NULL, heartbeat_time = NULL WHERE owner = ? AND status = ?",
                owner.token(),
                RunStatus.RUNNING.name()));
  }

  /**
   * Makes {@code owner} the holder of a running run (a resumed run), whoever held it before: its
   * token, host, process and heartbeat become the resumer's, so the previous holder no longer
   * renews, releases or ends it.
   *
   * @return false if the run is no longer running (nothing written)
   */
  boolean takeOver(String runId, RunOwner owner, long now) {
    return StoreAccess.write(
            store,
            c ->
                Sql.update(
                    c,
                    "UPDATE runs SET owner = ?, owner_host = ?, owner_pid = ?, owner_started = ?,"
                        + " heartbeat_time = ? WHERE run_id = ? AND status = ?",
                    owner.token(),
                    owner.host(),
                    owner.pid(),
                    owner.started(),
                    now,
                    runId,
                    RunStatus.RUNNING.name()))
        == 1;
  }

  /**
   * Ends every running run {@code owner} holds as {@link RunStatus#KILLED} with {@code tags}.
   *
   * @return the ids of the runs it ended
   */
  List<String> killOwned(RunOwner owner, long now, Map<String, String> tags) {
    return StoreAccess.write(
        store,
        c -> {
          List<String> ids = new ArrayList<>();
          Sql.query(
              c,
              "SELECT run_id FROM runs WHERE owner = ? AND status = ?",
              new Object[] {owner.token(), RunStatus.RUNNING.name()},
              rs -> ids.add(rs.getString(1)));
          List<String> ended = new ArrayList<>();
          for (String id : ids) {
            if (Sql.update(
                    c,
                    "UPDATE runs SET status = ?, end_time = ? WHERE run_id = ?" + " AND status = ?",
                    RunStatus.KILLED.name(),
                    now,
                    id,
                    RunStatus.RUNNING.name())
                == 1) {
              upsertTags(c, id, tags);
              ended.add(id);
            }
          }
          return ended;
        });
  }

  /** A running run whose holder's heartbeat is older than the lease. */
  record Abandoned(String runId, String host, long pid, @Nullable Long started, long heartbeat) {}

  /**
   * Ends as {@link RunStatus#KILLED} every running run whose holder's heartbeat is older than
   * {@code staleBefore} and whose process {@code alive} does not see; each keeps its last heartbeat
   * as end time and gets the tag {@value Tracker#END_REASON_TAG}. A heartbeat that lands meanwhile
   * wins (the update is conditional on the heartbeat read).
   *
   * @return the runs it ended, at most {@code limit} per call
   */
  List<Abandoned> endAbandoned(
      long staleBefore, int limit, java.util.function.Predicate<Abandoned> alive) {
    // A read first: most opens find nothing to end and must not wait for the write lock.
    if (StoreAccess.read(store, c -> staleRuns(c, staleBefore, limit)).stream().allMatch(alive)) {
      return List.of();
    }
    return StoreAccess.write(
        store,
        c -> {
          List<Abandoned> stale = staleRuns(c, staleBefore, limit); // re-checked under the lock
          List<Abandoned> ended = new ArrayList<>();
          for (Abandoned a : stale) {
            if (alive.test(a)) {
              continue;
            }
            if (Sql.update(
                    c,
                    "UPDATE runs SET status = ?, end_time = ?, owner = NULL"
                        + " WHERE run_id = ? AND status = ? AND heartbeat_time = ?",
                    RunStatus.KILLED.name(),
                    a.heartbeat(),
                    a.runId(),
                    RunStatus.RUNNING.name(),
                    a.heartbeat())
                == 1) {
              upsertTags(
                  c,
                  a.runId(),
                  Map.of(
                      Tracker.END_REASON_TAG,
                      "its process (pid "
                          + a.pid()
                          + " on "
                          + Tracker.cut(a.host())
                          + ") stopped"
                          + " without ending it; last heartbeat at "
                          + Instant.ofEpochMilli(a.heartbeat())));
              ended.add(a);
            }
          }
          return ended;
        });
  }

  private static List<Abandoned> staleRuns(Connection c, long staleBefore, int limit)
      throws SQLException {
    List<Abandoned> stale = new ArrayList<>();
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT run_id, owner_host, owner_pid, owner_started, heartbeat_time FROM runs"
                + " WHERE status = ? AND owner IS NOT NULL AND heartbeat_time < ?"
                + " ORDER BY heartbeat_time LIMIT ?")) {
      p.setString(1, RunStatus.RUNNING.name());
      p.setLong(2, staleBefore);
      p.setInt(3, limit);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          long started = rs.getLong(4);
          Long start = rs.wasNull() ? null : started;
          stale.add(
              new Abandoned(
                  rs.getString(1),
                  String.valueOf(rs.getString(2)),
                  rs.getLong(3),
                  start,
                  rs.getLong(5)));
        }
      }
    }
    return stale;
  }

  /**
   * Refuses a write to a run that is not {@link RunStatus#RUNNING} in the store. Called first in
   * the write's own transaction; on PostgreSQL the run's row is share-locked until the write
   * commits, so a concurrent {@link #endRun} waits for it (SQLite transactions hold the database's
   * write lock from their start).
   *
   * @throws RunEndedException if another handle or process ended the run
   * @throws RunNotFoundException if no such run exists
   */
  private void requireRunning(Connection c, String runId) throws SQLException {
    String lock = StoreAccess.dialect(store) == Dialect.POSTGRESQL ? " FOR SHARE" : "";
    try (PreparedStatement p =
        c.prepareStatement("SELECT status FROM runs WHERE run_id = ?" + lock)) {
      p.setString(1, runId);
      try (ResultSet rs = p.executeQuery()) {
        if (!rs.next()) {
          throw new RunNotFoundException(runId);
        }
        RunStatus status = RunStatus.valueOf(rs.getString(1));
        if (status != RunStatus.RUNNING) {
          throw new RunEndedException(runId, status);
        }
      }
    }
  }

  /**
   * The status of each of {@code runIds} that exists, read in the caller's transaction and
   * share-locked on PostgreSQL like {@link #requireRunning}.
   */
  static Map<String, RunStatus> statuses(Connection c, Dialect dialect, List<String> runIds)
      throws SQLException {
    Map<String, RunStatus> out = new HashMap<>();
    String lock = dialect == Dialect.POSTGRESQL ? " FOR SHARE" : "";
    for (int from = 0; from < runIds.size(); from += ID_CHUNK) {
      List<String> chunk = runIds.subList(from, Math.min(runIds.size(), from + ID_CHUNK));
      Sql.query(
          c,
          "SELECT run_id, status FROM runs WHERE run_id IN " + Sql.inList(chunk.size()) + lock,
          chunk.toArray(),
          rs -> out.put(rs.getString(1), RunStatus.valueOf(rs.getString(2))));
    }
    return out;
  }

  @Nullable RunStatus status(String runId) {
    return StoreAccess.read(store, c -> status(c, runId));
  }

  private static @Nullable RunStatus status(Connection c, String runId) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT status FROM runs WHERE run_id = ?")) {
      p.setString(1, runId);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? RunStatus.valueOf(rs.getString(1)) : null;
      }
    }
  }

  void setDeleted(String runId, boolean deleted, long now) {
    StoreAccess.write(
        store,
        c -> {
          int n =
              deleted
                  ? Sql.update(
                      c,
                      "UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = ?"
                          + " WHERE run_id = ?",
                      now,
                      runId)
                  : Sql.update(
                      c,
                      "UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL"
                          + " WHERE run_id = ?",
                      runId);
          if (n == 0) {
            throw new RunNotFoundException(runId);
          }
          return null;
        });
  }

  // ---------------------------------------------------------------- params, tags, inputs,
  // artifacts

  /** Stores params all-or-nothing: one conflicting value rejects the whole call. */
  void logParams(String runId, Map<String, String> params) {
    StoreAccess.write(
        store,
        c -> {
          requireRunning(c, runId);
          try (PreparedStatement insert =
                  c.prepareStatement(
                      "INSERT INTO params (run_id, key, value) VALUES (?, ?, ?)"
                          + " ON CONFLICT (run_id, key) DO NOTHING");
              PreparedStatement select =
                  c.prepareStatement("SELECT value FROM params WHERE run_id = ? AND key = ?")) {
            for (Map.Entry<String, String> e : params.entrySet()) {
              insert.setString(1, runId);
              insert.setString(2, e.getKey());
              insert.setString(3, e.getValue());
              if (insert.executeUpdate() == 0) {
                select.setString(1, runId);
                select.setString(2, e.getKey());
                try (ResultSet rs = select.executeQuery()) {
                  rs.next();
                  String stored = rs.getString(1);
                  if (!stored.equals(e.getValue())) {
                    throw new ParamConflictException(runId, e.getKey(), stored, e.getValue());
                  }
                }
              }
            }
          }
          return null;
        });
  }

  void setTags(String runId, Map<String, String> tags) {
    StoreAccess.write(
        store,
        c -> {
          requireRunning(c, runId);
          upsertTags(c, runId, tags);
          return null;
        });
  }

  /**
   * Sets tags; {@link Run#NAME_TAG} is not stored as a tag but renames the run (the name column is
   * the tag, see {@link RunSnapshots#load}).
   */
  private static void upsertTags(Connection c, String runId, Map<String, String> tags)
      throws SQLException {
    if (tags.isEmpty()) {
      return;
    }
    String name = tags.get(Run.NAME_TAG);
    if (name != null) {
      Sql.update(c, "UPDATE runs SET run_name = ? WHERE run_id = ?", name, runId);
      if (tags.size() == 1) {
        return;
      }
    }
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO tags (run_id, key, value) VALUES (?, ?, ?)"
                + " ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value")) {
      for (Map.Entry<String, String> e : tags.entrySet()) {
        if (e.getKey().equals(Run.NAME_TAG)) {
          continue;
        }
        p.setString(1, runId);
        p.setString(2, e.getKey());
        p.setString(3, e.getValue());
        p.addBatch();
      }
      p.executeBatch();
    }
  }

  void deleteTag(String runId, String key) {
    if (key.equals(Run.NAME_TAG)) {
      throw new IllegalArgumentException(
          "Tag "
              + Run.NAME_TAG
              + " is the run name and cannot be deleted; set it to rename the run");
    }
    StoreAccess.write(
        store,
        c -> {
          requireRunning(c, runId);
          return Sql.update(c, "DELETE FROM tags WHERE run_id = ? AND key = ?", runId, key);
        });
  }

  void addInput(String runId, DatasetVersion d, String context) {
    StoreAccess.write(
        store,
        c -> {
          requireRunning(c, runId);
          return Sql.update(
              c,
              "INSERT INTO run_inputs (run_id, digest, name, context, size_bytes,"
                  + " file_count, row_count, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                  + " ON CONFLICT (run_id, digest, name, context) DO NOTHING",
              runId,
              d.digest(),
              d.name(),
              context,
              d.sizeBytes(),
              d.fileCount(),
              d.rowCount(),
              d.source());
        });
  }

  void addArtifacts(String runId, List<ArtifactInfo> artifacts, long now) {
    StoreAccess.write(
        store,
        c -> {
          requireRunning(c, runId);
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO artifacts (run_id, path, digest, size_bytes, created_time)"
                      + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (run_id, path) DO UPDATE SET"
                      + " digest = excluded.digest, size_bytes = excluded.size_bytes,"
                      + " created_time = excluded.created_time")) {
            for (ArtifactInfo a : artifacts) {
              p.setString(1, runId);
              p.setString(2, a.path());
              p.setString(3, a.digest());
              p.setLong(4, a.sizeBytes());
              p.setLong(5, now);
              p.addBatch();
            }
            p.executeBatch();
          }
          return null;
        });
  }

  // ---------------------------------------------------------------- reads

  Optional<RunInfo> findRun(String runId) {
    List<RunInfo> runs =
        StoreAccess.read(
            store, c -> RunSnapshots.load(c, StoreAccess.dialect(store), List.of(runId)));
    return runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(0));
  }

  List<MetricPoint> metricHistory(String runId, String key) {
    return StoreAccess.read(
        store,
        c -> {
          if (status(c, runId) == null) {
            throw new RunNotFoundException(runId);
          }
          List<MetricPoint> out = new ArrayList<>();
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT k.point_count, k.points FROM metric_series s JOIN metric_chunks k"
                      + " ON k.series_id = s.series_id WHERE s.run_id = ? AND s.key = ?"
                      + " ORDER BY k.chunk_id")) {
            p.setString(1, runId);
            p.setString(2, key);
            try (ResultSet rs = p.executeQuery()) {
              while (rs.next()) {
                MetricWriter.decode(key, rs.getBytes(2), rs.getInt(1), out);
              }
            }
          }
          return out;
        });
  }

  /**
   * Points per statement when reading a series' chunks (about 1.5 MB), unless one chunk has more.
   */
  static final int READ_POINTS = 65_536;

  /** Chunks listed per statement when reading a series. */
  static final int READ_CHUNKS = 1_024;

  /** Receives one stored chunk; returns false to stop reading. */
  @FunctionalInterface
  interface ChunkSink {
    boolean accept(long chunkId, ByteBuffer points, int count) throws SQLException;
  }

  /**
   * The series id of a run's metric, or null if the run never logged it.
   *
   * @throws RunNotFoundException if no run has this id
   */
  private static @Nullable Long seriesId(Connection c, String runId, String key)
      throws SQLException {
    if (status(c, runId) == null) {
      throw new RunNotFoundException(runId);
    }
    try (PreparedStatement p =
        c.prepareStatement("SELECT series_id FROM metric_series WHERE run_id = ? AND key = ?")) {
      p.setString(1, runId);
      p.setString(2, key);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? rs.getLong(1) : null;
      }
    }
  }

  /**
   * Calls {@code sink} for each chunk of the series with an id in {@code (after, upTo]}, in order.
   * Each statement reads at most {@link #READ_POINTS} points' blobs (at least one chunk), chosen
   * from a list of the next {@link #READ_CHUNKS} chunks' sizes: memory stays bounded whatever the
   * length of the series, on drivers that read a whole result at once too.
   */
  private static void forEachChunk(
      Connection c, String key, long seriesId, long after, long upTo, ChunkSink sink)
      throws SQLException {
    long from = after;
    while (true) {
      long last = from;
      long points = 0;
      int chunks = 0;
      try (PreparedStatement p =
          c.prepareStatement(
              "SELECT chunk_id, point_count FROM metric_chunks WHERE series_id = ?"
                  + " AND chunk_id > ? AND chunk_id <= ? ORDER BY chunk_id LIMIT "
                  + READ_CHUNKS)) {
        p.setLong(1, seriesId);
        p.setLong(2, from);
        p.setLong(3, upTo);
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            int count = rs.getInt(2);
            if (chunks > 0 && points + count > READ_POINTS) {
              break;
            }
            last = rs.getLong(1);
            points += count;
            chunks++;
          }
        }
      }
      if (chunks == 0) {
        return;
      }
      try (PreparedStatement p =
          c.prepareStatement(
              "SELECT chunk_id, point_count, points FROM metric_chunks WHERE series_id = ?"
                  + " AND chunk_id > ? AND chunk_id <= ? ORDER BY chunk_id")) {
        p.setLong(1, seriesId);
        p.setLong(2, from);
        p.setLong(3, last);
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            int count = rs.getInt(2);
            if (!sink.accept(
                rs.getLong(1), MetricWriter.points(key, rs.getBytes(3), count), count)) {
              return;
            }
          }
        }
      }
      from = last;
    }
  }

  /**
   * One page of a series: at most {@code maxResults} points from the cursor {@code (chunk id, index
   * in the chunk)}, and the cursor of the point after the page (null at the end).
   */
  record HistoryPage(List<MetricPoint> points, @Nullable Cursor next) {}

  /** The position of a stored point: its chunk and its index in the chunk. */
  record Cursor(long chunkId, int index) {}

  HistoryPage metricHistory(String runId, String key, int maxResults, long fromChunk, int skip) {
    return StoreAccess.read(
        store,
        c -> {
          Long series = seriesId(c, runId, key);
          List<MetricPoint> out = new ArrayList<>(Math.min(maxResults, 4096));
          List<Cursor> next = new ArrayList<>(1);
          if (series == null) {
            return new HistoryPage(out, null);
          }
          forEachChunk(
              c,
              key,
              series,
              fromChunk - 1,
              Long.MAX_VALUE,
              (chunkId, buf, count) -> {
                int start = chunkId == fromChunk ? Math.min(skip, count) : 0;
                buf.position(start * MetricWriter.POINT_BYTES);
                for (int i = start; i < count; i++) {
                  if (out.size() == maxResults) {
                    next.add(new Cursor(chunkId, i));
                    return false;
                  }
                  long step = buf.getLong();
                  long ts = buf.getLong();
                  out.add(
                      new MetricPoint(
                          key,
                          Double.longBitsToDouble(buf.getLong()),
                          step,
                          Instant.ofEpochMilli(ts)));
                }
                return true;
              });
          return new HistoryPage(out, next.isEmpty() ? null : next.get(0));
        });
  }

  /**
   * The series in at most {@code buckets} buckets of equal width over the x range of its points
   * (see {@link MetricBucket}); empty buckets are left out. Two passes over the stored chunks in
   * one read, with memory bounded by {@code buckets} and one statement's chunks: the first finds
   * the x range and the last chunk, the second aggregates the chunks up to that one.
   */
  List<MetricBucket> downsample(String runId, String key, int buckets, MetricAxis axis) {
    boolean time = axis == MetricAxis.TIME;
    return StoreAccess.read(
        store,
        c -> {
          Long series = seriesId(c, runId, key);
          if (series == null) {
            return List.of();
          }
          long[] range = {Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE}; // min x, max x, chunk
          forEachChunk(
              c,
              key,
              series,
              Long.MIN_VALUE,
              Long.MAX_VALUE,
              (chunkId, buf, count) -> {
                for (int i = 0; i < count; i++) {
                  long x = buf.getLong(i * MetricWriter.POINT_BYTES + (time ? 8 : 0));
                  range[0] = Math.min(range[0], x);
                  range[1] = Math.max(range[1], x);
                }
                range[2] = chunkId;
                return true;
              });
          if (range[2] == Long.MIN_VALUE) {
            return List.of();
          }
          long xMin = range[0];
          long xMax = range[1];
          // Unsigned arithmetic: xMax - xMin may exceed Long.MAX_VALUE. width > span / buckets,
          // so every index is below buckets.
          long width = Long.divideUnsigned(xMax - xMin, buckets) + 1;
          Downsampler d = new Downsampler(buckets);
          forEachChunk(
              c,
              key,
              series,
              Long.MIN_VALUE,
              range[2],
              (chunkId, buf, count) -> {
                for (int i = 0; i < count; i++) {
                  long step = buf.getLong();
                  long ts = buf.getLong();
                  long bits = buf.getLong();
                  long x = time ? ts : step;
                  d.add((int) Long.divideUnsigned(x - xMin, width), x, step, ts, bits);
                }
                return true;
              });
          return d.buckets(key, xMin, xMax, width);
        });
  }

  /** Per-bucket aggregates, in arrays. */
  private static final class Downsampler {
    final long[] count;
    final double[] min;
    final double[] max;
    final long[] lastX;
    final long[] lastStep;
    final long[] lastTs;
    final long[] lastBits;

    Downsampler(int buckets) {
      count = new long[buckets];
      min = new double[buckets];
      max = new double[buckets];
      java.util.Arrays.fill(min, Double.NaN);
      java.util.Arrays.fill(max, Double.NaN);
      lastX = new long[buckets];
      lastStep = new long[buckets];
      lastTs = new long[buckets];
      lastBits = new long[buckets];
    }

    void add(int b, long x, long step, long ts, long bits) {
      double v = Double.longBitsToDouble(bits);
      if (!Double.isNaN(v)) {
        min[b] = Double.isNaN(min[b]) ? v : Math.min(min[b], v);
        max[b] = Double.isNaN(max[b]) ? v : Math.max(max[b], v);
      }
      if (count[b] == 0 || x >= lastX[b]) {
        lastX[b] = x;
        lastStep[b] = step;
        lastTs[b] = ts;
        lastBits[b] = bits;
      }
      count[b]++;
    }

    List<MetricBucket> buckets(String key, long xMin, long xMax, long width) {
      List<MetricBucket> out = new ArrayList<>();
      for (int b = 0; b < count.length; b++) {
        if (count[b] == 0) {
          continue;
        }
        long start = xMin + b * width; // at most an x of the bucket, so no overflow
        long end = Long.compareUnsigned(width - 1, xMax - start) >= 0 ? xMax : start + width - 1;
        out.add(
            new MetricBucket(
                start,
                end,
                count[b],
                min[b],
                max[b],
                new MetricPoint(
                    key,
                    Double.longBitsToDouble(lastBits[b]),
                    lastStep[b],
                    Instant.ofEpochMilli(lastTs[b]))));
      }
      return out;
    }
  }

  List<String> runsUsingDataset(String digest) {
    return StoreAccess.read(
        store,
        c -> {
          List<String> out = new ArrayList<>();
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT DISTINCT i.run_id, r.start_time FROM run_inputs i JOIN runs r"
                      + " ON r.run_id = i.run_id WHERE i.digest = ? ORDER BY r.start_time, i.run_id")) {
            p.setString(1, digest);
            try (ResultSet rs = p.executeQuery()) {
              while (rs.next()) {
                out.add(rs.getString(1));
              }
            }
          }
          return out;
        });
  }

  List<String> childRuns(String parentRunId) {
    return StoreAccess.read(
        store,
        c -> {
          List<String> out = new ArrayList<>();
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT run_id FROM runs WHERE parent_run_id = ? ORDER BY start_time, run_id")) {
            p.setString(1, parentRunId);
            try (ResultSet rs = p.executeQuery()) {
              while (rs.next()) {
                out.add(rs.getString(1));
              }
            }
          }
          return out;
        });
  }

  /** {@link #search(RunQuery, Filter)} parsing the query's filter. */
  RunPage search(RunQuery query) {
    return search(query, FilterParser.parse(query.filter()));
  }

  /**
   * One page of runs; {@code filter} is the query's filter, parsed by the caller.
   *
   * @throws ExperimentNotFoundException if a named experiment does not exist
   */
  RunPage search(RunQuery query, Filter filter) {
    List<OrderBy> order = OrderBy.parseAll(query.orderBy());
    int offset = decodePageToken(query);
    return StoreAccess.read(
        store,
        c -> {
          Dialect dialect = StoreAccess.dialect(store);
          // errors first
          SearchSql.Search compiled = SearchSql.search(filter, dialect);
          List<Object> params = new ArrayList<>(compiled.from().params());
          // On PostgreSQL the statement reads the page's runs as well: the plans walk the runs'
          // rows anyway, and the page's snapshots then need no statement on runs. On SQLite
          // the runs_search index covers the ids query, and reading more columns would leave it.
          boolean heads = dialect == Dialect.POSTGRESQL;
          StringBuilder sql =
              new StringBuilder("SELECT r.run_id")
                  .append(heads ? ", " + RunSnapshots.RUN_COLUMNS : "")
                  .append(" FROM ")
                  .append(compiled.from().sql())
                  .append(" WHERE ");
          SearchSql.Fragment where = compiled.where();
          // The ids are looked up once: they check the names and narrow the search.
          if (!query.experiments().isEmpty()) {
            List<Long> experimentIds = experimentIds(c, query.experiments());
            sql.append("r.experiment_id IN ")
                .append(Sql.inList(experimentIds.size()))
                .append(" AND ");
            params.addAll(experimentIds);
          }
          switch (query.viewType()) {
            case ACTIVE_ONLY -> sql.append("r.lifecycle_stage = 'active' AND ");
            case DELETED_ONLY -> sql.append("r.lifecycle_stage = 'deleted' AND ");
            case ALL -> {}
          }
          sql.append('(').append(where.sql()).append(')');
          params.addAll(where.params());
          SearchSql.Fragment orderBy = SearchSql.orderBy(order, dialect);
          sql.append(" ORDER BY ").append(orderBy.sql());
          params.addAll(orderBy.params());
          sql.append(" LIMIT ? OFFSET ?");
          params.add((long) query.maxResults() + 1);
          params.add((long) offset);
          List<String> ids = new ArrayList<>();
          List<RunSnapshots.Head> runs = heads ? new ArrayList<>() : null;
          RunSnapshots.ExperimentIds experiments = new RunSnapshots.ExperimentIds();
          try (PreparedStatement p = c.prepareStatement(sql.toString())) {
            Sql.bind(p, params.toArray());
            try (ResultSet rs = p.executeQuery()) {
              while (rs.next()) {
                ids.add(rs.getString(1));
                if (runs != null) {
                  runs.add(RunSnapshots.head(rs, 2, experiments));
                }
              }
            }
          }
          String next = null;
          if (ids.size() > query.maxResults()) {
            ids = ids.subList(0, query.maxResults());
            if (runs != null) {
              runs = runs.subList(0, query.maxResults());
            }
            next = encodePageToken(query, offset + query.maxResults());
          }
          return new RunPage(RunSnapshots.load(c, dialect, ids, runs), next);
        });
  }

  /** Names listed at most when suggesting experiments or keys. */
  static final int MAX_CANDIDATES = 10_000;

  /**
   * The ids of the experiments named {@code names} (not empty).
   *
   * @throws ExperimentNotFoundException for the first of {@code names} that is not an experiment of
   *     the workspace
   */
  private static List<Long> experimentIds(Connection c, List<String> names) throws SQLException {
    Map<String, Long> found = new java.util.HashMap<>();
    Sql.query(
        c,
        "SELECT name, experiment_id FROM experiments WHERE name IN " + Sql.inList(names.size()),
        names.toArray(),
        rs -> found.put(rs.getString(1), rs.getLong(2)));
    for (String name : names) {
      if (!found.containsKey(name)) {
        List<String> all = new ArrayList<>();
        Sql.query(
            c,
            "SELECT name FROM experiments ORDER BY experiment_id LIMIT " + MAX_CANDIDATES,
            new Object[0],
            rs -> all.add(rs.getString(1)));
        int known;
        try (PreparedStatement p = c.prepareStatement("SELECT COUNT(*) FROM experiments");
            ResultSet rs = p.executeQuery()) {
          rs.next();
          known = rs.getInt(1);
        }
        throw new ExperimentNotFoundException(
            name, Closest.to(name, all, ExperimentNotFoundException.MAX_SUGGESTIONS), all, known);
      }
    }
    return List.copyOf(new java.util.LinkedHashSet<>(found.values()));
  }

  private static String keyTable(Filter.Kind kind) {
    return switch (kind) {
      case METRIC -> "latest_metrics";
      case PARAM -> "params";
      case TAG -> "tags";
      default -> throw new IllegalArgumentException("No keys of kind " + kind);
    };
  }

  private static String experimentClause(List<String> experiments, List<Object> params) {
    if (experiments.isEmpty()) {
      return "";
    }
    params.addAll(experiments);
    return " AND r.experiment_id IN (SELECT experiment_id FROM experiments WHERE name IN "
        + Sql.inList(experiments.size())
        + ")";
  }

  /** Whether some run of {@code experiments} (all when empty) has a key of that kind. */
  boolean keyExists(Filter.Kind kind, String key, List<String> experiments) {
    List<Object> params = new ArrayList<>();
    params.add(key);
    String sql =
        "SELECT 1 FROM "
            + keyTable(kind)
            + " t JOIN runs r ON r.run_id = t.run_id"
            + " WHERE t.key = ?"
            + experimentClause(experiments, params)
            + " LIMIT 1";
    return StoreAccess.read(
        store,
        c -> {
          boolean[] found = {false};
          Sql.query(c, sql, params.toArray(), rs -> found[0] = true);
          return found[0];
        });
  }

  /** Distinct keys of that kind in the runs of {@code experiments}, at most MAX_CANDIDATES. */
  List<String> keys(Filter.Kind kind, List<String> experiments) {
    List<Object> params = new ArrayList<>();
    String sql =
        "SELECT DISTINCT t.key FROM "
            + keyTable(kind)
            + " t JOIN runs r"
            + " ON r.run_id = t.run_id WHERE 1 = 1"
            + experimentClause(experiments, params)
            + " ORDER BY t.key LIMIT "
            + MAX_CANDIDATES;
    return StoreAccess.read(
        store,
        c -> {
          List<String> out = new ArrayList<>();
          Sql.query(c, sql, params.toArray(), rs -> out.add(rs.getString(1)));
          return out;
        });
  }

  private static String encodePageToken(RunQuery query, int offset) {
    String raw = "v1:" + offset + ":" + Integer.toHexString(query.fingerprint().hashCode());
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  @SuppressWarnings("StringSplitter") // our own "v1:offset:hash" token; the length is checked
  private static int decodePageToken(RunQuery query) {
    String token = query.pageToken();
    if (token == null || token.isEmpty()) {
      return 0;
    }
    try {
      String[] parts =
          new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":");
      if (parts.length == 3
          && parts[0].equals("v1")
          && parts[2].equals(Integer.toHexString(query.fingerprint().hashCode()))) {
        int offset = Integer.parseInt(parts[1]);
        if (offset >= 0) {
          return offset;
        }
      }
    } catch (IllegalArgumentException e) {
      // fall through to the error below
    }
    throw new IllegalArgumentException(
        "Page token '"
            + token
            + "' was not issued for this query;"
            + " pass the token returned with the previous page of the same query");
  }
}
