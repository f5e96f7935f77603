package io.github.mlops4j.store.internal;

import io.github.mlops4j.store.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

/** The SQL databases a workspace store can live in. */
public enum Dialect {
  /** Embedded SQLite file, the zero-configuration default. */
  SQLITE("sqlite"),
  /** PostgreSQL, for teams sharing one store. */
  POSTGRESQL("postgresql");

  private final String resourceName;

  Dialect(String resourceName) {
    this.resourceName = resourceName;
  }

  /** Folder name of this dialect's migration scripts. */
  public String resourceName() {
    return resourceName;
  }

  /**
   * Detects the dialect of an open connection.
   *
   * @throws StoreException when the database is neither SQLite nor PostgreSQL
   */
  public static Dialect of(Connection connection) throws SQLException {
    String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
    if (product.contains("sqlite")) {
      return SQLITE;
    }
    if (product.contains("postgres")) {
      return POSTGRESQL;
    }
    throw new StoreException(
        "Unsupported database '" + product + "': mlops4j stores run on SQLite or PostgreSQL");
  }
}
