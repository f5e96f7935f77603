package io.github.mlops4j.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The multi-row offline insert stores exactly what the simple one-row-per-execution binder ({@link
 * FeatureDao#executeRows}) stores, row for row, for any row count, rows per statement and batch
 * size (remainders, single full statements, batches smaller than a statement), on real SQLite.
 */
class MultiRowInsertProperties {
  private static final String COLUMNS =
      " (view_id INTEGER NOT NULL, entity_key BLOB NOT NULL, event_time INTEGER NOT NULL,"
          + " created_time INTEGER NOT NULL, seq INTEGER NOT NULL, vals BLOB NOT NULL,"
          + " PRIMARY KEY (view_id, entity_key, event_time, created_time, seq))";

  @Test
  void multiRowInsert_storesWhatTheOneRowBinderStores() {
    qt().withFixedSeed(20261206L)
        .withExamples(100)
        .forAll(integers().between(0, 400), integers().between(1, 70), integers().between(1, 300))
        .checkAssert(
            (n, perStatement, batchRows) -> {
              try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:");
                  Statement s = c.createStatement()) {
                s.execute("CREATE TABLE feature_rows" + COLUMNS);
                s.execute("CREATE TABLE oracle" + COLUMNS);
                List<SourceRow> rows = rows(n, new SplittableRandom(n * 31L + perStatement));
                FeatureDao.insertMultiRow(c, 9, rows, perStatement, batchRows);
                try (PreparedStatement p =
                    c.prepareStatement("INSERT INTO oracle VALUES (?, ?, ?, ?, ?, ?)")) {
                  FeatureDao.executeRows(p, 9, rows, 1);
                }
                assertThat(read(s, "feature_rows"))
                    .as("n=%s perStatement=%s batchRows=%s", n, perStatement, batchRows)
                    .hasSize(n)
                    .containsExactlyElementsOf(read(s, "oracle"));
              } catch (SQLException e) {
                throw new AssertionError(e);
              }
            });
  }

  private static List<SourceRow> rows(int n, SplittableRandom random) {
    List<SourceRow> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      byte[] key = new byte[1 + random.nextInt(4)];
      byte[] vals = new byte[1 + random.nextInt(12)];
      for (int b = 0; b < key.length; b++) {
        key[b] = (byte) random.nextInt(256);
      }
      for (int b = 0; b < vals.length; b++) {
        vals[b] = (byte) random.nextInt(256);
      }
      long event = random.nextLong(1_000) - 500;
      rows.add(new SourceRow(EntityKey.fromBytes(key), event, event + random.nextInt(3), i, vals));
    }
    return rows;
  }

  /** Every stored row as text, in sequence order. */
  private static List<String> read(Statement s, String table) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = s.executeQuery("SELECT * FROM " + table + " ORDER BY seq")) {
      while (rs.next()) {
        out.add(
            rs.getLong(1)
                + "|"
                + java.util.HexFormat.of().formatHex(rs.getBytes(2))
                + "|"
                + rs.getLong(3)
                + "|"
                + rs.getLong(4)
                + "|"
                + rs.getLong(5)
                + "|"
                + java.util.HexFormat.of().formatHex(rs.getBytes(6)));
      }
    }
    return out;
  }
}
