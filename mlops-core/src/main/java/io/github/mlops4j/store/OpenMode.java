package io.github.mlops4j.store;

/**
 * How a store opens its workspace (an embedded directory, or a database reached through a {@link
 * javax.sql.DataSource} with its artifact root).
 *
 * @since 0.1.0
 */
public enum OpenMode {
  /**
   * The default: opens the workspace, creating the directory, the database and the artifact root
   * when they do not exist, and migrates each component's schema to the library's version. An
   * embedded workspace whose {@code mlops.db} is missing or empty (0 bytes) while {@code
   * artifacts/} holds stored objects is refused: its database was lost, and a new one would orphan
   * every artifact.
   */
  CREATE,

  /**
   * Opens a workspace that already exists and refuses to create one: the directory and its
   * non-empty {@code mlops.db} (or, for a {@code DataSource}, the {@code mlops_schema} table) and
   * the artifact root must be there. Writes and schema migrations are allowed. For tools given a
   * path by a user, where a typo must not create an empty workspace.
   */
  EXISTING,

  /**
   * Like {@link #EXISTING}, and never writes: the embedded database is opened with SQLite's
   * read-only flag, every write throws {@link IllegalStateException}, the artifact store refuses
   * {@code put}, no directory is created and no temporary file is swept. Each component's schema
   * must already be at the library's version (no migration runs). SQLite still creates its
   * shared-memory index files ({@code mlops.db-wal}, {@code mlops.db-shm}) beside a WAL database,
   * as every reader does; they hold no data.
   */
  READ_ONLY
}
