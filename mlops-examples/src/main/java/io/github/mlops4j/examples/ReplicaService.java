package io.github.mlops4j.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.mlops4j.MlopsException;
import io.github.mlops4j.examples.BreastCancer.Sample;
import io.github.mlops4j.examples.Models.Candidate;
import io.github.mlops4j.features.EntityRow;
import io.github.mlops4j.features.FeatureRow;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.features.FeatureValue;
import io.github.mlops4j.features.FeatureView;
import io.github.mlops4j.features.Materialization;
import io.github.mlops4j.features.OnlineFeatures;
import io.github.mlops4j.features.TrainingRow;
import io.github.mlops4j.features.UnknownFeatureException;
import io.github.mlops4j.features.ValueType;
import io.github.mlops4j.monitoring.Monitor;
import io.github.mlops4j.monitoring.PredictionTask;
import io.github.mlops4j.monitoring.WindowSpec;
import io.github.mlops4j.monitoring.profile.Profile;
import io.github.mlops4j.monitoring.profile.ProfileSchema;
import io.github.mlops4j.redis.RedisOnlineStore;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.Prediction;
import io.github.mlops4j.serving.monitoring.MonitorListener;
import io.github.mlops4j.store.Store;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

/**
 * The deployable shape of one replica of a service that embeds mlops4j: a {@link ModelRegistry} and
 * an {@link InferenceService} that follows the alias {@code champion}, a {@link FeatureStore} whose
 * online store is Redis ({@link RedisOnlineStore}), and a {@link Monitor} fed by the service's
 * predictions; every replica shares one PostgreSQL database, one artifact location and one Redis.
 * It is configured only by environment variables or system properties ({@link Settings}; the names
 * are those of {@code docs/deployment.md}) and answers on a small HTTP control channel (JDK {@link
 * HttpServer}, plain-text answers):
 *
 * <ul>
 *   <li>{@code GET /health}: {@code ok replica=<id> role=<role>}
 *   <li>{@code GET /version}: {@code version=<n>}, the version answering now (503 before the alias
 *       names one)
 *   <li>{@code GET /predict?row=<k>}: predicts row {@code k} of the bundled Breast Cancer data:
 *       {@code version=<n> output=<label>}
 *   <li>{@code POST /register?seed=<s>&promote=true}: (role {@code writer} only) trains a model,
 *       registers it as the next version and, with {@code promote}, moves the alias to it: {@code
 *       version=<n>}
 *   <li>{@code POST /features/write}: body lines {@code id,ageSeconds,worst_radius,mean_texture}
 *       (an empty value is null), stored in the offline store with event time now minus the age
 *   <li>{@code POST /features/materialize}: materializes every view up to now
 *   <li>{@code GET /features/online?ids=a,b} and {@code GET /features/offline?ids=a,b}: one line
 *       {@code <id> <feature> <status> <value>} per entity and feature, read from the online store,
 *       or point-in-time from the offline store, at this replica's now
 *   <li>{@code GET /monitor}: {@code observed=<n> windows=<n>}
 * </ul>
 *
 * <p>Failures answer 503 (a dependency is down or not ready: the message of the {@link
 * MlopsException}), 400 (a bad request) or 403 (a registry write on a serving replica). On start it
 * prints {@code control-port=<port>} and then {@code ready replica=<id>} on standard output; on
 * SIGTERM it closes everything (bounded) and exits.
 */
public final class ReplicaService implements AutoCloseable {
  /** The feature view every replica uses. */
  public static final String VIEW = "cell_nuclei";

  /** The features of {@link #VIEW}, as {@code view:feature} references. */
  public static final List<String> FEATURES =
      List.of(VIEW + ":worst_radius", VIEW + ":mean_texture");

  /** Features older than this read EXPIRED. */
  public static final Duration FEATURE_TTL = Duration.ofDays(1);

  private final Settings settings;
  private final HikariDataSource pool;
  private final Store store;
  private final ModelRegistry registry;
  private final RedisOnlineStore online;
  private final FeatureStore features;
  private final Monitor monitor;
  private final List<Sample> samples;
  private final Clock clock = Clock.systemUTC();
  private final ExecutorService handlers;
  private final HttpServer control;
  private @Nullable InferenceService service;

