package io.github.mlops4j.store;

import com.zaxxer.hikari.HikariConfig;
import io.github.mlops4j.artifacts.ArtifactStore;
import io.github.mlops4j.artifacts.DirectoryArtifactStore;
import io.github.mlops4j.internal.Checks;
import io.github.mlops4j.store.internal.Dialect;
import io.github.mlops4j.store.internal.SqlWork;
import io.github.mlops4j.store.internal.StoreAccess;
import io.github.mlops4j.store.internal.StoreSource;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
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
 * through a host-provided {@link DataSource}) plus a content-addressed {@link ArtifactStore} (a
 * local directory, or for example an S3 bucket shared by several replicas).
 *
 * <p>Every mlops4j service of one workspace can share a store. Schemas are versioned per component
 * ({@code tracking}, {@code registry}, ...) and migrated when a component first uses the store; a
 * store written by a newer version of mlops4j is refused and never altered. Each migration checks
 * the stored version of every component this library knows (the core's {@code tracking} and {@code
 * features}, and every component migrated through this store), not only its own, before anything is
 * written: nothing is created, migrated or switched to WAL in a workspace that is refused.
 *
 * <p>An embedded database is switched to WAL mode on the first write, after those checks, never
 * when it is merely opened. {@link OpenMode} says whether a missing workspace may be created and
 * whether the store may write at all.
 *
 * <p>Writes run in one transaction each and are retried when the database reports a transient
 * conflict (SQLite busy, PostgreSQL serialization failure or deadlock), so several threads and
 * several processes can write to one workspace.
 *
 * <h2>Which artifact store a workspace uses</h2>
 *
 * <p>A workspace names its artifact store in its settings (table {@code mlops_settings}), so that
 * every process that opens it agrees:
 *
 * <ul>
 *   <li>The first process that writes the workspace (its first schema migration) records the {@link
 *       ArtifactStore#location() location} of the store given with {@link Builder#artifactRoot} or
 *       {@link Builder#artifactStore}. An embedded workspace records its {@code artifacts/}
 *       directory relative to the database file, so the workspace directory can be moved as a
 *       whole: relative to the database path as given to the builder (symbolic links kept), or,
 *       when the artifact directory is not under it as written, with links resolved on both sides,
 *       so a workspace created through its real path opens through a link and the other way round.
 *   <li>Every later open given a store compares its location with the recorded one and throws
 *       {@link StoreException} naming both when they differ; nothing is written. A store opened
 *       before another process recorded a different location is refused at its first write, under
 *       the migration's lock, so of two processes racing to record different locations exactly one
 *       wins. A {@link OpenMode#READ_ONLY} store compares and never records.
 *   <li>An open given neither opens the store the settings name: a {@code file:} location as a
 *       {@link DirectoryArtifactStore} (which must exist: a missing one, for example a shared
 *       volume not mounted here, is a {@link StoreException} in every mode and is not created), any
 *       other scheme through the {@link io.github.mlops4j.artifacts.ArtifactStoreProvider}
 *       registered for it with {@link java.util.ServiceLoader} (on the class path or the module
 *       path). A scheme without a provider is a {@link StoreException} saying which module to add;
 *       a workspace that records nothing is an {@link IllegalStateException} asking for one of the
 *       two builder methods. A store opened through a provider belongs to this store and is closed
 *       by {@link #close()}.
 * </ul>
 *
 * <p>Locations are compared as strings: every process must see a shared artifact directory at the
 * same absolute path. On PostgreSQL the workspace is the connection's current schema; its tables in
 * other schemas are not looked at. A recorded value longer than 2,048 characters, not a URI, or of
 * an unknown scheme (a setting changed by hand) is refused with a short message.
 *
 * @since 0.1.0
 */
public final class Store implements AutoCloseable {
  static {
    StoreAccess.register(
        new StoreAccess.Bridge() {
          @Override
          public <T extends @Nullable Object> T read(Store store, SqlWork<T> work) {
            return store.read(work);
          }

          @Override
          public <T extends @Nullable Object> T write(Store store, SqlWork<T> work) {
            return store.write(work);
          }

          @Override
          public void migrate(
              Store store, String component, int version, String resourceDirectory) {
            store.migrate(component, version, resourceDirectory);
          }

          @Override
          public Dialect dialect(Store store) {
            return store.dialect();
          }

          @Override
          public StoreSource.Opened openStore(StoreOptions<?> options) {
            return options.openStore();
          }

          @Override
          public Clock clock(StoreOptions<?> options) {
            return options.clock();
          }
        });
  }

  /** File name of the embedded database inside a workspace directory. */
  public static final String DATABASE_FILE = "mlops.db";

  /** Directory name of the artifact root inside a workspace directory. */
  public static final String ARTIFACT_DIRECTORY = "artifacts";

  private static final Logger LOG = LoggerFactory.getLogger(Store.class);

  private final DataSource dataSource;
  private final @Nullable EmbeddedPool ownedPool;
  private final Dialect dialect;
  private final OpenMode mode;
  private final boolean embedded;
  private final @Nullable Path artifactRoot;
  private final @Nullable ArtifactStore ownedArtifacts;
  private final String artifactSetting;
  private final Duration retryBudget;
  private final SchemaMigrator migrator;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile @Nullable ArtifactStore artifacts;
  private volatile boolean walChecked;

  private Store(Builder builder, DataSource dataSource, @Nullable EmbeddedPool ownedPool) {
    this.dataSource = dataSource;
    this.ownedPool = ownedPool;
    this.embedded = ownedPool != null;
    this.mode = builder.mode;
    this.retryBudget = builder.retryBudget;
    @Nullable ArtifactStore opened = null;
    @Nullable ArtifactStore owned = null;
    try (Connection c = dataSource.getConnection()) {
      this.dialect = Dialect.of(c);
      URI base = null;
      if (builder.sqliteFile != null) {
        // The directory as the caller named it, not as SQLite resolved it (through symlinks).
        base = WorkspaceSettings.directoryOf(builder.sqliteFile);
      } else if (dialect == Dialect.SQLITE) {
        base = WorkspaceSettings.databaseDirectory(c);
      }
      if (mode != OpenMode.CREATE && !SchemaMigrator.tableExists(c)) {
        throw new StoreException(
            "There is no mlops4j workspace in this database (it has no"
                + " mlops_schema table); check the connection settings, or open it with"
                + " OpenMode.CREATE to create one");
      }
      String recorded = WorkspaceSettings.artifactLocation(c);
      String location;
      if (builder.artifactStore != null) {
        ArtifactStore given = builder.artifactStore;
        opened = mode == OpenMode.READ_ONLY ? ReadOnlyArtifactStore.of(given) : given;
        this.artifactRoot = null;
        location = given.location();
      } else if (builder.artifactRoot != null) {
        this.artifactRoot = builder.artifactRoot;
        location = WorkspaceSettings.directoryLocation(builder.artifactRoot);
      } else if (recorded != null) {
        URI named = WorkspaceSettings.parse(recorded, base);
        if ("file".equalsIgnoreCase(named.getScheme())) {
          Path root = WorkspaceSettings.directory(named, recorded);
          WorkspaceSettings.checkRecordedDirectoryExists(root, recorded);
          this.artifactRoot = root;
          location = WorkspaceSettings.directoryLocation(root);
        } else {
          // Kept as opened (a read-only view is not closeable): this store closes it.
          owned = WorkspaceSettings.openWithProvider(named);
          opened = mode == OpenMode.READ_ONLY ? ReadOnlyArtifactStore.of(owned) : owned;
          this.artifactRoot = null;
          location = owned.location();
        }
      } else {
        throw Checks.missing(
            "Store.Builder",
            "an artifact store (the workspace names none yet)",
            "artifactRoot(path) or artifactStore(store)");
      }
      if (location.length() > WorkspaceSettings.MAX_LOCATION) {
        throw new StoreException(
            "The artifact store's location "
                + WorkspaceSettings.quote(location)
                + " is longer than "
                + WorkspaceSettings.MAX_LOCATION
                + " characters; a workspace cannot record it");
      }
      this.artifactSetting = WorkspaceSettings.recordedForm(location, base);
      if (recorded != null) {
        WorkspaceSettings.checkAgrees(recorded, artifactSetting);
      }
    } catch (SQLException e) {
      closeQuietly(owned);
      closePool();
      throw new StoreException("Cannot connect to the workspace database: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(owned);
      closePool();
      throw e;
    }
    this.ownedArtifacts = owned;
    this.artifacts = opened;
    this.migrator = new SchemaMigrator(this);
  }

  /**
   * Closes an artifact store this store opened through a provider from the workspace's settings
   * (the store itself, never a read-only view of it), if closeable.
   */
  private static void closeQuietly(@Nullable ArtifactStore owned) {
    if (owned instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        LOG.warn("Cannot close the artifact store {}: {}", owned.location(), e.toString());
      }
    }
  }

  /**
   * Opens (creating if needed) the embedded workspace at {@code workspace}: {@code
   * workspace/mlops.db} (SQLite, switched to WAL mode on the first write) and {@code
   * workspace/artifacts/}. The same as {@link #open(Path, OpenMode)} with {@link OpenMode#CREATE}.
   *
   * @throws StoreException if the workspace cannot be opened, or its {@code mlops.db} is missing or
   *     empty while {@code artifacts/} holds stored objects
   */
  public static Store open(Path workspace) {
    return open(workspace, OpenMode.CREATE);
  }

  /**
   * Opens the embedded workspace at {@code workspace} in {@code mode}: with {@link OpenMode#CREATE}
   * a missing workspace is created; with {@link OpenMode#EXISTING} and {@link OpenMode#READ_ONLY}
   * the directory and a non-empty {@code mlops.db} must exist, and nothing is created.
   *
   * @throws StoreException if there is no workspace to open in that mode, or its database was lost
   *     while {@code artifacts/} holds stored objects
   */
  public static Store open(Path workspace, OpenMode mode) {
    Objects.requireNonNull(workspace, "workspace");
    Objects.requireNonNull(mode, "mode");
    Path database = workspace.resolve(DATABASE_FILE);
    Path artifacts = workspace.resolve(ARTIFACT_DIRECTORY);
    if (mode == OpenMode.CREATE) {
      try {
        Files.createDirectories(workspace);
      } catch (IOException e) {
        throw new StoreException("Cannot create workspace directory " + workspace + ": " + e, e);
      }
      checkDatabaseNotLost(database, artifacts);
    } else if (!Files.isRegularFile(database)) {
      throw new StoreException(
          "There is no mlops4j workspace at "
              + workspace
              + " (no "
              + DATABASE_FILE
              + "); check the path, or open it with OpenMode.CREATE to create one");
    }
    return builder().sqliteFile(database).artifactRoot(artifacts).openMode(mode).build();
  }

  /**
   * Page cache of each pooled SQLite connection, in KiB (SQLite's default is 2,000 KiB): up to
   * {@value} KiB of native memory per connection, taken as pages are read.
   */
  static final int PAGE_CACHE_KIB = 32 * 1024;

  /**
   * Refuses to initialise a new database in a workspace that already holds artifacts: its {@code
   * mlops.db} was deleted or truncated, and a new one would silently orphan every stored object.
   */
  private static void checkDatabaseNotLost(Path database, Path artifacts) {
    long size;
    try {
      size = Files.size(database);
    } catch (NoSuchFileException e) {
      size = -1;
    } catch (IOException e) {
      throw new StoreException("Cannot read " + database + ": " + e, e);
    }
    if (size > 0 || !DirectoryArtifactStore.holdsObjects(artifacts)) {
      return;
    }
    throw new StoreException(
        "The workspace database "
            + database
            + " is "
            + (size == 0 ? "empty (0 bytes)" : "missing")
            + " but "
            + artifacts
            + " holds stored artifacts: the database was "
            + (size == 0 ? "truncated" : "deleted")
            + ", and opening would silently start a new,"
            + " empty one. Restore "
            + DATABASE_FILE
            + " from a backup; to start a new workspace"
            + " here on purpose, move the artifacts directory away first. Nothing was changed.");
  }

  public static Builder builder() {
    return new Builder();
  }

  Dialect dialect() {
    return dialect;
  }

  /** How this store was opened. */
  public OpenMode openMode() {
    return mode;
  }

  /**
   * The content-addressed artifact store of this workspace: the one given to the builder, or the
   * one the workspace's settings name. A directory store is opened (its directories created) on
   * first use or by the first migration, so that a workspace refused at open is left untouched.
   * Read-only when the store is.
   */
  public ArtifactStore artifacts() {
    ArtifactStore a = artifacts;
    if (a == null) {
      synchronized (this) {
        a = artifacts;
        if (a == null) {
          Path root = Objects.requireNonNull(artifactRoot, "artifactRoot");
          a =
              mode == OpenMode.READ_ONLY
                  ? DirectoryArtifactStore.openReadOnly(root)
                  : DirectoryArtifactStore.open(root);
          artifacts = a;
        }
      }
    }
    return a;
  }

  /**
   * The root directory of the artifact store when it is a local {@link DirectoryArtifactStore}
   * (given with {@link Builder#artifactRoot}, or named by a {@code file:} location in the
   * workspace's settings); empty for any other store, for example an S3 bucket.
   */
  public Optional<Path> artifactRoot() {
    return Optional.ofNullable(artifactRoot);
  }

  /**
   * The artifact store location this store records in, or compares with, the workspace's settings
   * (relative to the database's directory for an embedded workspace).
   */
  String artifactSetting() {
    return artifactSetting;
  }

  /**
   * Brings the schema of {@code component} to {@code version} by running the class-path scripts
   * {@code /io/github/mlops4j/store/migrations/<dialect>/<component>-V<n>.sql} in order, in one
   * transaction. First, without writing, it refuses a store holding a newer schema of this or of
   * any other component the library knows. On a {@link OpenMode#READ_ONLY} store nothing runs: the
   * schema must already be at {@code version}.
   *
   * @throws StoreException if the store holds a newer schema than the library knows, or (read-only)
   *     an older or missing one
   */
  void migrate(String component, int version) {
    migrate(component, version, SchemaMigrator.CORE_DIRECTORY);
  }

  /**
   * Like {@link #migrate(String, int)} with the scripts under {@code
   * <resourceDirectory>/<dialect>/<component>-V<n>.sql}, so each module ships its migrations in its
   * own package.
   */
  void migrate(String component, int version, String resourceDirectory) {
    ensureOpen();
    migrator.migrate(component, version, resourceDirectory);
    if (mode != OpenMode.READ_ONLY) {
      artifacts(); // the workspace is accepted: create the artifact layout now
    }
  }

  /** Runs {@code work} in auto-commit mode. Transient conflicts are retried. */
  <T extends @Nullable Object> T read(SqlWork<T> work) {
    return execute(work, false);
  }

  /**
   * Runs {@code work} in one transaction, committed when it returns and rolled back when it throws.
   * Transient conflicts (busy database, serialization failure, deadlock) roll back and retry the
   * whole unit of work, so it must not have side effects outside the database.
   *
   * @throws IllegalStateException if the store was opened {@link OpenMode#READ_ONLY}
   */
  <T extends @Nullable Object> T write(SqlWork<T> work) {
    ensureOpen();
    if (mode == OpenMode.READ_ONLY) {
      throw new IllegalStateException(
          "The workspace was opened read-only (OpenMode.READ_ONLY);"
              + " open it with OpenMode.CREATE or OpenMode.EXISTING to write");
    }
    if (embedded && !walChecked) {
      enableWal();
    }
    return execute(work, true);
  }

  /**
   * Switches the embedded database to WAL mode before its first write (a no-op when it already is).
   * Done here rather than as a connection setting so that opening, checking and refusing a
   * workspace never rewrites its header.
   */
  private synchronized void enableWal() {
    if (walChecked) {
      return;
    }
    String journal =
        execute(
            c -> {
              try (Statement s = c.createStatement();
                  ResultSet rs = s.executeQuery("PRAGMA journal_mode=WAL")) {
                return rs.next() ? rs.getString(1) : "unknown";
              }
            },
            false);
    if (!"wal".equalsIgnoreCase(journal)) {
      LOG.warn(
          "The workspace database stays in journal mode '{}': SQLite could not switch it to"
              + " WAL (a file system without shared memory?)",
          journal);
    }
    walChecked = true;
  }

  private <T extends @Nullable Object> T execute(SqlWork<T> work, boolean transactional) {
    ensureOpen();
    boolean readOnlySession = mode == OpenMode.READ_ONLY && dialect == Dialect.POSTGRESQL;
    long deadline = System.nanoTime() + retryBudget.toNanos();
    long backoffMicros = 200;
    for (int attempt = 1; ; attempt++) {
      try (Connection c = dataSource.getConnection()) {
        if (readOnlySession) {
          return readOnly(c, work);
        }
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
              "Database operation failed"
                  + (attempt > 1 ? " after " + attempt + " attempts" : "")
                  + ": "
                  + e.getMessage(),
              e);
        }
        LOG.debug("Transient database conflict (attempt {}): {}", attempt, e.getMessage());
        sleepMicros(ThreadLocalRandom.current().nextLong(backoffMicros / 2, backoffMicros + 1));
        backoffMicros = Math.min(backoffMicros * 2, 50_000);
      }
    }
  }

  /** Runs a read on a host connection marked read-only, restoring the flag afterwards. */
  private static <T extends @Nullable Object> T readOnly(Connection c, SqlWork<T> work)
      throws SQLException {
    boolean was = c.isReadOnly();
    c.setReadOnly(true);
    try {
      return work.run(c);
    } finally {
      c.setReadOnly(was);
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
        if (code == 5
            || code == 6
            || message.contains("SQLITE_BUSY")
            || message.contains("SQLITE_LOCKED")) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether {@link #close()} was called on this store. */
  public boolean isClosed() {
    return closed.get();
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
      try {
        closeQuietly(ownedArtifacts);
      } finally {
        closePool();
      }
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
    private @Nullable ArtifactStore artifactStore;
    private Duration retryBudget = Duration.ofSeconds(30);
    private Duration busyTimeout = Duration.ofSeconds(10);
    private int maxConnections = 4;
    private OpenMode mode = OpenMode.CREATE;

    private Builder() {}

    /**
     * Whether the store may create its database and artifact root and may write (default {@link
     * OpenMode#CREATE}).
     */
    public Builder openMode(OpenMode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** A host-provided DataSource (PostgreSQL or SQLite); the host owns and closes it. */
    public Builder dataSource(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      return this;
    }

    /**
     * An embedded SQLite database file, created if missing (in {@link OpenMode#CREATE}), switched
     * to WAL mode on the first write.
     */
    public Builder sqliteFile(Path file) {
      this.sqliteFile = Objects.requireNonNull(file, "sqliteFile");
      return this;
    }

    /**
     * The directory where artifacts are stored by content digest (a {@link
     * DirectoryArtifactStore}). The alternative to {@link #artifactStore}; without either, the
     * store opens the artifact store the workspace's settings name.
     */
    public Builder artifactRoot(Path artifactRoot) {
      this.artifactRoot = Objects.requireNonNull(artifactRoot, "artifactRoot");
      return this;
    }

    /**
     * The artifact store, for example an S3 bucket shared by several replicas. The alternative to
     * {@link #artifactRoot}; without either, the store opens the artifact store the workspace's
     * settings name. The host owns {@code store}: {@link Store#close()} does not close it. On a
     * {@link OpenMode#READ_ONLY} store it is used through a view that refuses puts.
     */
    public Builder artifactStore(ArtifactStore store) {
      this.artifactStore = Objects.requireNonNull(store, "artifactStore");
      return this;
    }

    /** How long transient conflicts are retried before a write fails (default 30 s). */
    public Builder retryBudget(Duration budget) {
      this.retryBudget = Checks.positive(budget, "retryBudget");
      return this;
    }

    /** How long SQLite waits on a lock held by another connection (default 10 s). */
    public Builder busyTimeout(Duration timeout) {
      this.busyTimeout = Checks.positive(timeout, "busyTimeout");
      return this;
    }

    /** Pool size for the embedded SQLite database (default 4). */
    public Builder maxConnections(int maxConnections) {
      Checks.atLeast(maxConnections, 1, "maxConnections");
      this.maxConnections = maxConnections;
      return this;
    }

    public Store build() {
      if (dataSource == null && sqliteFile == null) {
        throw Checks.missing(
            "Store.Builder", "a database", "dataSource(dataSource) or sqliteFile(path)");
      }
      if (dataSource != null && sqliteFile != null) {
        throw new IllegalStateException("Set exactly one of dataSource(...) or sqliteFile(...)");
      }
      if (artifactRoot != null && artifactStore != null) {
        throw new IllegalStateException(
            "Store.Builder: set exactly one of artifactRoot(...) or artifactStore(...)");
      }
      if (artifactRoot != null && mode != OpenMode.CREATE && !Files.isDirectory(artifactRoot)) {
        throw new StoreException(
            "The artifact root "
                + artifactRoot
                + " does not exist; check the"
                + " path (OpenMode."
                + mode
                + " opens an existing workspace and creates nothing)");
      }
      if (dataSource != null) {
        return new Store(this, dataSource, null);
      }
      EmbeddedPool pool = embeddedPool(Objects.requireNonNull(sqliteFile));
      return new Store(this, pool, pool);
    }

    /**
     * The embedded pool: HikariCP, quiet at INFO (see {@link EmbeddedPool}); a database that cannot
     * be opened fails here, at open.
     */
    private EmbeddedPool embeddedPool(Path file) {
      if (mode == OpenMode.CREATE) {
        try {
          Path parent = file.toAbsolutePath().getParent();
          if (parent != null) {
            Files.createDirectories(parent);
          }
        } catch (IOException e) {
          throw new StoreException("Cannot create directory for " + file + ": " + e, e);
        }
      } else {
        checkExistingDatabase(file);
      }
      SQLiteConfig config = new SQLiteConfig();
      // No journal_mode here: it would rewrite the header of every database merely opened,
      // including one that is then refused. Store.write switches to WAL before the first write.
      config.setReadOnly(mode == OpenMode.READ_ONLY);
      config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
      config.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, busyTimeout.toMillis()));
      config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
      config.enableCaseSensitiveLike(true);
      config.setTempStore(SQLiteConfig.TempStore.MEMORY);
      // SQLite's default page cache is 2 MB per connection: a search over a workspace of tens of
      // thousands of runs re-read its pages on every query. Memory is taken only as pages are read.
      config.setCacheSize(-PAGE_CACHE_KIB);
      SQLiteDataSource sqlite = new SQLiteDataSource(config);
      sqlite.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
      HikariConfig hikari = new HikariConfig();
      hikari.setDataSource(sqlite);
      hikari.setPoolName("mlops4j-sqlite");
      hikari.setMaximumPoolSize(maxConnections);
      hikari.setConnectionTimeout(Math.max(250, busyTimeout.toMillis()));
      hikari.setReadOnly(mode == OpenMode.READ_ONLY);
      try {
        return new EmbeddedPool(hikari);
      } catch (RuntimeException e) {
        throw new StoreException(
            "Cannot open embedded database " + file + ": " + e.getMessage(), e);
      }
    }

    /** An existing workspace's database: a regular, non-empty file. */
    private void checkExistingDatabase(Path file) {
      long size;
      try {
        size = Files.size(file);
      } catch (NoSuchFileException e) {
        size = -1;
      } catch (IOException e) {
        throw new StoreException("Cannot read " + file + ": " + e, e);
      }
      if (size <= 0 || !Files.isRegularFile(file)) {
        throw new StoreException(
            "There is no mlops4j workspace database at "
                + file
                + " ("
                + (size == 0 ? "the file is empty" : "no such file")
                + "); check the path (OpenMode."
                + mode
                + " opens an existing workspace and creates nothing)");
      }
    }
  }
}
