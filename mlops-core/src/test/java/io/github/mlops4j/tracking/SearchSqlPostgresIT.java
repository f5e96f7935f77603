package io.github.mlops4j.tracking;

import io.github.mlops4j.store.EmbeddedPostgresExtension;
import io.github.mlops4j.store.internal.Dialect;
import java.nio.file.Path;
import java.sql.Connection;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every {@link SearchSqlTest} case on a real PostgreSQL: same runs, same order as SQLite. */
class SearchSqlPostgresIT extends SearchSqlTest {
  @RegisterExtension
  static final EmbeddedPostgresExtension postgres = new EmbeddedPostgresExtension("search");

  @Override
  Connection open(Path dir) throws Exception {
    return postgres.fresh().getConnection();
  }

  @Override
  Dialect dialect() {
    return Dialect.POSTGRESQL;
  }
}
