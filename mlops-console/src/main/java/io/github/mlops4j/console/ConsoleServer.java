package io.github.mlops4j.console;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.internal.Checks;
import io.github.mlops4j.internal.ServerArgs;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.store.OpenMode;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.tracking.Tracker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The console as a standalone server on the JDK's HTTP server.
 *
 * <pre>{@code
 * try (ConsoleServer console =
 *     ConsoleServer.builder().workspace(Path.of("ws")).port(0).start()) {
 *   System.out.println(console.url());
 * }
 * }</pre>
 *
 * <p>Or from the command line: {@code java -jar mlops-console-standalone.jar --workspace ws [--host
 * 127.0.0.1] [--port 8080]}, with the token (if any) in the environment variable {@value
 * #TOKEN_ENV}. A {@link Builder#workspace workspace} is opened {@link OpenMode#READ_ONLY
 * read-only}: the console cannot change it, and its open does not end other processes' runs.
 *
 * <p>With a {@link Builder#token token}, every request must carry it, as {@code Authorization:
 * Bearer <token>} (scripts) or as the password of HTTP Basic authentication with any user name (a
 * browser asks for it); it is compared in constant time. Without a token the server binds only a
 * loopback address: {@link Builder#start()} refuses any other. {@link #close()} stops accepting,
 * waits up to 5 s for requests in flight, and closes what the server opened.
 *
 * @since 0.1.0
 */
public final class ConsoleServer implements AutoCloseable {
  /** The environment variable {@link #main} reads the token from. */
  public static final String TOKEN_ENV = "MLOPS_CONSOLE_TOKEN";

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ConsoleServer.class);

  private final HttpServer server;
  private final ExecutorService pool;
  private final List<AutoCloseable> owned;

  private ConsoleServer(HttpServer server, ExecutorService pool, List<AutoCloseable> owned) {
    this.server = server;
    this.pool = pool;
    this.owned = owned;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The address the server listens on (with the actual port when port 0 was asked for). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** The console's URL, such as {@code http://127.0.0.1:8080/}. */
  public String url() {
    InetSocketAddress a = address();
    String host = a.getAddress().getHostAddress();
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort() + "/";
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
    for (int i = owned.size() - 1; i >= 0; i--) {
      closeQuietly(owned.get(i));
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.warn("Closing {} failed", c, e);
    }
  }

  /**
   * Runs a console until the JVM stops: {@code --workspace DIR} (required), {@code --host H}
   * (default 127.0.0.1), {@code --port P} (default 8080, 0 for any free port); the token from
   * {@value #TOKEN_ENV}. Prints the console's URL.
   */
  public static void main(String[] args) {
    ServerArgs a = ServerArgs.parse(args, TOKEN_ENV);
    Builder b = builder().workspace(a.workspace());
    a.apply(b::host, b::port, b::token);
    ConsoleServer server = b.start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "console-stop"));
    System.out.println("mlops4j console on " + server.url());
  }

  /**
   * Whether an Authorization header carries the token, as a bearer token or as the password of
   * Basic authentication; compared in constant time.
   */
  static boolean authorized(@Nullable String header, byte[] expected) {
    if (header == null) {
      return false;
    }
    byte[] given;
    if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    } else if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
      String decoded;
      try {
        decoded =
            new String(
                Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return false;
      }
      int colon = decoded.indexOf(':');
      given = decoded.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
    } else {
      return false;
    }
    return MessageDigest.isEqual(given, expected);
  }

  private static void unauthenticated(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getRequestBody().close();
      byte[] text =
          "Missing or wrong token: send Authorization: Bearer <token>, or sign in with the token"
              .concat(" as the password\n")
              .getBytes(StandardCharsets.UTF_8);
      ConsoleHandler.securityHeaders(ConsoleHandler.CONTENT_SECURITY_POLICY)
          .forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer");
      exchange
          .getResponseHeaders()
          .add("WWW-Authenticate", "Basic realm=\"mlops4j console\", charset=\"UTF-8\"");
      exchange.sendResponseHeaders(401, text.length);
      exchange.getResponseBody().write(text);
    }
  }

  /**
   * Builds and starts a {@link ConsoleServer}: a {@link #workspace} or a {@link #tracker} is
   * required.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private @Nullable Path workspace;
    private @Nullable Tracker tracker;
    private @Nullable ModelRegistry registry;
    private @Nullable FeatureStore features;
    private String host = "127.0.0.1";
    private int port = 8080;
    private byte @Nullable [] token;
    private int threads = 4;

    private Builder() {}

    /**
     * Opens this embedded workspace read-only, with its tracker, registry and feature store, all
     * closed with the server. A registry or feature store whose tables the workspace lacks is left
     * out (its pages say so).
     */
    public Builder workspace(Path workspace) {
      this.workspace = Objects.requireNonNull(workspace, "workspace");
      return this;
    }

    /** Serves this tracker (not closed with the server), instead of a workspace. */
    public Builder tracker(Tracker tracker) {
      this.tracker = Objects.requireNonNull(tracker, "tracker");
      return this;
    }

    /** Serves this registry (not closed with the server), with {@link #tracker}. */
    public Builder registry(ModelRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** Serves this feature store (not closed with the server), with {@link #tracker}. */
    public Builder features(FeatureStore features) {
      this.features = Objects.requireNonNull(features, "features");
      return this;
    }

    /** The address to bind (default 127.0.0.1); anything but loopback needs a {@link #token}. */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** The port, 0 for any free one (default 8080). */
    public Builder port(int port) {
      this.port = Checks.inRange(port, 0, 65535, "port");
      return this;
    }

    /** The token every request must carry; at least 16 characters. */
    public Builder token(String token) {
      Objects.requireNonNull(token, "token");
      if (token.length() < 16) {
        throw new IllegalArgumentException(
            "The token is " + token.length() + " characters; use at least 16");
      }
      this.token = token.getBytes(StandardCharsets.UTF_8);
      return this;
    }

    /** Threads answering requests, 1 to 64 (default 4). */
    public Builder threads(int threads) {
      this.threads = Checks.inRange(threads, 1, 64, "threads");
      return this;
    }

    /**
     * Binds and starts the server.
     *
     * @throws IllegalStateException if neither a workspace nor a tracker is set, or if the address
     *     is not loopback and no token is set
     * @throws UncheckedIOException if the address cannot be bound
     */
    public ConsoleServer start() {
      if (workspace == null && tracker == null) {
        throw Checks.missing(
            "ConsoleServer.Builder",
            "a workspace or a tracker",
            "workspace(Path) or tracker(Tracker)");
      }
      InetAddress address;
      try {
        address = InetAddress.getByName(host);
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("Unknown host '" + Params.cut(host) + "'", e);
      }
      if (token == null && !address.isLoopbackAddress()) {
        throw new IllegalStateException(
            "Refusing to serve "
                + address.getHostAddress()
                + " without a token: set token(...) (or "
                + TOKEN_ENV
                + "), or bind a loopback address such as 127.0.0.1");
      }
      List<AutoCloseable> owned = new ArrayList<>();
      ConsoleHandler.Builder handler = ConsoleHandler.builder();
      try {
        if (workspace != null) {
          Store store = Store.open(workspace, OpenMode.READ_ONLY);
          owned.add(store);
          Tracker t = Tracker.builder().store(store).captureEnvironment(false).build();
          owned.add(t);
          handler.tracker(t);
          try {
            ModelRegistry r = ModelRegistry.builder().store(store).build();
            owned.add(r);
            handler.registry(r);
          } catch (RuntimeException e) {
            LOG.warn("No model registry in {}: {}", workspace, e.getMessage());
          }
          try {
            FeatureStore f = FeatureStore.builder().store(store).build();
            owned.add(f);
            handler.features(f);
          } catch (RuntimeException e) {
            LOG.warn("No feature store in {}: {}", workspace, e.getMessage());
          }
        } else {
          handler.tracker(Objects.requireNonNull(tracker));
          if (registry != null) {
            handler.registry(registry);
          }
          if (features != null) {
            handler.features(features);
          }
        }
      } catch (RuntimeException e) {
        for (int i = owned.size() - 1; i >= 0; i--) {
          closeQuietly(owned.get(i));
        }
        throw e;
      }
      ConsoleHandler console = handler.build();
      if (System.getProperty("sun.net.httpserver.nodelay") == null) {
        System.setProperty("sun.net.httpserver.nodelay", "true");
      }
      if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
        System.setProperty("sun.net.httpserver.maxReqTime", "30");
      }
      ExecutorService pool = Executors.newFixedThreadPool(threads, daemonThreads());
      HttpServer server;
      try {
        server = HttpServer.create(new InetSocketAddress(address, port), 64);
      } catch (IOException e) {
        pool.shutdown();
        for (int i = owned.size() - 1; i >= 0; i--) {
          closeQuietly(owned.get(i));
        }
        throw new UncheckedIOException("Could not bind " + host + ":" + port, e);
      }
      byte[] expected = token;
      server.createContext(
          "/",
          exchange -> {
            if (expected != null
                && !authorized(exchange.getRequestHeaders().getFirst("Authorization"), expected)) {
              unauthenticated(exchange);
              return;
            }
            console.handle(exchange);
          });
      server.setExecutor(pool);
      server.start();
      return new ConsoleServer(server, pool, owned);
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
      AtomicInteger n = new AtomicInteger();
      return task -> {
        Thread th = new Thread(task, "console-http-" + n.incrementAndGet());
        th.setDaemon(true);
        return th;
      };
    }
  }
}
