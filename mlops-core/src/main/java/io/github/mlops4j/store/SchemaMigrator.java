package io.github.mlops4j.store;

import io.github.mlops4j.store.internal.Dialect;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Applies versioned SQL scripts per component and refuses a store written by newer code.
 *
 * <p>Versions live in {@code mlops_schema(component, version)}. Before anything is written, every
 * stored version is compared with what this library knows: the core components ({@link
 * #CORE_VERSIONS}) and every component already migrated through the same {@link Store}. A newer one
 * refuses the workspace, whichever component asked, so a service never runs against a workspace
 * that a newer mlops4j has changed. Migration runs in one transaction that first takes the
 * database's write lock ({@code BEGIN IMMEDIATE} on SQLite, an advisory transaction lock on
 * PostgreSQL), so two processes opening a new workspace at once do not both run the scripts; the
 * versions are checked again under that lock.
 *
 * <p>Every such transaction also brings the core's {@value WorkspaceSettings#COMPONENT} component
 * ({@code mlops_settings}) to its version and records the store's artifact location there, or
 * refuses the store if another location is recorded (see {@link WorkspaceSettings}); when both the
 * component and the settings are current, nothing is written.
 */
final class SchemaMigrator {
  private static final Pattern STATEMENT_SEPARATOR = Pattern.compile("(?m)^\\s*;\\s*$");

  /**
   * The schema versions of the components of mlops-core, which every service depends on. Each must
   * equal the version its service passes to {@link Store#migrate} (checked there).
   */
  static final Map<String, Integer> CORE_VERSIONS =
      Map.of(
          "tracking",
          4,
          "features",
          2,
          "governance",
          2,
          WorkspaceSettings.COMPONENT,
          WorkspaceSettings.VERSION);

  /** Where the core's migration scripts live. */
  static final String CORE_DIRECTORY = "/io/github/mlops4j/store/migrations";

  private final Store store;

  /** Components this store has seen migrated, with the code's version: checked on every open. */
  private final Map<String, Integer> known = new ConcurrentHashMap<>(CORE_VERSIONS);

  /** Whether the workspace's settings were seen to agree with this store (never changes back). */
  private volatile boolean settingsAgree;

  SchemaMigrator(Store store) {
    this.store = store;
  }

  void migrate(String component, int codeVersion, String resourceDirectory) {
    if (!component.matches("[a-z][a-z0-9-]*")) {
      throw new IllegalArgumentException("Bad schema component name '" + component + "'");
    }
    if (component.equals(WorkspaceSettings.COMPONENT)) {
      throw new IllegalArgumentException(
          "The '" + component + "' schema is migrated by the store itself, with every component");
    }
    if (codeVersion < 1) {
      throw new IllegalArgumentException("Schema version must be >= 1, was " + codeVersion);
    }
    Integer core = CORE_VERSIONS.get(component);
    if (core != null && core != codeVersion) {
      throw new IllegalStateException(
          "Schema version "
              + codeVersion
              + " of core component '"
              + component
              + "' disagrees with SchemaMigrator.CORE_VERSIONS ("
              + core
              + ")");
    }
    known.merge(component, codeVersion, Math::max);
    Map<String, Integer> stored = store.read(c -> tableExists(c) ? versions(c) : Map.of());
    checkNotNewer(stored);
    int current = stored.getOrDefault(component, 0);
    boolean settled = settingsAgree || settingsAgree(stored);
    if (current == codeVersion && settled) {
      return;
    }
    checkNotNewer(component, current, codeVersion);
    if (store.openMode() == OpenMode.READ_ONLY) {
      if (current == codeVersion) {
        return; // compared above; a read-only store records nothing
      }
      throw new StoreException(
          current == 0
              ? "The workspace has no '"
                  + component
                  + "' data (its schema was never created), and it"
                  + " was opened read-only (OpenMode.READ_ONLY), which creates nothing. Open it"
                  + " read-write once, or use a workspace where this component was used"
              : "The workspace's '"
                  + component
                  + "' schema is version "
                  + current
                  + ", older than"
                  + " version "
                  + codeVersion
                  + " of this library, and it was opened read-only"
                  + " (OpenMode.READ_ONLY), which migrates nothing. Open it read-write once to"
                  + " upgrade it; the workspace was left unchanged.");
    }
    store.write(
        c -> {
          lock(c);
          try (Statement s = c.createStatement()) {
            s.execute(
                "CREATE TABLE IF NOT EXISTS mlops_schema (component TEXT NOT NULL PRIMARY KEY,"
                    + " version INTEGER NOT NULL, applied_time BIGINT NOT NULL)");
          }
          checkNotNewer(versions(c));
          apply(c, WorkspaceSettings.COMPONENT, WorkspaceSettings.VERSION, CORE_DIRECTORY);
          WorkspaceSettings.record(c, store.artifactSetting(), System.currentTimeMillis());
          apply(c, component, codeVersion, resourceDirectory);
          return null;
        });
    settingsAgree = true;
  }

  /**
   * Whether the workspace's settings already record this store's artifact location, so that nothing
   * needs writing; false when they record none yet (or the settings table does not exist yet).
   *
   * @throws StoreException if they record another location
   */
  private boolean settingsAgree(Map<String, Integer> stored) {
    if (stored.getOrDefault(WorkspaceSettings.COMPONENT, 0) < WorkspaceSettings.VERSION) {
      return false;
    }
    String recorded = store.read(WorkspaceSettings::artifactLocation);
    if (recorded == null) {
      return false;
    }
    WorkspaceSettings.checkAgrees(recorded, store.artifactSetting());
    settingsAgree = true;
    return true;
  }

  /** Runs the scripts that bring {@code component} to {@code codeVersion}, under the lock. */
  private void apply(Connection c, String component, int codeVersion, String resourceDirectory)
      throws SQLException {
    int now = version(c, component);
    checkNotNewer(component, now, codeVersion);
    for (int v = now + 1; v <= codeVersion; v++) {
      for (String sql : statements(resourceDirectory, component, v)) {
        try (Statement s = c.createStatement()) {
          s.execute(sql);
        }
      }
    }
    if (now < codeVersion) {
      try (PreparedStatement p =
          c.prepareStatement(
              now == 0
                  ? "INSERT INTO mlops_schema (version, applied_time, component) VALUES (?, ?, ?)"
                  : "UPDATE mlops_schema SET version = ?, applied_time = ? WHERE component = ?")) {
        p.setInt(1, codeVersion);
        p.setLong(2, System.currentTimeMillis());
        p.setString(3, component);
        p.executeUpdate();
      }
    }
  }

  /** Refuses the workspace if any component it stores is newer than this library knows. */
  private void checkNotNewer(Map<String, Integer> stored) {
    for (Map.Entry<String, Integer> e : new TreeMap<>(stored).entrySet()) {
      Integer code = known.get(e.getKey());
      if (code != null) {
        checkNotNewer(e.getKey(), e.getValue(), code);
      }
    }
  }

  private static void checkNotNewer(String component, int stored, int codeVersion) {
    if (stored > codeVersion) {
      throw new StoreException(
          "This workspace was written by a newer version of mlops4j: its '"
              + component
              + "' schema is version "
              + stored
              + " but this library knows versions up to "
              + codeVersion
              + ". Upgrade mlops4j to open it; the workspace was left unchanged.");
    }
  }

  private void lock(Connection c) throws SQLException {
    if (store.dialect() == Dialect.POSTGRESQL) {
      try (Statement s = c.createStatement()) {
        s.execute("SELECT pg_advisory_xact_lock(7405812364)");
      }
    }
    // SQLite connections of the embedded store begin transactions IMMEDIATE: the write lock is
    // already held. For a host-provided SQLite DataSource, a first write takes it.
    else {
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS mlops_lock (id INTEGER PRIMARY KEY)");
        s.execute("DELETE FROM mlops_lock");
      }
    }
  }

  /** Whether the database has the {@code mlops_schema} table (is, or was, a workspace). */
  static boolean tableExists(Connection c) throws SQLException {
    return hasTable(c, "mlops_schema");
  }

  /**
   * Whether the connection's current schema holds the table {@code name} (a name without SQL
   * wildcards). Only the current schema counts, the one unqualified statements use: on PostgreSQL a
   * table of that name in another schema of the database is not the workspace's.
   */
  static boolean hasTable(Connection c, String name) throws SQLException {
    DatabaseMetaData meta = c.getMetaData();
    String schema = c.getSchema();
    String pattern = schema == null ? null : escapeLike(schema, meta.getSearchStringEscape());
    try (ResultSet rs = meta.getTables(null, pattern, name, null)) {
      return rs.next();
    }
  }

  /** {@code value} as a metadata search pattern matching only itself. */
  private static String escapeLike(String value, @Nullable String escape) {
    if (escape == null || escape.isEmpty()) {
      return value;
    }
    StringBuilder out = new StringBuilder(value.length() + 4);
    for (int i = 0; i < value.length(); i++) {
      char ch = value.charAt(i);
      if (ch == '_' || ch == '%' || value.startsWith(escape, i)) {
        out.append(escape);
      }
      out.append(ch);
    }
    return out.toString();
  }

  private static Map<String, Integer> versions(Connection c) throws SQLException {
    Map<String, Integer> out = new HashMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT component, version FROM mlops_schema")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getInt(2));
      }
    }
    return out;
  }

  private static int version(Connection c, String component) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement("SELECT version FROM mlops_schema WHERE component = ?")) {
      p.setString(1, component);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? rs.getInt(1) : 0;
      }
    }
  }

  private List<String> statements(String directory, String component, int version) {
    String resource =
        directory
            + "/"
            + store.dialect().resourceName()
            + "/"
            + component
            + "-V"
            + version
            + ".sql";
    String text;
    try (InputStream in = SchemaMigrator.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new StoreException("Missing migration script " + resource);
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new StoreException("Cannot read migration script " + resource + ": " + e, e);
    }
    List<String> result = new ArrayList<>();
    for (String part : STATEMENT_SEPARATOR.split(text, -1)) {
      String sql = stripComments(part).strip();
      if (!sql.isEmpty()) {
        result.add(sql);
      }
    }
    return result;
  }

  private static String stripComments(String sql) {
    StringBuilder out = new StringBuilder();
    for (String line : sql.split("\n", -1)) {
      if (!line.strip().startsWith("--")) {
        out.append(line).append('\n');
      }
    }
    return out.toString();
  }
}
