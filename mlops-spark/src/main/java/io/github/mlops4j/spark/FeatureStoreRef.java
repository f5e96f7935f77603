package io.github.mlops4j.spark;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.store.OpenMode;
import java.io.Serial;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where Spark tasks find a feature store, as serializable settings: a workspace directory, or a
 * JDBC URL with a user and the name of the environment variable that holds the password.
 *
 * <p>Unlike a {@link RegistryRef}, which only the driver opens, a feature store is opened by every
 * task that writes rows ({@link SparkFeatures#write}), so the workspace or database must be
 * reachable from the executors: a workspace on a disk every executor mounts (or {@code local[*]}),
 * or a database they can connect to. The password never travels with the settings: each JVM reads
 * it from its own environment ({@link Builder#passwordFromEnv}; on a cluster, set it with {@code
 * spark.executorEnv.<NAME>} or the cluster's secret mechanism).
 *
 * <pre>{@code
 * FeatureStoreRef local = FeatureStoreRef.workspace(Path.of("/data/mlops")).build();
 * FeatureStoreRef shared = FeatureStoreRef.jdbc("jdbc:postgresql://db/mlops")
 *     .user("mlops").passwordFromEnv("MLOPS_DB_PASSWORD")
 *     .build();
 * }</pre>
 *
 * @since 0.1.0
 */
public final class FeatureStoreRef implements Serializable {
  @Serial private static final long serialVersionUID = 1L;

  private final @Nullable String workspace;
  private final @Nullable String jdbcUrl;
  private final @Nullable String user;
  private final @Nullable String passwordEnv;

  private FeatureStoreRef(Builder b) {
    this.workspace = b.workspace;
    this.jdbcUrl = b.jdbcUrl;
    this.user = b.user;
    this.passwordEnv = b.passwordEnv;
  }

  /** Settings for the embedded feature store of a workspace directory. */
  public static Builder workspace(Path workspace) {
    Objects.requireNonNull(workspace, "workspace");
    Builder b = new Builder();
    b.workspace = workspace.toString();
    return b;
  }

  /**
   * Settings for a feature store in a database (PostgreSQL, or SQLite through its JDBC URL); its
   * artifact store is the one the workspace's settings name.
   */
  public static Builder jdbc(String jdbcUrl) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    if (!jdbcUrl.startsWith("jdbc:")) {
      throw new IllegalArgumentException(
          "jdbcUrl must start with 'jdbc:', was '" + RegistryRef.cut(jdbcUrl) + "'");
    }
    Builder b = new Builder();
    b.jdbcUrl = jdbcUrl;
    return b;
  }

  /** A feature store opened from these settings, with the pool it owns (JDBC). */
  record Opened(FeatureStore features, @Nullable HikariDataSource pool) implements AutoCloseable {
    @Override
    public void close() {
      try {
        features.close();
      } finally {
        if (pool != null) {
          pool.close();
        }
      }
    }
  }

  /**
   * Opens the feature store these settings describe, which must exist ({@link OpenMode#EXISTING}: a
   * typo in a path never creates an empty workspace). The caller closes it.
   */
  Opened open() {
    FeatureStore.Builder b = FeatureStore.builder().openMode(OpenMode.EXISTING);
    if (workspace != null) {
      return new Opened(b.workspace(Path.of(workspace)).build(), null);
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(Objects.requireNonNull(jdbcUrl));
    if (user != null) {
      config.setUsername(user);
    }
    if (passwordEnv != null) {
      String password = System.getenv(passwordEnv);
      if (password == null) {
        throw new IllegalStateException(
            "The environment variable "
                + passwordEnv
                + " (the feature store's password) is not set in this JVM; set it on the driver"
                + " and the executors (spark.executorEnv."
                + passwordEnv
                + ")");
      }
      config.setPassword(password);
    }
    config.setMaximumPoolSize(2);
    config.setPoolName("mlops-spark-features");
    HikariDataSource ds = new HikariDataSource(config);
    try {
      return new Opened(b.dataSource(ds).build(), ds);
    } catch (RuntimeException e) {
      ds.close();
      throw e;
    }
  }

  @Override
  public String toString() {
    return "FeatureStoreRef["
        + (workspace != null ? "workspace=" + workspace : "jdbc=" + RegistryRef.redacted(jdbcUrl))
        + (user != null ? ", user=" + user : "")
        + "]";
  }

  /** Builds a {@link FeatureStoreRef}; start from {@link #workspace} or {@link #jdbc}. */
  public static final class Builder {
    private @Nullable String workspace;
    private @Nullable String jdbcUrl;
    private @Nullable String user;
    private @Nullable String passwordEnv;

    private Builder() {}

    /** The database user (JDBC only). */
    public Builder user(String user) {
      this.user = Objects.requireNonNull(user, "user");
      return this;
    }

    /**
     * The environment variable that holds the database password on every JVM that opens the store
     * (JDBC only); the password itself is never part of these settings.
     */
    public Builder passwordFromEnv(String variable) {
      Objects.requireNonNull(variable, "variable");
      if (!variable.matches("[A-Za-z_][A-Za-z0-9_]{0,127}")) {
        throw new IllegalArgumentException(
            "Bad environment variable name '" + RegistryRef.cut(variable) + "'");
      }
      this.passwordEnv = variable;
      return this;
    }

    /** The settings. */
    public FeatureStoreRef build() {
      return new FeatureStoreRef(this);
    }
  }
}
