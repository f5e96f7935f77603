package io.github.mlops4j.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Applies versioned SQL scripts per component and refuses a store written by newer code.
 *
 * <p>Versions live in {@code mlops_schema(component, version)}. Migration runs in one transaction
 * that first takes the database's write lock ({@code BEGIN IMMEDIATE} on SQLite, an advisory
 * transaction lock on PostgreSQL), so two processes opening a new workspace at once do not both
 * run the scripts.
 */
final class SchemaMigrator {
  private static final Pattern STATEMENT_SEPARATOR = Pattern.compile("(?m)^\\s*;\\s*$");

  private final Store store;

  SchemaMigrator(Store store) {
    this.store = store;
  }

  void migrate(String component, int codeVersion, String resourceDirectory) {
    if (!component.matches("[a-z][a-z0-9-]*")) {
      throw new IllegalArgumentException("Bad schema component name '" + component + "'");
    }
    if (codeVersion < 1) {
      throw new IllegalArgumentException("Schema version must be >= 1, was " + codeVersion);
    }
    int current = store.read(c -> tableExists(c) ? version(c, component) : 0);
    if (current == codeVersion) {
      return;
    }
    checkNotNewer(component, current, codeVersion);
    store.write(
        c -> {
          lock(c);
          try (Statement s = c.createStatement()) {
            s.execute(
                "CREATE TABLE IF NOT EXISTS mlops_schema (component TEXT NOT NULL PRIMARY KEY,"
                    + " version INTEGER NOT NULL, applied_time BIGINT NOT NULL)");
          }
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
          return null;
        });
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

  private static boolean tableExists(Connection c) throws SQLException {
    try (ResultSet rs = c.getMetaData().getTables(null, null, "mlops_schema", null)) {
      return rs.next();
    }
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
    String resource = directory + "/" + store.dialect().resourceName() + "/" + component + "-V"
        + version + ".sql";
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
    for (String part : STATEMENT_SEPARATOR.split(text)) {
      String sql = stripComments(part).strip();
      if (!sql.isEmpty()) {
        result.add(sql);
      }
    }
    return result;
  }

  private static String stripComments(String sql) {
    StringBuilder out = new StringBuilder();
    for (String line : sql.split("\n")) {
      if (!line.strip().startsWith("--")) {
        out.append(line).append('\n');
      }
    }
    return out.toString();
  }
}
