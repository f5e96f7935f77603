package io.github.mlops4j.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.store.EmbeddedPostgresExtension;
import io.github.mlops4j.testing.PausingDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The registry contract on a real PostgreSQL server; each test gets its own database. */
class PostgresRegistryIT extends ModelRegistryContract {
  @RegisterExtension
  static final EmbeddedPostgresExtension postgres = new EmbeddedPostgresExtension("registry");

  private final java.util.Map<Path, DataSource> databases = new java.util.HashMap<>();

  @Override
  io.github.mlops4j.store.Store openStore(Path dir) throws Exception {
    DataSource db = databases.get(dir);
    if (db == null) {
      db = postgres.fresh();
      databases.put(dir, db);
    }
    return io.github.mlops4j.store.Store.builder()
        .dataSource(db)
        .artifactRoot(dir.resolve("artifacts"))
        .build();
  }

  @Override
  ModelRegistry.Builder fresh(Path dir) throws Exception {
    return ModelRegistry.builder()
        .dataSource(postgres.fresh())
        .artifactRoot(dir.resolve("artifacts"));
  }

  /**
   * PostgreSQL numbers audit entries when a change inserts its entry, not when it commits. A change
   * to one model that is numbered first but commits after a change to another model must still
   * reach another instance's poll (it used to be skipped for good: the poll's cursor had passed its
   * number).
   */
  @Test
  void anotherInstancesPoll_seesAChangeNumberedEarlierButCommittedLater() throws Exception {
    DataSource db = postgres.fresh();
    PausingDataSource pausing = new PausingDataSource(db);
    Path artifacts = temp.resolve("ordering");
    try (ModelRegistry slow =
            ModelRegistry.builder()
                .dataSource(pausing)
                .artifactRoot(artifacts)
                .pollInterval(Duration.ZERO)
                .build();
        ModelRegistry fast =
            ModelRegistry.builder()
                .dataSource(db)
                .artifactRoot(artifacts)
                .pollInterval(Duration.ZERO)
                .build();
        ModelRegistry watcher =
            ModelRegistry.builder()
                .dataSource(db)
                .artifactRoot(artifacts)
                .pollInterval(Duration.ZERO)
                .build()) {
      slow.createModel("a", "");
      slow.createModel("b", "");
      watcher.refresh();
      List<String> seen = new CopyOnWriteArrayList<>();
      watcher.addListener(e -> seen.add(e.model()));

      Thread first = new Thread(() -> slow.setModelDescription("a", "numbered first"));
      pausing.pauseNextCommit(first);
      first.start();
      pausing.awaitRead(); // its audit entry is written and numbered, not committed
      Thread second = new Thread(() -> fast.setModelDescription("b", "numbered second"));
      second.start();
      awaitDoneOrWaitingForALock(second, db);
      watcher.refresh(); // sees "b" if it could commit first
      pausing.resume();
      first.join();
      second.join();
      watcher.refresh();
      assertThat(seen).containsExactlyInAnyOrder("a", "b");
    }
  }

  /**
   * The race the unique name key exists for: both transactions look for a case twin before either
   * commits. The second one's insert waits on the first one's index entry, then fails on the unique
   * key; the registry retries it, and the retry names the model that won.
   */
  @Test
  void caseVariantInsertedWhileAnotherIsUncommitted_getsTheClearError() throws Exception {
    DataSource db = postgres.fresh();
    PausingDataSource pausing = new PausingDataSource(db);
    Path artifacts = temp.resolve("case-race");
    try (ModelRegistry slow =
            ModelRegistry.builder()
                .dataSource(pausing)
                .artifactRoot(artifacts)
                .pollInterval(Duration.ZERO)
                .build();
        ModelRegistry fast =
            ModelRegistry.builder()
                .dataSource(db)
                .artifactRoot(artifacts)
                .pollInterval(Duration.ZERO)
                .build()) {
      Thread first = new Thread(() -> slow.createModel("Loan", "first"));
      pausing.pauseNextCommit(first);
      first.start();
      pausing.awaitRead(); // "Loan" is inserted, not committed
      Throwable[] failure = new Throwable[1];
      Thread second =
          new Thread(
              () -> {
                try {
                  fast.createModel("loan", "second");
                } catch (Throwable t) {
                  failure[0] = t;
                }
              });
      second.start();
      awaitDoneOrWaitingForALock(second, db);
      pausing.resume();
      first.join();
      second.join();
      assertThat(failure[0])
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("'loan' differs only by case from the existing model 'Loan'");
      assertThat(fast.listModels()).extracting(RegisteredModel::name).containsExactly("Loan");
    }
  }

  /** Waits (bounded, as a safety net) until {@code t} ended or waits for a database lock. */
  private static void awaitDoneOrWaitingForALock(Thread t, DataSource db) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      while (t.isAlive()) {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_locks WHERE NOT granted")) {
          rs.next();
          if (rs.getInt(1) > 0) {
            return;
          }
        }
        assertThat(System.nanoTime() - deadline).as("safety net").isNegative();
        LockSupport.parkNanos(1_000_000);
      }
    }
  }
}
