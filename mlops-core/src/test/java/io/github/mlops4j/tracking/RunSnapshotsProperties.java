package io.github.mlops4j.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.github.mlops4j.data.DatasetVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshots that searches and {@code findRun} return (read by {@link RunSnapshots}) against a
 * plain reading of the same database, one statement per table and run into hash maps: random runs
 * with random params, tags (the run name among them), metrics (NaN, infinities and -0.0 among the
 * values), inputs and artifacts, some deleted, searched in random page sizes. On SQLite here and on
 * PostgreSQL in {@link RunSnapshotsPostgresIT}, where a search reads the page's runs with its ids
 * and the other statements go in one round trip.
 */
class RunSnapshotsProperties {
  private static final String[] KEYS = {
    "lr", "a", "b2", "Lr", "a/b", "k_z", "mlflow.note", "sp ace", "x-1", "K"
  };
  private static final String[] VALUES = {
    "", "0.05", "x", "\"quoted\"", "back\\slash", "ü\u00e9", "line\nbreak", "📈"
  };
  private static final double[] NUMBERS = {
    0.5, -0.0, 0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e-300, 42
  };

  @TempDir Path temp;
  private Tracker tracker;
  private Connection plain;
  private int experiments;

  @BeforeEach
  void open() throws Exception {
    tracker = store(temp).captureEnvironment(false).build();
    plain = plain(temp);
  }

  /** Random workspaces checked. */
  int examples() {
    return 30;
  }

  /** A builder of a tracker on an empty store. */
  Tracker.Builder store(Path dir) throws Exception {
    return Tracker.builder().workspace(dir.resolve("ws"));
  }

