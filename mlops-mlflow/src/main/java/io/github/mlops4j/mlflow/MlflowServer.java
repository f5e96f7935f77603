package io.github.mlops4j.mlflow;

import com.sun.net.httpserver.HttpServer;
import io.github.mlops4j.internal.Checks;
import io.github.mlops4j.internal.ServerArgs;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.tracking.Tracker;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A standalone MLflow tracking server on an mlops4j workspace, on the JDK's HTTP server.
 *
 * <pre>{@code
 * try (MlflowServer server =
 *     MlflowServer.builder().workspace(Path.of("ws")).port(5000).start()) {
 *   // MLFLOW_TRACKING_URI=http://127.0.0.1:5000
 * }
 * }</pre>
 *
 * <p>Or from the command line: {@code java -jar mlops-mlflow.jar --workspace ws [--host 127.0.0.1]
 * [--port 5000]}, with the token (if any) in the environment variable {@value #TOKEN_ENV}.
 *
 * <p>With a {@link Builder#token bearer token}, every request must carry {@code Authorization:
 * Bearer <token>} (MLflow's clients send it from {@code MLFLOW_TRACKING_TOKEN}); others get {@code
 * 401 UNAUTHENTICATED}. Without a token, the server binds only a loopback address: {@link
 * Builder#start()} refuses any other. Requests run on a fixed pool of {@link Builder#threads}
 * threads; {@link #close()} stops accepting, waits up to 5 s for requests in flight, and closes the
 * tracker and registry if the server opened them.
 *
 * @since 0.1.0
 */
public final class MlflowServer implements AutoCloseable {
  /**
   * The JDK HTTP server's switch for TCP_NODELAY, which {@link Builder#start()} sets to {@code
   * true} when it is not set (see docs/mlflow.md).
   */
  public static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";

  /**
   * The JDK HTTP server's limit, in seconds, on reading a request's headers, which {@link
   * Builder#start()} sets to {@value #DEFAULT_MAX_REQ_TIME_SECONDS} when it is not set: the headers
   * are read on the server's worker threads, so without it a few clients that send part of their
   * headers and then nothing hold every thread (see docs/mlflow.md).
   */
  public static final String MAX_REQ_TIME_PROPERTY = "sun.net.httpserver.maxReqTime";

  /**
   * The JDK HTTP server's limit, in seconds, on sending a response once its headers are sent, which
   * {@link Builder#start()} sets to {@value #DEFAULT_MAX_RSP_TIME_SECONDS} when it is not set, so a
   * client that stops reading cannot hold a worker thread for ever.
   */
  public static final String MAX_RSP_TIME_PROPERTY = "sun.net.httpserver.maxRspTime";

  /** The value {@link Builder#start()} gives {@value #MAX_REQ_TIME_PROPERTY} when it is unset. */
  public static final int DEFAULT_MAX_REQ_TIME_SECONDS = 30;

  /** The value {@link Builder#start()} gives {@value #MAX_RSP_TIME_PROPERTY} when it is unset. */
  public static final int DEFAULT_MAX_RSP_TIME_SECONDS = 600;

  /** The environment variable {@link #main} reads the bearer token from. */
  public static final String TOKEN_ENV = "MLOPS_MLFLOW_TOKEN";

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MlflowServer.class);

  private final HttpServer server;
  private final ExecutorService pool;
  private final @Nullable AutoCloseable ownedTracker;
  private final @Nullable AutoCloseable ownedRegistry;

  private MlflowServer(
      HttpServer server,
      ExecutorService pool,
      @Nullable AutoCloseable ownedTracker,
      @Nullable AutoCloseable ownedRegistry) {
    this.server = server;
    this.pool = pool;
    this.ownedTracker = ownedTracker;
    this.ownedRegistry = ownedRegistry;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The address the server listens on (with the actual port when port 0 was asked for). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** The base URL to give MLflow's clients, such as {@code http://127.0.0.1:5000}. */
  public String url() {
    InetSocketAddress a = address();
    String host = a.getAddress().getHostAddress();
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdown();
    try {
      if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
    closeQuietly(ownedRegistry);
    closeQuietly(ownedTracker);
  }

  private static void closeQuietly(@Nullable AutoCloseable c) {
    if (c != null) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("Closing {} failed", c, e);
      }
    }
  }

  /**
   * Runs a server until the JVM stops: {@code --workspace DIR} (required), {@code --host H}
   * (default 127.0.0.1), {@code --port P} (default 5000); the token from {@value #TOKEN_ENV}.
   */
  public static void main(String[] args) {
    ServerArgs a = ServerArgs.parse(args, TOKEN_ENV);
    Builder b = builder().workspace(a.workspace());
    a.apply(b::host, b::port, b::token);
    MlflowServer server = b.start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "mlflow-server-stop"));
    System.out.println("MLflow tracking server on " + server.url());
  }

  /** Answers requests without the right bearer token with 401, in MLflow's error format. */
  private static void unauthenticated(com.sun.net.httpserver.HttpExchange exchange)
      throws IOException {
    try (exchange) {
      exchange.getRequestBody().close();
      MlflowResponse r =
          MlflowRestApi.error(
              RestError.Code.UNAUTHENTICATED,
              "Missing or wrong bearer token: send Authorization: Bearer <token>");
      exchange.getResponseHeaders().set("Content-Type", r.contentType());
      exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
      exchange.sendResponseHeaders(r.status(), r.length());
      try (InputStream in = r.body();
          OutputStream out = exchange.getResponseBody()) {
        in.transferTo(out);
      }
    }
  }

  /**
   * Builds and starts an {@link MlflowServer}: a {@link #workspace} or a {@link #tracker} and a
   * {@link #registry} are required.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private @Nullable Path workspace;
    private @Nullable Tracker tracker;
    private @Nullable ModelRegistry registry;
    private String host = "127.0.0.1";
    private int port = 5000;
    private byte @Nullable [] token;
    private String principal = "mlflow";
    private int threads = 4;
    private long maxBodyBytes = MlflowRestApi.DEFAULT_MAX_BODY_BYTES;

    private Builder() {}

    /**
     * Opens a tracker and registry on this workspace, closed with the server. The tracker registers
     * no JVM shutdown hook: when the server stops, runs its clients started are released, not
     * ended, and a server started again on the workspace lets the clients go on logging to them
     * (within the tracker's run lease, 60 s by default; after it, the next open ends them as
     * KILLED). {@link #main} closes the server from its own shutdown hook.
     */
    public Builder workspace(Path workspace) {
      this.workspace = Objects.requireNonNull(workspace, "workspace");
      return this;
    }

    /** Serves this tracker (not closed with the server); use with {@link #registry}. */
    public Builder tracker(Tracker tracker) {
      this.tracker = Objects.requireNonNull(tracker, "tracker");
      return this;
    }

    /** Serves this registry (not closed with the server); use with {@link #tracker}. */
    public Builder registry(ModelRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** The address to bind (default 127.0.0.1); anything but loopback needs a {@link #token}. */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** The port, 0 for any free one (default 5000). */
    public Builder port(int port) {
      this.port = Checks.inRange(port, 0, 65535, "port");
      return this;
    }

    /** The bearer token every request must carry; at least 16 characters. */
    public Builder token(String token) {
      Objects.requireNonNull(token, "token");
      if (token.length() < 16) {
        throw new IllegalArgumentException(
            "The bearer token is " + token.length() + " characters; use at least 16");
      }
      this.token = token.getBytes(StandardCharsets.UTF_8);
      return this;
    }

    /**
     * The principal of requests that carry the token: the user of their runs and the actor in the
     * audit trail (default {@code mlflow}; {@code anonymous} without a token).
     */
    public Builder principal(String principal) {
      Objects.requireNonNull(principal, "principal");
      if (principal.isBlank()) {
        throw new IllegalArgumentException("principal must not be blank");
      }
      this.principal = principal;
      return this;
    }

    /** Threads answering requests, 1 to 256 (default 4). */
    public Builder threads(int threads) {
      this.threads = Checks.inRange(threads, 1, 256, "threads");
      return this;
    }

    /** Largest JSON request body, as {@link MlflowRestApi.Builder#maxBodyBytes}. */
    public Builder maxBodyBytes(long bytes) {
      this.maxBodyBytes = Checks.inRange(bytes, 1024, 1L << 30, "maxBodyBytes");
      return this;
    }

    /**
     * Binds and starts the server.
     *
     * @throws IllegalStateException if neither a workspace nor a tracker and a registry is set, or
     *     if the address is not loopback and no token is set
     * @throws UncheckedIOException if the address cannot be bound
     */
    public MlflowServer start() {
      if (workspace == null && (tracker == null || registry == null)) {
        throw Checks.missing(
            "MlflowServer.Builder",
            "a workspace, or a tracker and a registry",
            "workspace(Path), or tracker(Tracker) and registry(ModelRegistry)");
      }
      InetAddress address;
      try {
        address = InetAddress.getByName(host);
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("Unknown host '" + RestError.cut(host) + "'", e);
      }
      if (token == null && !address.isLoopbackAddress()) {
        throw new IllegalStateException(
            "Refusing to serve "
                + address.getHostAddress()
                + " without a bearer token: set token(...) (or "
                + TOKEN_ENV
                + "), or bind a loopback address such as 127.0.0.1");
      }
      Tracker t = tracker;
      ModelRegistry r = registry;
      Tracker ownedT = null;
      ModelRegistry ownedR = null;
      if (workspace != null) {
        // No tracker shutdown hook: it would end every running run as KILLED when the JVM stops,
        // so a restarted server could not resume its clients' runs. close() releases them.
        ownedT =
            t = Tracker.builder().workspace(workspace).shutdownFlushTimeout(Duration.ZERO).build();
        try {
          ownedR = r = ModelRegistry.open(workspace);
        } catch (RuntimeException e) {
          ownedT.close();
          throw e;
        }
      }
      MlflowRestApi api =
          MlflowRestApi.builder()
              .tracker(Objects.requireNonNull(t))
              .registry(Objects.requireNonNull(r))
              .maxBodyBytes(maxBodyBytes)
              .build();
      byte[] expected = token;
      String who = expected == null ? MlflowHttpHandler.ANONYMOUS : principal;
      MlflowHttpHandler http = MlflowHttpHandler.of(api, exchange -> who);
      serverProperties();
      ExecutorService pool = Executors.newFixedThreadPool(threads, daemonThreads());
      HttpServer server;
      try {
        server = HttpServer.create(new InetSocketAddress(address, port), 64);
      } catch (IOException e) {
        pool.shutdown();
        closeQuietly(ownedR);
        closeQuietly(ownedT);
        throw new UncheckedIOException("Could not bind " + host + ":" + port, e);
      }
      server.createContext(
          "/",
          exchange -> {
            if (expected != null
                && !authorized(exchange.getRequestHeaders().getFirst("Authorization"), expected)) {
              unauthenticated(exchange);
              return;
            }
            http.handle(exchange);
          });
      server.setExecutor(pool);
      server.start();
      return new MlflowServer(server, pool, ownedT, ownedR);
    }

    /**
     * Sets the JDK HTTP server's JVM-wide properties that are not set already. TCP_NODELAY: without
     * it the server writes a response's headers and body in two packets and the second waits for
     * the client's delayed acknowledgement, about 40 ms per request on Linux. The request and
     * response time limits: the server reads a request's headers on its worker threads, before the
     * token is checked, so without a limit as many slow clients as threads stall the server. The
     * JDK reads these properties once, when its first HTTP server is created in the JVM.
     */
    private static void serverProperties() {
      setIfUnset(NODELAY_PROPERTY, "true");
      setIfUnset(MAX_REQ_TIME_PROPERTY, Integer.toString(DEFAULT_MAX_REQ_TIME_SECONDS));
      setIfUnset(MAX_RSP_TIME_PROPERTY, Integer.toString(DEFAULT_MAX_RSP_TIME_SECONDS));
    }

    private static void setIfUnset(String property, String value) {
      if (System.getProperty(property) == null) {
        System.setProperty(property, value);
      }
    }

    private static boolean authorized(@Nullable String header, byte[] expected) {
      if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
        return false;
      }
      byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
      return MessageDigest.isEqual(given, expected);
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
      java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
      return task -> {
        Thread th = new Thread(task, "mlflow-http-" + n.incrementAndGet());
        th.setDaemon(true);
        return th;
      };
    }
  }
}
