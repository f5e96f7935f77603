package io.github.mlops4j.tracking;

import io.github.mlops4j.store.PostgresDatabases;
import io.github.mlops4j.store.internal.Dialect;
import java.nio.file.Path;
import java.sql.Connection;
import org.junit.jupiter.api.AfterAll;

/** Every {@link SearchSqlTest} case on a real PostgreSQL: same runs, same order as SQLite. */
class SearchSqlPostgresIT extends SearchSqlTest {
  private PostgresDatabases postgres;

  @Override
  Connection open(Path dir) throws Exception {
    postgres = PostgresDatabases.start("search");
    return postgres.fresh().getConnection();
  }

  @Override
  Dialect dialect() {
    return Dialect.POSTGRESQL;
  }

  @Override
  @AfterAll
  void close() throws Exception {
    super.close();
    postgres.close();
  }
}