  /**
   * The configuration of a replica: each setting is read from a system property, else from an
   * environment variable, else takes its default.
   *
   * @param jdbcUrl {@code mlops.jdbc.url} / {@code MLOPS_JDBC_URL}, required: the shared database
   * @param jdbcUser {@code mlops.jdbc.user} / {@code MLOPS_JDBC_USER}, optional
   * @param jdbcPassword {@code mlops.jdbc.password} / {@code MLOPS_JDBC_PASSWORD}, optional
   * @param jdbcPoolSize {@code mlops.jdbc.pool-size} / {@code MLOPS_JDBC_POOL_SIZE}, default 8
   * @param artifacts {@code mlops.artifacts} / {@code MLOPS_ARTIFACTS}, required: where model files
   *     are stored, a directory every replica mounts (a {@code file:} URI or a path)
   * @param redisUri {@code mlops.redis.uri} / {@code MLOPS_REDIS_URI}, required: {@code
   *     redis://host:port}
   * @param redisNamespace {@code mlops.redis.namespace} / {@code MLOPS_REDIS_NAMESPACE}, default
   *     {@code mlops}: the prefix of every key
   * @param replicaId {@code mlops.replica.id} / {@code MLOPS_REPLICA_ID}, default the host name:
   *     the actor of registry changes
   * @param role {@code mlops.role} / {@code MLOPS_ROLE}: {@code server} (default) or {@code
   *     writer}, which may also register and promote
   * @param pollInterval {@code mlops.poll-interval} / {@code MLOPS_POLL_INTERVAL}, an ISO-8601
   *     duration, default {@code PT1S}: how often the registry looks for other replicas' changes
   * @param model {@code mlops.model} / {@code MLOPS_MODEL}, default {@code diagnosis}
   * @param alias {@code mlops.alias} / {@code MLOPS_ALIAS}, default {@code champion}
   * @param featureCacheSize {@code mlops.feature-cache.size} / {@code MLOPS_FEATURE_CACHE_SIZE},
   *     default 10000 entities (0: every online read goes to Redis)
   * @param featureCacheStaleness {@code mlops.feature-cache.staleness} / {@code
   *     MLOPS_FEATURE_CACHE_STALENESS}, ISO-8601, default {@code PT5S}: how old a cached online row
   *     may be
   * @param controlPort {@code mlops.control.port} / {@code MLOPS_CONTROL_PORT}, default 0 (any free
   *     port, printed on start); the control channel listens on the loopback address only
   */
  public record Settings(
      String jdbcUrl,
      @Nullable String jdbcUser,
      @Nullable String jdbcPassword,
      int jdbcPoolSize,
      String artifacts,
      String redisUri,
      String redisNamespace,
      String replicaId,
      String role,
      Duration pollInterval,
      String model,
      String alias,
      long featureCacheSize,
      Duration featureCacheStaleness,
      int controlPort) {

    /** Checks the values. */
    public Settings {
      Objects.requireNonNull(jdbcUrl, "jdbcUrl");
      Objects.requireNonNull(artifacts, "artifacts");
      Objects.requireNonNull(redisUri, "redisUri");
      Objects.requireNonNull(redisNamespace, "redisNamespace");
      Objects.requireNonNull(replicaId, "replicaId");
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(alias, "alias");
      if (!role.equals("server") && !role.equals("writer")) {
        throw new IllegalArgumentException(
            "MLOPS_ROLE must be 'server' or 'writer', was '" + cut(role) + "'");
      }
      if (pollInterval.isNegative() || featureCacheStaleness.isNegative()) {
        throw new IllegalArgumentException("Durations must not be negative");
      }
      if (jdbcPoolSize < 1 || featureCacheSize < 0 || controlPort < 0 || controlPort > 65535) {
        throw new IllegalArgumentException(
            "Need MLOPS_JDBC_POOL_SIZE >= 1, MLOPS_FEATURE_CACHE_SIZE >= 0 and a port in"
                + " 0..65535");
      }
    }

    /** The settings of this process: system properties, then environment variables. */
    public static Settings load() {
      Map<String, String> props = new HashMap<>();
      System.getProperties().forEach((k, v) -> props.put(k.toString(), v.toString()));
      return from(props, System.getenv());
    }

    /**
     * The settings from {@code properties} (names such as {@code mlops.jdbc.url}), else {@code
     * environment} (names such as {@code MLOPS_JDBC_URL}).
     *
     * @throws IllegalArgumentException naming the first required setting that is missing, or a
     *     value that cannot be read
     */
    public static Settings from(Map<String, String> properties, Map<String, String> environment) {
      Function<String, @Nullable String> get =
          name -> {
            String p = properties.get(name);
            if (p != null && !p.isBlank()) {
              return p.strip();
            }
            String e = environment.get(env(name));
            return e == null || e.isBlank() ? null : e.strip();
          };
      return new Settings(
          required(get, "mlops.jdbc.url"),
          get.apply("mlops.jdbc.user"),
          get.apply("mlops.jdbc.password"),
          (int) number(get, "mlops.jdbc.pool-size", 8),
          required(get, "mlops.artifacts"),
          required(get, "mlops.redis.uri"),
          orDefault(get, "mlops.redis.namespace", "mlops"),
          orDefault(get, "mlops.replica.id", hostName()),
          orDefault(get, "mlops.role", "server"),
          duration(get, "mlops.poll-interval", Duration.ofSeconds(1)),
          orDefault(get, "mlops.model", "diagnosis"),
          orDefault(get, "mlops.alias", "champion"),
          number(get, "mlops.feature-cache.size", 10_000),
          duration(get, "mlops.feature-cache.staleness", Duration.ofSeconds(5)),
          (int) number(get, "mlops.control.port", 0));
    }

    /** {@code mlops.jdbc.url} becomes {@code MLOPS_JDBC_URL}. */
    static String env(String property) {
      return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static String required(Function<String, @Nullable String> get, String name) {
      String v = get.apply(name);
      if (v == null) {
        throw new IllegalArgumentException(
            "Set " + env(name) + " (or the system property " + name + "); see docs/deployment.md");
      }
      return v;
    }

    private static String orDefault(
        Function<String, @Nullable String> get, String name, String fallback) {
      String v = get.apply(name);
      return v == null ? fallback : v;
    }

    private static long number(Function<String, @Nullable String> get, String name, long dflt) {
      String v = get.apply(name);
      if (v == null) {
        return dflt;
      }
      try {
        return Long.parseLong(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            env(name) + " must be a whole number, was '" + cut(v) + "'", e);
      }
    }

    private static Duration duration(
        Function<String, @Nullable String> get, String name, Duration dflt) {
      String v = get.apply(name);
      if (v == null) {
        return dflt;
      }
      try {
        return Duration.parse(v);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            env(name) + " must be an ISO-8601 duration such as PT0.2S, was '" + cut(v) + "'", e);
      }
    }

    private static String hostName() {
      try {
        return InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        return "replica";
      }
    }

    /** The artifact directory named by {@link #artifacts()}. */
    Path artifactDirectory() {
      // Once mlops-s3 is merged: an s3://bucket/prefix/?endpoint=..&region=.. location opens an
      // S3ArtifactStore given to Store.Builder.artifactStore(...) instead.
      if (artifacts.startsWith("s3://")) {
        throw new IllegalArgumentException(
            "MLOPS_ARTIFACTS=s3://... needs the mlops-s3 module; this build stores artifacts in a"
                + " directory (a file: URI or a path)");
      }
      return artifacts.startsWith("file:")
          ? Path.of(java.net.URI.create(artifacts))
          : Path.of(artifacts);
    }
  }

