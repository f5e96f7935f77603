package io.github.mlops4j.store;

import io.github.mlops4j.artifacts.ArtifactStore;
import io.github.mlops4j.artifacts.ArtifactStoreProvider;
import io.github.mlops4j.artifacts.DirectoryArtifactStore;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Iterator;
import java.util.Locale;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;

/**
 * The settings every process of a workspace must agree on, kept in the {@code mlops_settings} table
 * of its database (the core schema component {@value #COMPONENT}). Today there is one: the location
 * of the artifact store ({@link ArtifactStore#location()}), recorded by the first process that
 * writes the workspace and compared by every later open.
 *
 * <p>For a SQLite database file a directory under the database's directory is recorded relative to
 * it ({@code artifacts/}), so that a workspace directory can be moved or copied as a whole.
 */
final class WorkspaceSettings {
  /** The schema component that owns {@code mlops_settings}. */
  static final String COMPONENT = "workspace";

  /** Version of the {@value #COMPONENT} schema this code writes. */
  static final int VERSION = 1;

  /** The setting that names the artifact store. */
  static final String ARTIFACT_STORE = "artifact-store.location";

  /** Longest location accepted, in chars: longer ones were not written by mlops4j. */
  static final int MAX_LOCATION = 2048;

  /** Longest part of a location quoted in a message, in chars. */
  static final int QUOTE_LIMIT = 100;

  private WorkspaceSettings() {}

