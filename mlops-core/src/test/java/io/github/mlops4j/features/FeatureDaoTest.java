package io.github.mlops4j.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one row binder of the offline insert and the online upsert, on a real SQLite database. */
class FeatureDaoTest {
  private static SourceRow row(int i) {
    return new SourceRow(
        EntityKey.fromBytes(new byte[] {1, (byte) i}),
        1_000L + i,
        2_000L + i,
        i,
        new byte[] {(byte) (10 + i)});
  }

  @Test
  void executeRows_writesEveryRowAcrossBatchBoundaries() throws Exception {
    for (int batchSize : new int[] {1, 2, 3, 5, 6, FeatureDao.BATCH}) {
      try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:");
          Statement s = c.createStatement()) {
        s.execute(
            "CREATE TABLE t (view_id INTEGER, entity_key BLOB, event_time INTEGER,"
                + " created_time INTEGER, seq INTEGER, vals BLOB)");
        List<SourceRow> rows = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          rows.add(row(i));
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)")) {
          FeatureDao.executeRows(p, 7, rows, batchSize);
        }
        try (ResultSet rs = s.executeQuery("SELECT * FROM t ORDER BY seq")) {
          for (int i = 0; i < 5; i++) {
            assertThat(rs.next()).as("row %s at batch size %s", i, batchSize).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(7);
            assertThat(rs.getBytes(2)).containsExactly(1, i);
            assertThat(rs.getLong(3)).isEqualTo(1_000L + i);
            assertThat(rs.getLong(4)).isEqualTo(2_000L + i);
            assertThat(rs.getLong(5)).isEqualTo(i);
            assertThat(rs.getBytes(6)).containsExactly(10 + i);
          }
          assertThat(rs.next()).isFalse();
        }
      }
    }
  }

  @Test
  void executeRows_refusesABatchSizeBelowOne() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:");
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (a, b, c, d, e, f)");
      try (PreparedStatement p = c.prepareStatement("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)")) {
        assertThatThrownBy(() -> FeatureDao.executeRows(p, 7, List.of(row(1)), 0))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("batchSize must be >= 1, was 0");
      }
    }
  }
}