  /**
   * A connection of its own to the database of {@link #store(Path)}'s tracker, once it is built.
   */
  Connection plain(Path dir) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("ws").resolve("mlops.db"));
  }

  @AfterEach
  void close() throws SQLException {
    plain.close();
    tracker.close();
  }

  @Test
  void searchesAndFindRun_returnWhatTheTablesHold() {
    qt().withFixedSeed(20261207L)
        .withExamples(examples())
        .forAll(longs().all(), integers().between(1, 9), integers().between(1, 6))
        .checkAssert(this::check);
  }

  @Test
  void entries_refuseADuplicateKey() {
    RunSnapshots.Entries<String> e = new RunSnapshots.Entries<>();
    e.add("a", "1");
    e.add("b", "2");
    e.add("a", "3");
    assertThatThrownBy(e::toMap).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void entries_buildMapsOfEverySize() {
    for (int n = 0; n < 12; n++) {
      RunSnapshots.Entries<Integer> e = new RunSnapshots.Entries<>();
      Map<String, Integer> expected = new HashMap<>();
      for (int i = 0; i < n; i++) {
        e.add("k" + i, i);
        expected.put("k" + i, i);
      }
      assertThat(e.toMap()).isEqualTo(expected);
    }
  }

  private void check(long seed, int runCount, int pageSize) {
    Random random = new Random(seed);
    String experiment = "e" + experiments++;
    for (int i = 0; i < runCount; i++) {
      Run run = tracker.startRun(experiment);
      Map<String, String> params = new HashMap<>(); // params are immutable: one value per key
      for (int k = random.nextInt(4); k > 0; k--) {
        params.put(pick(random, KEYS), pick(random, VALUES));
      }
      run.logParams(params);
      for (int k = random.nextInt(4); k > 0; k--) {
        run.setTag(pick(random, KEYS), pick(random, VALUES));
      }
      if (random.nextInt(4) == 0) {
        run.setTag(Run.NAME_TAG, "renamed " + random.nextInt(100));
      }
      for (int k = random.nextInt(6); k > 0; k--) {
        double value = random.nextBoolean() ? pickNumber(random) : random.nextGaussian();
        run.logMetric(pick(random, KEYS), value, random.nextInt(3));
      }
      for (int k = random.nextInt(3); k > 0; k--) {
        run.logInput(
            new DatasetVersion(
                "data/" + pick(random, new String[] {"a", "b", "é"}),
                "%064x".formatted(random.nextInt(3)),
                random.nextInt(1000),
                1,
                random.nextBoolean() ? null : (long) random.nextInt(50),
                "/data/src" + random.nextInt(2)),
            pick(random, new String[] {"training", "eval", ""}));
      }
      for (int k = random.nextInt(3); k > 0; k--) {
        run.logArtifact(file(random), pick(random, new String[] {"m.bin", "d/x.txt", "z"}));
      }
      if (random.nextInt(5) == 0) {
        run.close();
      }
      if (random.nextInt(6) == 0) {
        tracker.deleteRun(run.id());
      }
    }
    assertThat(tracker.flush(Duration.ofSeconds(30))).isTrue();

    for (ViewType view : ViewType.values()) {
      List<RunInfo> expected = plainSearch(experiment, view);
      List<RunInfo> found = new ArrayList<>();
      String token = null;
      do {
        RunPage page =
            tracker.searchRuns(
                RunQuery.builder()
                    .experiments(experiment)
                    .viewType(view)
                    .maxResults(pageSize)
                    .pageToken(token)
                    .build());
        found.addAll(page.runs());
        token = page.nextPageToken();
      } while (token != null);
      assertThat(found).as("view %s", view).containsExactlyElementsOf(expected);
      for (RunInfo r : expected) {
        assertThat(tracker.findRun(r.runId())).contains(r);
      }
    }
  }

  private Path file(Random random) {
    try {
      Path f = Files.createTempFile(temp, "artifact", ".bin");
      Files.write(f, ("content " + random.nextInt(4)).getBytes(StandardCharsets.UTF_8));
      return f;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String pick(Random random, String[] from) {
    return from[random.nextInt(from.length)];
  }

  private static double pickNumber(Random random) {
    return NUMBERS[random.nextInt(NUMBERS.length)];
  }

  /** The runs of a search without filter, newest first, read table by table and run by run. */
  private List<RunInfo> plainSearch(String experiment, ViewType view) {
    String stage =
        switch (view) {
          case ACTIVE_ONLY -> " AND r.lifecycle_stage = 'active'";
          case DELETED_ONLY -> " AND r.lifecycle_stage = 'deleted'";
          case ALL -> "";
        };
    List<RunInfo> out = new ArrayList<>();
    try (PreparedStatement p =
        plain.prepareStatement(
            "SELECT r.run_id, r.experiment_id, r.run_name, r.parent_run_id, r.user_id, r.status,"
                + " r.start_time, r.end_time, r.lifecycle_stage FROM runs r JOIN experiments e"
                + " ON e.experiment_id = r.experiment_id WHERE e.name = ?"
                + stage
                + " ORDER BY r.start_time DESC, r.run_id")) {
      p.setString(1, experiment);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          String id = rs.getString(1);
          Map<String, String> tags = strings("SELECT key, value FROM tags WHERE run_id = ?", id);
          tags.put(Run.NAME_TAG, rs.getString(3));
          Object end = rs.getObject(8);
          out.add(
              new RunInfo(
                  id,
                  String.valueOf(rs.getLong(2)),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  RunStatus.valueOf(rs.getString(6)),
                  Instant.ofEpochMilli(rs.getLong(7)),
                  end == null ? null : Instant.ofEpochMilli(((Number) end).longValue()),
                  rs.getString(9).equals("deleted"),
                  strings("SELECT key, value FROM params WHERE run_id = ?", id),
                  metrics(id),
                  tags,
                  inputs(id),
                  artifacts(id)));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  private Map<String, String> strings(String sql, String runId) throws SQLException {
    Map<String, String> out = new HashMap<>();
    try (PreparedStatement p = plain.prepareStatement(sql)) {
      p.setString(1, runId);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return out;
  }

  private Map<String, MetricPoint> metrics(String runId) throws SQLException {
    Map<String, MetricPoint> out = new HashMap<>();
    try (PreparedStatement p =
        plain.prepareStatement(
            "SELECT key, value_bits, step, ts FROM latest_metrics WHERE run_id = ?")) {
      p.setString(1, runId);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          String key = rs.getString(1);
          out.put(
              key,
              new MetricPoint(
                  key,
                  Double.longBitsToDouble(rs.getLong(2)),
                  rs.getLong(3),
                  Instant.ofEpochMilli(rs.getLong(4))));
        }
      }
    }
    return out;
  }

  private List<RunInput> inputs(String runId) throws SQLException {
    List<RunInput> out = new ArrayList<>();
    try (PreparedStatement p =
        plain.prepareStatement(
            "SELECT name, digest, size_bytes, file_count, row_count, source, context"
                + " FROM run_inputs WHERE run_id = ? ORDER BY name, digest, context")) {
      p.setString(1, runId);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          Object rows = rs.getObject(5);
          @Nullable String source = rs.getString(6);
          out.add(
              new RunInput(
                  new DatasetVersion(
                      rs.getString(1),
                      rs.getString(2),
                      rs.getLong(3),
                      rs.getLong(4),
                      rows == null ? null : ((Number) rows).longValue(),
                      source == null ? "" : source),
                  rs.getString(7)));
        }
      }
    }
    return out;
  }

  private List<ArtifactInfo> artifacts(String runId) throws SQLException {
    List<ArtifactInfo> out = new ArrayList<>();
    try (PreparedStatement p =
        plain.prepareStatement(
            "SELECT path, digest, size_bytes FROM artifacts WHERE run_id = ? ORDER BY path")) {
      p.setString(1, runId);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(new ArtifactInfo(rs.getString(1), rs.getString(2), rs.getLong(3)));
        }
      }
    }
    return out;
  }
}
