package io.github.mlops4j.tracking;

import io.github.mlops4j.store.Store;
import io.github.mlops4j.store.internal.Sql;
import io.github.mlops4j.store.internal.StoreAccess;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes an {@link ImportedRun} in one transaction of the store: the run row (held by no tracker),
 * its params, tags, metric series with their points and latest values, and its artifacts.
 */
final class ImportedRunWriter {
  /** Points per stored chunk, as the metric writer stores them. */
  private static final int CHUNK_POINTS = 1_000;

  private static final int POINT_BYTES = 24;

  private ImportedRunWriter() {}

  /**
   * @return false if a run with this id exists already (nothing was written)
   * @throws RunNotFoundException if the parent run does not exist
   */
  static boolean write(Store store, String experimentId, ImportedRun run, long now) {
    return StoreAccess.write(
        store,
        c -> {
          if (exists(c, run.runId())) {
            return false;
          }
          String parent = run.parentRunId().orElse(null);
          if (parent != null && !exists(c, parent)) {
            throw new RunNotFoundException(parent);
          }
          long start = run.startTime().toEpochMilli();
          Long end =
              run.endTime()
                  .map(java.time.Instant::toEpochMilli)
                  .orElse(run.status() == RunStatus.RUNNING ? null : start);
          Long deleted = run.deletedTime().map(java.time.Instant::toEpochMilli).orElse(null);
          Sql.update(
              c,
              "INSERT INTO runs (run_id, experiment_id, run_name, parent_run_id, user_id, status,"
                  + " start_time, end_time, lifecycle_stage, deleted_time, heartbeat_time)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              run.runId(),
              Long.parseLong(experimentId),
              run.runName(),
              parent,
              run.user(),
              run.status().name(),
              start,
              end,
              deleted == null ? "active" : "deleted",
              deleted,
              now);
          insertPairs(c, "params", run.runId(), run.params());
          insertPairs(c, "tags", run.runId(), run.tags());
          insertMetrics(c, run.runId(), run.metrics());
          insertArtifacts(c, run.runId(), run.artifacts(), now);
          return true;
        });
  }

  private static boolean exists(Connection c, String runId) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM runs WHERE run_id = ?")) {
      p.setString(1, runId);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static void insertPairs(
      Connection c, String table, String runId, Map<String, String> pairs) throws SQLException {
    if (pairs.isEmpty()) {
      return;
    }
    try (PreparedStatement p =
        c.prepareStatement("INSERT INTO " + table + " (run_id, key, value) VALUES (?, ?, ?)")) {
      for (Map.Entry<String, String> e : pairs.entrySet()) {
        p.setString(1, runId);
        p.setString(2, e.getKey());
        p.setString(3, e.getValue());
        p.addBatch();
      }
      p.executeBatch();
    }
  }

  private static void insertMetrics(Connection c, String runId, List<MetricPoint> points)
      throws SQLException {
    Map<String, List<MetricPoint>> series = new LinkedHashMap<>();
    for (MetricPoint p : points) {
      series.computeIfAbsent(p.key(), k -> new ArrayList<>()).add(p);
    }
    try (PreparedStatement insertSeries =
            c.prepareStatement("INSERT INTO metric_series (run_id, key) VALUES (?, ?)");
        PreparedStatement selectSeries =
            c.prepareStatement("SELECT series_id FROM metric_series WHERE run_id = ? AND key = ?");
        PreparedStatement chunk =
            c.prepareStatement(
                "INSERT INTO metric_chunks (series_id, point_count, points) VALUES (?, ?, ?)");
        PreparedStatement latest =
            c.prepareStatement(
                "INSERT INTO latest_metrics (run_id, key, value, value_bits, step, ts)"
                    + " VALUES (?, ?, ?, ?, ?, ?)")) {
      for (Map.Entry<String, List<MetricPoint>> e : series.entrySet()) {
        insertSeries.setString(1, runId);
        insertSeries.setString(2, e.getKey());
        insertSeries.executeUpdate();
        selectSeries.setString(1, runId);
        selectSeries.setString(2, e.getKey());
        long id;
        try (ResultSet rs = selectSeries.executeQuery()) {
          rs.next();
          id = rs.getLong(1);
        }
        List<MetricPoint> list = e.getValue();
        for (int from = 0; from < list.size(); from += CHUNK_POINTS) {
          int n = Math.min(CHUNK_POINTS, list.size() - from);
          ByteBuffer buf = ByteBuffer.allocate(n * POINT_BYTES);
          for (MetricPoint p : list.subList(from, from + n)) {
            buf.putLong(p.step())
                .putLong(p.timestamp().toEpochMilli())
                .putLong(Double.doubleToRawLongBits(p.value()));
          }
          chunk.setLong(1, id);
          chunk.setInt(2, n);
          chunk.setBytes(3, buf.array());
          chunk.addBatch();
        }
        MetricPoint last = latest(list);
        latest.setString(1, runId);
        latest.setString(2, e.getKey());
        if (Double.isNaN(last.value())) {
          latest.setNull(3, Types.DOUBLE);
        } else {
          latest.setDouble(3, last.value());
        }
        latest.setLong(4, Double.doubleToRawLongBits(last.value()));
        latest.setLong(5, last.step());
        latest.setLong(6, last.timestamp().toEpochMilli());
        latest.addBatch();
      }
      chunk.executeBatch();
      latest.executeBatch();
    }
  }

  /**
   * The latest point of a series, in the metric writer's order ({@link MetricWriter#comesAfter}).
   */
  static MetricPoint latest(List<MetricPoint> points) {
    MetricPoint best = points.get(0);
    for (MetricPoint p : points) {
      if (MetricWriter.comesAfter(
          p.step(),
          p.timestamp().toEpochMilli(),
          p.value(),
          best.step(),
          best.timestamp().toEpochMilli(),
          best.value())) {
        best = p;
      }
    }
    return best;
  }

  private static void insertArtifacts(
      Connection c, String runId, List<ArtifactInfo> artifacts, long now) throws SQLException {
    if (artifacts.isEmpty()) {
      return;
    }
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO artifacts (run_id, path, digest, size_bytes, created_time)"
                + " VALUES (?, ?, ?, ?, ?)")) {
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
  }
}
