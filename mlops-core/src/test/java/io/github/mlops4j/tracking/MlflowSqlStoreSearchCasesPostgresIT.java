package io.github.mlops4j.tracking;

import io.github.mlops4j.store.EmbeddedPostgresExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;

/** MLflow's SQL-store search cases on a real PostgreSQL server; each test gets its own database. */
class MlflowSqlStoreSearchCasesPostgresIT extends MlflowSqlStoreSearchCasesTest {
  @RegisterExtension
  static final EmbeddedPostgresExtension postgres = new EmbeddedPostgresExtension("mlflowcases");

  @Override
  Tracker.Builder freshStore(Path dir) throws Exception {
    return Tracker.builder().dataSource(postgres.fresh()).artifactRoot(dir.resolve("artifacts"));
  }
}
