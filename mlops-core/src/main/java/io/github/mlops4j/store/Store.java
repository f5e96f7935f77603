package io.github.mlops4j.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.mlops4j.artifacts.ArtifactStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * A workspace store: one SQL database (an embedded SQLite file or a PostgreSQL database reached
 * through a host-provided {@link DataSource}) plus a content-addressed artifact directory.
 *
 * <p>Every mlops4j service of one workspace can share a store. Schemas are versioned per component
 * ({@code tracking}, {@code registry}, ...) and migrated when a component first uses the store; a
 * store written by a newer version of mlops4j is refused and never altered.
 *
 * <p>Writes run in one transaction each and are retried when the database reports a transient
 * conflict (SQLite busy, PostgreSQL serialization failure or deadlock), so several threads and
 * several processes can write to one workspace.
 */
public final class Store implements AutoCloseable {
  /** File name of the embedded database inside a workspace directory. */
  public static final String DATABASE_FILE = "mlops.db";

  /** Directory name of the artifact root inside a workspace directory. */
  public static final String ARTIFACT_DIRECTORY = "artifacts";

  private static final Logger log = LoggerFactory.getLogger(Store.class);

  private final DataSource dataSource;
  private final @Nullable HikariDataSource ownedPool;
  private final Dialect dialect;
  private final ArtifactStore artifacts;
  private final Path artifactRoot;
  private final Duration retryBudget;
  private final SchemaMigrator migrator;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Store(Builder builder, DataSource dataSource, @Nullable HikariDataSource ownedPool) {
    this.dataSource = dataSource;
    this.ownedPool = ownedPool;
    this.artifactRoot = Objects.requireNonNull(builder.artifactRoot, "artifactRoot");
    this.retryBudget = builder.retryBudget;
    try (Connection c = dataSource.getConnection()) {
      this.dialect = Dialect.of(c);
    } catch (SQLException e) {
      closePool();
      throw new StoreException("Cannot connect to the workspace database: " + e.getMessage(), e);
    }
    this.artifacts = ArtifactStore.open(artifactRoot);
    this.migrator = new SchemaMigrator(this);
  }

  /**
   * Opens (creating if needed) the embedded workspace at {@code workspace}: {@code
   * workspace/mlops.db} (SQLite in WAL mode) and {@code workspace/artifacts/}.
   */
  public static Store open(Path workspace) {
    Objects.requireNonNull(workspace, "workspace");
    try {
      Files.createDirectories(workspace);
    } catch (IOException e) {
      throw new StoreException("Cannot create workspace directory " + workspace + ": " + e, e);
    }
    return builder()
        .sqliteFile(workspace.resolve(DATABASE_FILE))
        .artifactRoot(workspace.resolve(ARTIFACT_DIRECTORY))
        .build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Dialect dialect() {
    return dialect;
  }

  /** The content-addressed artifact store of this workspace. */
  public ArtifactStore artifacts() {
    return artifacts;
  }

  public Path artifactRoot() {
    return artifactRoot;
  }

  /**
   * Brings the schema of {@code component} to {@code version} by running the class-path scripts
   * {@code /io/github/mlops4j/store/migrations/<dialect>/<component>-V<n>.sql} in order, in one
   * transaction.
   *
   * @throws StoreException if the store holds a newer schema than {@code version}
   */
  public void migrate(String component, int version) {
    migrate(component, version, "/io/github/mlops4j/store/migrations");
  }

  /**
   * Like {@link #migrate(String, int)} with the scripts under {@code
   * <resourceDirectory>/<dialect>/<component>-V<n>.sql}, so each module ships its migrations in
   * its own package.
   */
  public void migrate(String component, int version, String resourceDirectory) {
    ensureOpen();
    migrator.migrate(component, version, resourceDirectory);
  }

  /** Runs {@code work} in auto-commit mode. Transient conflicts are retried. */
  public <T> T read(SqlWork<T> work) {
    return execute(work, false);
  }

  /**
   * Runs {@code work} in one transaction, committed when it returns and rolled back when it throws.
   * Transient conflicts (busy database, serialization failure, deadlock) roll back and retry the
   * whole unit of work, so it must not have side effects outside the database.
   */
  public <T> T write(SqlWork<T> work) {
    return execute(work, true);
  }

  private <T> T execute(SqlWork<T> work, boolean transactional) {
    ensureOpen();
    long deadline = System.nanoTime() + retryBudget.toNanos();
    long backoffMicros = 200;
    for (int attempt = 1; ; attempt++) {
      try (Connection c = dataSource.getConnection()) {
        if (!transactional) {
          return work.run(c);
        }
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
          T result = work.run(c);
          c.commit();
          return result;
        } catch (SQLException | RuntimeException | Error e) {
          rollbackQuietly(c, e);
          throw e;
        } finally {
          c.setAutoCommit(autoCommit);
        }
      } catch (SQLException e) {
        if (!isTransient(e) || System.nanoTime() > deadline) {
          throw new StoreException(
              "Database operation failed" + (attempt > 1 ? " after " + attempt + " attempts" : "")
                  + ": " + e.getMessage(),
              e);
        }
        log.debug("Transient database conflict (attempt {}): {}", attempt, e.getMessage());
        sleepMicros(ThreadLocalRandom.current().nextLong(backoffMicros / 2, backoffMicros + 1));
        backoffMicros = Math.min(backoffMicros * 2, 50_000);
      }
    }
  }

