package io.github.mlops4j.spark;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.mlops4j.internal.Checks;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.store.OpenMode;
import java.io.Serial;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where a Spark job finds the model registry, as serializable settings: a workspace directory, or a
 * JDBC URL with the artifact root, plus the registry's model loading rules.
 *
 * <p><b>Who uses it.</b> Only the driver opens the registry, read-only: it resolves the alias once,
 * reads and verifies the artifact once, and broadcasts the bytes. Executors never connect to the
 * registry's database nor read its artifact store; they receive the verified bytes, the version's
 * description and the loading rules ({@link Builder#allowedModelPackages}, {@link
 * Builder#allowJavaSerialization}) through the broadcast, and load the model with the registry's
 * own checks. So the workspace or database only has to be reachable from the driver, and a
 * workspace on the driver's local disk works on a cluster.
 *
 * <pre>{@code
 * RegistryRef local = RegistryRef.workspace(Path.of("/data/mlops")).build();
 * RegistryRef shared = RegistryRef.jdbc("jdbc:postgresql://db/mlops")
 *     .user("mlops").password(System.getenv("MLOPS_DB_PASSWORD"))
 *     .artifactRoot(Path.of("/mnt/models/artifacts"))
 *     .build();
 * }</pre>
 *
 * <p>The password is {@code transient}: it is not serialized with the settings (a copy on another
 * JVM has none) and {@link #toString()} never shows it.
 *
 * @since 0.1.0
 */
public final class RegistryRef implements Serializable {
  @Serial private static final long serialVersionUID = 1L;

  private final @Nullable String workspace;
  private final @Nullable String jdbcUrl;
  private final @Nullable String user;
  private final transient @Nullable String password;
  private final @Nullable String artifactRoot;
  private final List<String> allowedModelPackages;
  private final @Nullable String javaSerialFilter;

  private RegistryRef(Builder b) {
    this.workspace = b.workspace;
    this.jdbcUrl = b.jdbcUrl;
    this.user = b.user;
    this.password = b.password;
    this.artifactRoot = b.artifactRoot;
    this.allowedModelPackages = List.copyOf(b.allowedModelPackages);
    this.javaSerialFilter = b.javaSerialFilter;
  }

  /** Settings for the embedded registry of a workspace directory, as seen from the driver. */
  public static Builder workspace(Path workspace) {
    Objects.requireNonNull(workspace, "workspace");
    Builder b = new Builder();
    b.workspace = workspace.toString();
    return b;
  }

  /**
   * Settings for a registry in a database (PostgreSQL, or SQLite through its JDBC URL), with the
   * artifact root given by {@link Builder#artifactRoot}.
   */
  public static Builder jdbc(String jdbcUrl) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    if (!jdbcUrl.startsWith("jdbc:")) {
      throw new IllegalArgumentException(
          "jdbcUrl must start with 'jdbc:', was '" + cut(jdbcUrl) + "'");
    }
    Builder b = new Builder();
    b.jdbcUrl = jdbcUrl;
    return b;
  }

  /**
   * The packages a model file may name (see {@code ModelRegistry.Builder.allowedModelPackages}).
   */
  public List<String> allowedModelPackages() {
    return allowedModelPackages;
  }

  /** The Java serialization filter if Java-serialized models are allowed, else null. */
  public @Nullable String javaSerialFilter() {
    return javaSerialFilter;
  }

  /** A registry opened from these settings, with the pool it owns (JDBC). */
  record Opened(ModelRegistry registry, @Nullable HikariDataSource pool) implements AutoCloseable {
    @Override
    public void close() {
      try {
        registry.close();
      } finally {
        if (pool != null) {
          pool.close();
        }
      }
    }
  }

  /**
   * Opens the registry these settings describe read-only ({@link OpenMode#READ_ONLY}: nothing is
   * created, migrated or written, and a missing workspace is an error rather than a new empty one),
   * without a background watcher (a batch job reads it once). Called on the driver; the caller
   * closes it.
   */
  Opened open() {
    ModelRegistry.Builder b =
        ModelRegistry.builder()
            .openMode(OpenMode.READ_ONLY)
            .pollInterval(Duration.ZERO)
            .pushNotifications(false)
            .allowedModelPackages(allowedModelPackages.toArray(String[]::new));
    if (javaSerialFilter != null) {
      b.allowJavaSerialization(javaSerialFilter);
    }
    if (artifactRoot != null) {
      b.artifactRoot(Path.of(artifactRoot));
    }
    if (workspace != null) {
      return new Opened(b.workspace(Path.of(workspace)).build(), null);
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(Objects.requireNonNull(jdbcUrl));
    if (user != null) {
      config.setUsername(user);
    }
    if (password != null) {
      config.setPassword(password);
    }
    config.setMaximumPoolSize(2);
    config.setPoolName("mlops-spark-registry");
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
    return "RegistryRef["
        + (workspace != null ? "workspace=" + workspace : "jdbc=" + redacted(jdbcUrl))
        + (user != null ? ", user=" + user : "")
        + (artifactRoot != null ? ", artifactRoot=" + artifactRoot : "")
        + "]";
  }

  /**
   * A JDBC URL without what may hold credentials: user info before a host and every query or
   * property part ({@code ?...}, {@code ;...}) are dropped.
   */
  static String redacted(@Nullable String url) {
    if (url == null) {
      return "null";
    }
    String s = url;
    int cutAt = s.length();
    for (char c : new char[] {'?', ';'}) {
      int i = s.indexOf(c);
      if (i >= 0) {
        cutAt = Math.min(cutAt, i);
      }
    }
    boolean dropped = cutAt < s.length();
    s = s.substring(0, cutAt);
    int hosts = s.indexOf("//");
    int at = hosts < 0 ? -1 : s.indexOf('@', hosts);
    if (at >= 0) {
      s = s.substring(0, hosts + 2) + "***@" + s.substring(at + 1);
    }
    return cut(s) + (dropped ? "?..." : "");
  }

  static String cut(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "... (" + s.length() + " chars)";
  }

  /** Builds a {@link RegistryRef}; start from {@link #workspace} or {@link #jdbc}. */
  public static final class Builder {
    private @Nullable String workspace;
    private @Nullable String jdbcUrl;
    private @Nullable String user;
    private @Nullable String password;
    private @Nullable String artifactRoot;
    private List<String> allowedModelPackages = List.of("org.tribuo.");
    private @Nullable String javaSerialFilter;

    private Builder() {}

    /** The database user (JDBC only). */
    public Builder user(String user) {
      this.user = Objects.requireNonNull(user, "user");
      return this;
    }

    /** The database password (JDBC only); never serialized. */
    public Builder password(String password) {
      this.password = Objects.requireNonNull(password, "password");
      return this;
    }

    /**
     * Where the artifacts are, as seen from the driver: required with {@link #jdbc}; for a
     * workspace it overrides {@code workspace/artifacts}.
     */
    public Builder artifactRoot(Path artifactRoot) {
      this.artifactRoot = Objects.requireNonNull(artifactRoot, "artifactRoot").toString();
      return this;
    }

    /** Packages a model file may name (default {@code org.tribuo.}), as in the registry. */
    public Builder allowedModelPackages(String... prefixes) {
      if (prefixes.length == 0) {
        throw new IllegalArgumentException("At least one allowed model package is needed");
      }
      this.allowedModelPackages = List.of(prefixes);
      return this;
    }

    /** Allows Java-serialized models through this filter, as in the registry; off by default. */
    public Builder allowJavaSerialization(String filterPattern) {
      Objects.requireNonNull(filterPattern, "filterPattern");
      java.io.ObjectInputFilter.Config.createFilter(filterPattern); // fails early on bad syntax
      this.javaSerialFilter = filterPattern;
      return this;
    }

    /**
     * The settings.
     *
     * @throws IllegalStateException if a JDBC registry has no artifact root
     */
    public RegistryRef build() {
      if (jdbcUrl != null && artifactRoot == null) {
        throw Checks.missing("RegistryRef.Builder", "artifactRoot", "artifactRoot");
      }
      return new RegistryRef(this);
    }
  }
}
