package io.github.mlops4j.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.stream.Stream;
import org.sqlite.SQLiteConfig;

/** Temporary workspaces and raw SQLite connections configured like the library's own. */
final class BenchmarkSupport {
  private BenchmarkSupport() {}

  /** A new empty directory under {@code java.io.tmpdir}. */
  static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory("mlops4j-bench-" + prefix + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes {@code dir} and everything below it; a missing directory is fine. */
  static void deleteRecursively(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A plain JDBC connection to the SQLite file {@code db} with the settings the library's embedded
   * store uses (WAL, synchronous=NORMAL, busy timeout, IMMEDIATE transactions, temp store in
   * memory), so that a baseline pays the same durability costs.
   */
  static Connection sqlite(Path db) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    config.setBusyTimeout(10_000);
    config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    config.enableCaseSensitiveLike(true);
    config.setTempStore(SQLiteConfig.TempStore.MEMORY);
    return config.createConnection("jdbc:sqlite:" + db.toAbsolutePath());
  }
}