  private static void rollbackQuietly(Connection c, Throwable cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  private static void sleepMicros(long micros) {
    try {
      Thread.sleep(micros / 1000, (int) (micros % 1000) * 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("Interrupted while waiting to retry a database operation", e);
    }
  }

  /** Whether {@code e} is a conflict that goes away when the transaction is retried. */
  static boolean isTransient(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s) {
        String state = s.getSQLState();
        if ("40001".equals(state) || "40P01".equals(state)) {
          return true;
        }
        // SQLite: SQLITE_BUSY (5) and SQLITE_LOCKED (6), including extended codes.
        int code = s.getErrorCode() & 0xff;
        String message = String.valueOf(s.getMessage());
        if (code == 5 || code == 6 || message.contains("SQLITE_BUSY")
            || message.contains("SQLITE_LOCKED")) {
          return true;
        }
      }
    }
    return false;
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException("The store has been closed");
    }
  }

  /** Closes the connection pool if this store created it; a host's DataSource is left open. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      closePool();
    }
  }

  private void closePool() {
    if (ownedPool != null) {
      ownedPool.close();
    }
  }

  /** Builds a store over an embedded SQLite file or a host-provided {@link DataSource}. */
  public static final class Builder {
    private @Nullable DataSource dataSource;
    private @Nullable Path sqliteFile;
    private @Nullable Path artifactRoot;
    private Duration retryBudget = Duration.ofSeconds(30);
    private Duration busyTimeout = Duration.ofSeconds(10);
    private int maxConnections = 4;

    private Builder() {}

    /** A host-provided DataSource (PostgreSQL or SQLite); the host owns and closes it. */
    public Builder dataSource(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      return this;
    }

    /** An embedded SQLite database file, created if missing, in WAL mode. */
    public Builder sqliteFile(Path file) {
      this.sqliteFile = Objects.requireNonNull(file, "sqliteFile");
      return this;
    }

    /** The directory where artifacts are stored by content digest. */
    public Builder artifactRoot(Path artifactRoot) {
      this.artifactRoot = Objects.requireNonNull(artifactRoot, "artifactRoot");
      return this;
    }

    /** How long transient conflicts are retried before a write fails (default 30 s). */
    public Builder retryBudget(Duration budget) {
      this.retryBudget = positive(budget, "retryBudget");
      return this;
    }

    /** How long SQLite waits on a lock held by another connection (default 10 s). */
    public Builder busyTimeout(Duration timeout) {
      this.busyTimeout = positive(timeout, "busyTimeout");
      return this;
    }

    /** Pool size for the embedded SQLite database (default 4). */
    public Builder maxConnections(int maxConnections) {
      if (maxConnections < 1) {
        throw new IllegalArgumentException("maxConnections must be >= 1, was " + maxConnections);
      }
      this.maxConnections = maxConnections;
      return this;
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
      return d;
    }

    public Store build() {
      if ((dataSource == null) == (sqliteFile == null)) {
        throw new IllegalStateException("Set exactly one of dataSource(...) or sqliteFile(...)");
      }
      if (artifactRoot == null) {
        throw new IllegalStateException("artifactRoot(...) is required");
      }
      if (dataSource != null) {
        return new Store(this, dataSource, null);
      }
      HikariDataSource pool = embeddedPool(Objects.requireNonNull(sqliteFile));
      return new Store(this, pool, pool);
    }

    private HikariDataSource embeddedPool(Path file) {
      try {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
      } catch (IOException e) {
        throw new StoreException("Cannot create directory for " + file + ": " + e, e);
      }
      SQLiteConfig config = new SQLiteConfig();
      config.setJournalMode(SQLiteConfig.JournalMode.WAL);
      config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
      config.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, busyTimeout.toMillis()));
      config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
      config.enableCaseSensitiveLike(true);
      config.setTempStore(SQLiteConfig.TempStore.MEMORY);
      SQLiteDataSource sqlite = new SQLiteDataSource(config);
      sqlite.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
      HikariConfig hikari = new HikariConfig();
      hikari.setDataSource(sqlite);
      hikari.setPoolName("mlops4j-sqlite");
      hikari.setMaximumPoolSize(maxConnections);
      hikari.setMinimumIdle(1);
      hikari.setConnectionTimeout(Math.max(250, busyTimeout.toMillis()));
      try {
        return new HikariDataSource(hikari);
      } catch (RuntimeException e) {
        throw new StoreException("Cannot open embedded database " + file + ": " + e.getMessage(), e);
      }
    }
  }
}
