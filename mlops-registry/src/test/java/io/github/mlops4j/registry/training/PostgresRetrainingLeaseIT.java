package io.github.mlops4j.registry.training;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.store.EmbeddedPostgresExtension;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The retraining lease on a real PostgreSQL server: each test gets a database that two registries
 * reach through connection pools of their own, as two replicas of a service would.
 */
class PostgresRetrainingLeaseIT extends RetrainingLeaseContract {
  @RegisterExtension
  static final EmbeddedPostgresExtension postgres = new EmbeddedPostgresExtension("lease");

  private final List<HikariDataSource> pools = new CopyOnWriteArrayList<>();
  private @Nullable String database;

  @Override
  ModelRegistry.Builder replica(int index) throws Exception {
    String db = database;
    if (db == null) {
      db = postgres.create();
      database = db;
    }
    HikariConfig config = new HikariConfig();
    config.setDataSource(postgres.dataSource(db));
    config.setPoolName("replica-" + index);
    config.setMaximumPoolSize(4);
    HikariDataSource pool = new HikariDataSource(config);
    pools.add(pool);
    return ModelRegistry.builder().dataSource(pool).artifactRoot(dir.resolve("artifacts"));
  }

  @Override
  void afterReplicasClosed() {
    pools.forEach(HikariDataSource::close);
  }
}