  /**
   * The recorded artifact store location, or null when the workspace has none (no settings table,
   * or no row). Reads at most {@value #MAX_LOCATION} + 1 chars of it.
   *
   * @throws StoreException if the recorded value is longer than {@value #MAX_LOCATION} chars
   */
  static @Nullable String artifactLocation(Connection c) throws SQLException {
    if (!SchemaMigrator.hasTable(c, "mlops_settings")) {
      return null;
    }
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT substr(value, 1, ?), length(value) FROM mlops_settings WHERE name = ?")) {
      p.setInt(1, MAX_LOCATION + 1);
      p.setString(2, ARTIFACT_STORE);
      try (ResultSet rs = p.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        String value = String.valueOf(rs.getString(1));
        long length = rs.getLong(2);
        if (length > MAX_LOCATION) {
          throw new StoreException(
              "The workspace's recorded artifact store location (setting '"
                  + ARTIFACT_STORE
                  + "' in mlops_settings) is "
                  + length
                  + " characters long, more than the "
                  + MAX_LOCATION
                  + " mlops4j writes: it was changed by hand. It begins "
                  + quote(value)
                  + "; correct the row, or delete it to record the store of the next process"
                  + " that writes the workspace");
        }
        return value;
      }
    }
  }

  /**
   * Records {@code location} if the workspace has no artifact store location yet; refuses it if
   * another one is recorded. Runs inside the migration's transaction, under its lock, so that of
   * two processes racing to record different locations exactly one succeeds.
   *
   * @throws StoreException if a different location is recorded (the transaction is rolled back)
   */
  static void record(Connection c, String location, long nowMillis) throws SQLException {
    String recorded = artifactLocation(c);
    if (recorded != null) {
      checkAgrees(recorded, location);
      return;
    }
    try (PreparedStatement p =
        c.prepareStatement("INSERT INTO mlops_settings (name, value, set_time) VALUES (?, ?, ?)")) {
      p.setString(1, ARTIFACT_STORE);
      p.setString(2, location);
      p.setLong(3, nowMillis);
      p.executeUpdate();
    }
  }

  /**
   * Refuses a process configured with another artifact store than the one the workspace records.
   *
   * @throws StoreException naming both locations (each cut to {@value #QUOTE_LIMIT} chars)
   */
  static void checkAgrees(String recorded, String configured) {
    if (recorded.equals(configured)) {
      return;
    }
    throw new StoreException(
        "This workspace keeps its artifacts in "
            + quote(recorded)
            + " (recorded in its settings), but this store was configured with "
            + quote(configured)
            + ". Every process of a workspace must use the same artifact store: configure "
            + quote(recorded)
            + ", or give neither artifactRoot(...) nor artifactStore(...) to open the one the"
            + " workspace names. Nothing was written.");
  }

  /**
   * The directory URI of a SQLite database file, against which an artifact directory beside it is
   * recorded; null for an in-memory or temporary database.
   */
  static @Nullable URI databaseDirectory(Connection sqlite) throws SQLException {
    try (Statement s = sqlite.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA database_list")) {
      while (rs.next()) {
        String file = rs.getString("file");
        if ("main".equals(rs.getString("name")) && file != null && !file.isEmpty()) {
          Path parent = Path.of(file).toAbsolutePath().normalize().getParent();
          return parent == null ? null : parent.toUri();
        }
      }
    }
    return null;
  }

  /**
   * The directory URI of the embedded database file {@code sqliteFile} as the caller named it
   * (absolute and normalized, symbolic links kept), against which an artifact directory beside it
   * is recorded; null if it has no parent.
   */
  static @Nullable URI directoryOf(Path sqliteFile) {
    Path parent = sqliteFile.toAbsolutePath().normalize().getParent();
    return parent == null ? null : directoryUri(parent);
  }

  /** The {@code file:} URI of directory {@code dir}, ending in a slash whether or not it exists. */
  private static URI directoryUri(Path dir) {
    String uri = dir.toUri().toString();
    return URI.create(uri.endsWith("/") ? uri : uri + "/");
  }

  /**
   * The form of {@code location} recorded in a workspace whose database lives in {@code base} (a
   * directory URI, or null for a database reached through a non-SQLite DataSource): relative to
   * {@code base} when it lies under it, else unchanged. A {@code file:} location that does not lie
   * under {@code base} as written is compared again with symbolic links resolved on both sides, so
   * that a workspace directory reached through a link and its artifact directory named through its
   * real path (or the other way round) still record the relative form.
   */
  static String recordedForm(String location, @Nullable URI base) {
    if (base == null) {
      return location;
    }
    URI uri;
    try {
      uri = new URI(location);
    } catch (URISyntaxException e) {
      return location;
    }
    URI relative = base.relativize(uri);
    if (!relative.isAbsolute()) {
      return relative.toString();
    }
    if (!"file".equalsIgnoreCase(uri.getScheme()) || !"file".equalsIgnoreCase(base.getScheme())) {
      return location;
    }
    URI realRelative;
    try {
      Path realLocation = realPath(Path.of(uri));
      realRelative =
          directoryUri(realPath(Path.of(base)))
              .relativize(
                  location.endsWith("/") ? directoryUri(realLocation) : realLocation.toUri());
    } catch (IllegalArgumentException | FileSystemNotFoundException | IOException e) {
      return location;
    }
    return realRelative.isAbsolute() ? location : realRelative.toString();
  }

  /**
   * {@code path} with symbolic links resolved: the real path of its longest existing prefix, with
   * the rest (not created yet) appended as written.
   */
  static Path realPath(Path path) throws IOException {
    Path absolute = path.toAbsolutePath().normalize();
    Path existing = absolute;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return absolute;
    }
    return existing.toRealPath().resolve(existing.relativize(absolute));
  }

  /**
   * Refuses a recorded {@code file:} artifact directory that does not exist: the process that
   * recorded it created it, so here it is not mounted (or was removed), and creating it would keep
   * this process's artifacts on a local disk no other process sees.
   *
   * @throws StoreException if {@code root} is not a directory
   */
  static void checkRecordedDirectoryExists(Path root, String recorded) {
    if (Files.isDirectory(root)) {
      return;
    }
    throw new StoreException(
        "The workspace keeps its artifacts in the directory "
            + quote(recorded)
            + " (recorded in its settings), but "
            + quote(root.toString())
            + " does not exist here. Every process of a workspace must see the artifact directory"
            + " at the same path: mount or restore it there, or give artifactRoot(...) or"
            + " artifactStore(...) naming the recorded store. Nothing was created.");
  }

  /**
   * Parses a recorded location, resolving a relative one against {@code base}.
   *
   * @throws StoreException if it is not an absolute URI (after resolving)
   */
  static URI parse(String recorded, @Nullable URI base) {
    URI uri;
    try {
      uri = new URI(recorded);
    } catch (URISyntaxException e) {
      throw new StoreException(
          "The workspace's recorded artifact store location "
              + quote(recorded)
              + " is not a valid URI ("
              + cut(String.valueOf(e.getReason()))
              + "): it was changed by hand; correct the setting '"
              + ARTIFACT_STORE
              + "' in mlops_settings",
          e);
    }
    if (!uri.isAbsolute()) {
      if (base == null) {
        throw new StoreException(
            "The workspace's recorded artifact store location "
                + quote(recorded)
                + " is relative to the directory of a SQLite workspace file, but this database"
                + " is not one; give artifactRoot(...) or artifactStore(...)");
      }
      uri = base.resolve(uri);
    }
    return uri;
  }

  /** The directory of a {@code file:} location. */
  static Path directory(URI location, String recorded) {
    try {
      return Path.of(location);
    } catch (IllegalArgumentException | FileSystemNotFoundException e) {
      throw new StoreException(
          "The workspace's recorded artifact store location "
              + quote(recorded)
              + " is not a local directory URI ("
              + cut(String.valueOf(e.getMessage()))
              + "); correct the setting '"
              + ARTIFACT_STORE
              + "' in mlops_settings",
          e);
    }
  }

  /**
   * Opens the store at {@code location} (not {@code file:}) through the {@link
   * ArtifactStoreProvider} registered for its scheme.
   *
   * @throws StoreException if no provider handles the scheme, the provider cannot open the store,
   *     or the store it opens has another location
   */
  static ArtifactStore openWithProvider(URI location) {
    String scheme = String.valueOf(location.getScheme()).toLowerCase(Locale.ROOT);
    ArtifactStoreProvider provider = provider(scheme, location);
    ArtifactStore opened;
    try {
      opened = provider.open(location);
    } catch (RuntimeException e) {
      throw new StoreException(
          "Cannot open the artifact store "
              + quote(location.toString())
              + " that the workspace names, through "
              + provider.getClass().getName()
              + ": "
              + cut(String.valueOf(e.getMessage())),
          e);
    }
    if (!opened.location().equals(location.toString())) {
      throw new StoreException(
          provider.getClass().getName()
              + " opened "
              + quote(opened.location())
              + " for the location "
              + quote(location.toString())
              + " that the workspace names; a provider must open the store whose location()"
              + " is the one it was given");
    }
    return opened;
  }

  private static ArtifactStoreProvider provider(String scheme, URI location) {
    Iterator<ArtifactStoreProvider> providers =
        ServiceLoader.load(ArtifactStoreProvider.class).iterator();
    while (true) {
      ArtifactStoreProvider p;
      try {
        if (!providers.hasNext()) {
          break;
        }
        p = providers.next();
      } catch (ServiceConfigurationError e) {
        throw new StoreException(
            "An ArtifactStoreProvider registered on the class path or module path cannot be"
                + " loaded: "
                + cut(String.valueOf(e.getMessage())),
            e);
      }
      if (p.schemes().contains(scheme)) {
        return p;
      }
    }
    throw new StoreException(
        "The workspace keeps its artifacts in "
            + quote(location.toString())
            + ", but no ArtifactStoreProvider for the scheme '"
            + cut(scheme)
            + "' is on the class path or module path: "
            + ("s3".equals(scheme)
                ? "add the dependency io.github.mlops4j:mlops-s3"
                : "add the module that provides it")
            + ", or give artifactStore(...) to the store builder");
  }

  /** A read-only view of a directory location, for comparing without creating anything. */
  static String directoryLocation(Path root) {
    return DirectoryArtifactStore.openReadOnly(root).location();
  }

  /** {@code value} in quotes, cut to {@value #QUOTE_LIMIT} chars with its length when longer. */
  static String quote(String value) {
    return "'" + cut(value) + "'";
  }

  private static String cut(String value) {
    return value.length() <= QUOTE_LIMIT
        ? value
        : value.substring(0, QUOTE_LIMIT) + "... (" + value.length() + " chars)";
  }
}