  /** A handler of the control channel: the query parameters and the body to the answer. */
  @FunctionalInterface
  public interface Handler {
    /** The plain-text answer. */
    String handle(Map<String, String> query, String body) throws Exception;
  }

  /** A request the control channel refuses with an HTTP status. */
  static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;

    Refused(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  /** Starts a replica with a connection pool on {@code settings.jdbcUrl()}. */
  public static ReplicaService start(Settings settings) throws IOException {
    return start(settings, Function.identity());
  }

  /**
   * Starts a replica whose store uses {@code wrap} applied to the pool on {@code
   * settings.jdbcUrl()} (tests wrap it to pause a transaction at a chosen point).
   */
  public static ReplicaService start(Settings settings, Function<DataSource, DataSource> wrap)
      throws IOException {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(settings.jdbcUrl());
    String user = settings.jdbcUser();
    if (user != null) {
      config.setUsername(user);
    }
    String password = settings.jdbcPassword();
    if (password != null) {
      config.setPassword(password);
    }
    config.setMaximumPoolSize(settings.jdbcPoolSize());
    config.setPoolName("mlops-" + settings.replicaId());
    HikariDataSource pool = new HikariDataSource(config);
    try {
      return new ReplicaService(settings, pool, wrap.apply(pool));
    } catch (IOException | RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  private ReplicaService(Settings settings, HikariDataSource pool, DataSource database)
      throws IOException {
    this.settings = settings;
    this.pool = pool;
    this.samples = BreastCancer.load();
    List<AutoCloseable> closeOnFailure = new ArrayList<>(); // in reverse order
    try {
      // tag::replica-wiring[]
      Store shared =
          Store.builder()
              .dataSource(database) // MLOPS_JDBC_URL, _USER, _PASSWORD, _POOL_SIZE (a pool)
              .artifactRoot(settings.artifactDirectory()) // MLOPS_ARTIFACTS
              .build();
      closeOnFailure.add(shared);
      ModelRegistry models =
          ModelRegistry.builder()
              .store(shared)
              .pollInterval(settings.pollInterval()) // MLOPS_POLL_INTERVAL
              .actor(settings::replicaId) // MLOPS_REPLICA_ID
              .build();
      closeOnFailure.add(models);
      RedisOnlineStore redis =
          RedisOnlineStore.builder()
              .uri(settings.redisUri()) // MLOPS_REDIS_URI
              .namespace(settings.redisNamespace()) // MLOPS_REDIS_NAMESPACE
              .build();
      closeOnFailure.add(redis);
      FeatureStore featureStore =
          FeatureStore.builder()
              .store(shared)
              .onlineStore(redis)
              .cacheMaximumSize(settings.featureCacheSize()) // MLOPS_FEATURE_CACHE_SIZE
              .cacheMaxStaleness(settings.featureCacheStaleness()) // .._STALENESS
              .build();
      closeOnFailure.add(featureStore);
      // end::replica-wiring[]
      this.store = shared;
      this.registry = models;
      this.online = redis;
      this.features = featureStore;
      if (settings.role().equals("writer")) {
        features.apply(view()); // an identical definition is a no-op
      }
      this.monitor = monitor(settings.model(), samples);
      closeOnFailure.add(monitor);
      this.handlers = Executors.newFixedThreadPool(8, daemon(settings.replicaId()));
      this.control =
          HttpServer.create(
              new InetSocketAddress(InetAddress.getLoopbackAddress(), settings.controlPort()), 0);
      control.setExecutor(handlers);
      route("/health", (q, b) -> "ok replica=" + settings.replicaId() + " role=" + settings.role());
      route("/version", (q, b) -> "version=" + serving().activeVersion());
      route("/predict", (q, b) -> predict(Integer.parseInt(param(q, "row"))));
      route("/register", this::register);
      route("/features/write", (q, b) -> writeFeatures(b));
      route("/features/materialize", (q, b) -> materialize());
      route("/features/online", (q, b) -> onlineFeatures(ids(q)));
      route("/features/offline", (q, b) -> offlineFeatures(ids(q)));
      route(
          "/monitor",
          (q, b) ->
              "observed="
                  + monitor.stats().rowsObserved()
                  + " windows="
                  + monitor.stats().windowsClosed());
      control.start();
    } catch (IOException | RuntimeException e) {
      for (int i = closeOnFailure.size() - 1; i >= 0; i--) {
        try {
          closeOnFailure.get(i).close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  /** The feature view: two measurements of a sample, keyed by its id, valid for a day. */
  public static FeatureView view() {
    return FeatureView.builder(VIEW)
        .entity(BreastCancer.ID, ValueType.STRING)
        .feature("worst_radius", ValueType.DOUBLE)
        .feature("mean_texture", ValueType.DOUBLE)
        .ttl(FEATURE_TTL)
        .build();
  }

  private static Monitor monitor(String model, List<Sample> samples) {
    ProfileSchema schema =
        ProfileSchema.builder()
            .numeric(BreastCancer.modelFeatures().toArray(String[]::new))
            .build();
    List<Map<String, Double>> rows =
        samples.stream().map(s -> s.select(BreastCancer.modelFeatures())).toList();
    // Each replica profiles its own traffic; merged windows across replicas come with the
    // shared window profiles of mlops-monitoring.
    return Monitor.builder()
        .model(model)
        .reference(Profile.of(schema, rows))
        .window(WindowSpec.rows(200))
        .predictions(PredictionTask.BINARY_CLASSIFICATION)
        .build();
  }

  private static java.util.concurrent.ThreadFactory daemon(String replica) {
    return r -> {
      Thread t = new Thread(r, "control-" + replica);
      t.setDaemon(true);
      return t;
    };
  }

  /** The port of the control channel. */
  public int controlPort() {
    return control.getAddress().getPort();
  }

  /** The settings this replica runs with. */
  public Settings settings() {
    return settings;
  }

  /** The registry (for a host that adds its own handlers). */
  public ModelRegistry registry() {
    return registry;
  }

  /**
   * Answers {@code path} on the control channel with {@code handler} (replacing a handler of the
   * same path). A {@link MlopsException} it throws answers 503, an {@link IllegalArgumentException}
   * 400.
   */
  public void route(String path, Handler handler) {
    try {
      control.removeContext(path);
    } catch (IllegalArgumentException absent) {
      // nothing to replace
    }
    control.createContext(path, exchange -> answer(exchange, handler));
  }

  private static void answer(HttpExchange exchange, Handler handler) throws IOException {
    int status;
    String text;
    try {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      text = handler.handle(query(exchange.getRequestURI().getRawQuery()), body);
      status = 200;
    } catch (Refused e) {
      status = e.status;
      text = String.valueOf(e.getMessage());
    } catch (MlopsException e) {
      status = 503;
      text = e.getClass().getSimpleName() + ": " + e.getMessage();
    } catch (IllegalArgumentException e) {
      status = 400;
      text = "IllegalArgumentException: " + e.getMessage();
    } catch (Exception e) {
      status = 500;
      text = e.toString();
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static Map<String, String> query(@Nullable String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&", -1)) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      out.put(
          URLDecoder.decode(k, StandardCharsets.UTF_8),
          URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return out;
  }

  private static String param(Map<String, String> query, String name) {
    String v = query.get(name);
    if (v == null) {
      throw new IllegalArgumentException("The request needs the parameter '" + name + "'");
    }
    return v;
  }

  private static List<String> ids(Map<String, String> query) {
    return List.of(param(query, "ids").split(",", -1));
  }

  // ---------------------------------------------------------------- serving

  /**
   * The service following the alias, built when the alias first names a version (a replica may
   * start before any model is registered).
   */
  private synchronized InferenceService serving() {
    InferenceService s = service;
    if (s != null) {
      return s;
    }
    if (registry.resolve(settings.model(), settings.alias()).isEmpty()) {
      throw new Refused(
          503,
          "No version of '"
              + settings.model()
              + "' has the alias '"
              + settings.alias()
              + "' yet; register and promote one");
    }
    s =
        InferenceService.builder()
            .registry(registry)
            .model(settings.model())
            .alias(settings.alias())
            .listener(MonitorListener.builder(monitor).score(BreastCancer.MALIGNANT).build())
            .build();
    service = s;
    return s;
  }

  private String predict(int row) {
    if (row < 0 || row >= samples.size()) {
      throw new IllegalArgumentException("row must be in 0.." + (samples.size() - 1));
    }
    Prediction p = serving().predict(samples.get(row).select(BreastCancer.modelFeatures()));
    return "version=" + p.version() + " output=" + p.output();
  }

  /**
   * Trains a model with {@code seed} on the bundled data, registers it as the next version and,
   * with {@code promote}, moves the alias to it.
   *
   * @return the version registered
   */
  public ModelVersion register(long seed, boolean promote) {
    if (!settings.role().equals("writer")) {
      throw new Refused(403, "Replica " + settings.replicaId() + " is a server, not a writer");
    }
    MutableDataset<Label> data = BreastCancer.dataset(samples, "replica training");
    ModelVersion v =
        registry.register(
            settings.model(),
            Models.train(new Candidate("replica-" + seed, "log", 0.05, 3, seed), data),
            null);
    if (promote) {
      registry.setAlias(settings.model(), settings.alias(), v.version());
    }
    return v;
  }

  private String register(Map<String, String> query, String body) {
    ModelVersion v =
        register(
            Long.parseLong(query.getOrDefault("seed", "1")),
            Boolean.parseBoolean(query.getOrDefault("promote", "false")));
    return "version=" + v.version();
  }

  // ---------------------------------------------------------------- features

  private String writeFeatures(String body) {
    Instant now = clock.instant();
    List<FeatureRow> rows = new ArrayList<>();
    for (String line : body.split("\n", -1)) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.strip().split(",", -1);
      if (f.length != 4) {
        throw new IllegalArgumentException(
            "Each line is id,ageSeconds,worst_radius,mean_texture; got '" + cut(line) + "'");
      }
      Map<String, @Nullable Object> values = new HashMap<>();
      values.put("worst_radius", f[2].isEmpty() ? null : Double.valueOf(f[2]));
      values.put("mean_texture", f[3].isEmpty() ? null : Double.valueOf(f[3]));
      rows.add(
          FeatureRow.of(
              Map.of(BreastCancer.ID, f[0]), now.minusSeconds(Long.parseLong(f[1])), values));
    }
    return "written=" + withViews(() -> features.write(VIEW, rows)).rows();
  }

  private String materialize() {
    List<Materialization> done = features.materialize(clock.instant());
    return "views=" + done.size();
  }

  private String onlineFeatures(List<String> ids) {
    List<Map<String, ?>> rows = new ArrayList<>();
    for (String id : ids) {
      rows.add(Map.of(BreastCancer.ID, id));
    }
    OnlineFeatures found = withViews(() -> features.online(rows, FEATURES));
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < ids.size(); i++) {
      for (String f : FEATURES) {
        line(out, ids.get(i), f, found.value(i, f));
      }
    }
    return out.toString();
  }

  private String offlineFeatures(List<String> ids) {
    Instant now = clock.instant();
    List<EntityRow> spine = new ArrayList<>();
    for (String id : ids) {
      spine.add(EntityRow.of(Map.of(BreastCancer.ID, id), now));
    }
    List<TrainingRow> found = withViews(() -> features.historical(spine, FEATURES));
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < ids.size(); i++) {
      for (String f : FEATURES) {
        line(out, ids.get(i), f, found.get(i).value(f));
      }
    }
    return out.toString();
  }

  private static void line(StringBuilder out, String id, String feature, FeatureValue v) {
    out.append(id)
        .append(' ')
        .append(feature)
        .append(' ')
        .append(v.status())
        .append(' ')
        .append(v.value())
        .append('\n');
  }

  /** Runs {@code work}; if a view is unknown, reloads the views another replica applied, once. */
  private <T> T withViews(java.util.function.Supplier<T> work) {
    try {
      return work.get();
    } catch (UnknownFeatureException e) {
      features.refresh();
      return work.get();
    }
  }

  /** {@code s} cut to 100 characters, with its length when cut. */
  static String cut(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "… (" + s.length() + " chars)";
  }

  // ---------------------------------------------------------------- lifecycle

  /** Stops the control channel, then closes the service, monitor, stores and pool (bounded). */
  @Override
  public void close() {
    control.stop(0);
    handlers.shutdownNow();
    try {
      handlers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    InferenceService s;
    synchronized (this) {
      s = service;
      service = null;
    }
    if (s != null) {
      s.close();
    }
    monitor.close();
    features.close();
    online.close();
    registry.close();
    store.close();
    pool.close();
  }

  /** Starts a replica from {@link Settings#load()}, prints its port, and runs until SIGTERM. */
  public static void main(String[] args) throws IOException {
    Examples.quietTribuo();
    run(start(Settings.load()), System.out);
  }

  /** Announces {@code replica} on {@code out} and closes it when the JVM shuts down. */
  public static void run(ReplicaService replica, PrintStream out) {
    Runtime.getRuntime().addShutdownHook(new Thread(replica::close, "replica-shutdown"));
    out.println("control-port=" + replica.controlPort());
    out.println("ready replica=" + replica.settings().replicaId());
    out.flush();
  }
}
