package io.github.mlops4j.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.artifacts.ArtifactStore;
import io.github.mlops4j.store.Store;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The purge contract on an embedded SQLite workspace, plus the builder's checks. */
class PurgerTest extends PurgeContract {
  @Override
  Store openStore(ArtifactStore artifacts) {
    return Store.builder().sqliteFile(dir.resolve("mlops.db")).artifactStore(artifacts).build();
  }

  @Override
  Connection connect() throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("mlops.db"));
  }

  @Test
  void builder_checksItsSettings() {
    assertThatThrownBy(() -> Purger.builder().gracePeriod(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gracePeriod");
    assertThatThrownBy(() -> Purger.builder().actor(" "))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Purger.builder().build()).isInstanceOf(IllegalStateException.class);
    assertThat(Purger.builder().workspace(dir).build())
        .satisfies(
            p -> {
              assertThat(p.gracePeriod()).isEqualTo(Purger.DEFAULT_GRACE_PERIOD);
              p.close();
            });
  }
}
