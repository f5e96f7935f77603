package io.github.mlops4j.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.mlops4j.MlopsException;
import io.github.mlops4j.examples.BreastCancer.Sample;
import io.github.mlops4j.examples.BreastCancer.Split;
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
import io.github.mlops4j.monitoring.DriftListener;
import io.github.mlops4j.monitoring.Monitor;
import io.github.mlops4j.monitoring.PredictionTask;
import io.github.mlops4j.monitoring.ReplicaParts;
import io.github.mlops4j.monitoring.WindowSpec;
import io.github.mlops4j.monitoring.WindowSummary;
import io.github.mlops4j.monitoring.drift.ColumnDrift;
import io.github.mlops4j.monitoring.drift.DriftReport;
import io.github.mlops4j.monitoring.profile.Profile;
import io.github.mlops4j.monitoring.profile.ProfileColumn;
import io.github.mlops4j.monitoring.profile.ProfileSchema;
import io.github.mlops4j.redis.RedisOnlineStore;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.registry.training.RetrainingLoop;
import io.github.mlops4j.registry.training.RetrainingOutcome;
import io.github.mlops4j.registry.validation.Holdout;
import io.github.mlops4j.registry.validation.Rule;
import io.github.mlops4j.registry.validation.ValidationGate;
import io.github.mlops4j.s3.S3ArtifactStore;
import io.github.mlops4j.s3.S3ArtifactStoreProvider;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.Prediction;
import io.github.mlops4j.serving.monitoring.MonitorListener;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.tracking.Tracker;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

/**
 * The deployable shape of one replica of a service that embeds mlops4j: a {@link ModelRegistry} and
 * an {@link InferenceService} that follows the alias {@code champion}, a {@link FeatureStore} whose
 * online store is Redis ({@link RedisOnlineStore}), a {@link Monitor} fed by the service's
 * predictions whose time windows are merged across replicas, and a {@link RetrainingLoop} that the
 * monitor's drift alerts trigger, behind a lease so that one replica retrains at a time; every
 * replica shares one PostgreSQL database, one artifact location and one Redis. It is configured
 * only by environment variables or system properties ({@link Settings}; the names are those of
 * {@code docs/deployment.md}) and answers on a small HTTP control channel (JDK {@link HttpServer},
 * plain-text answers):
 *
 * <ul>
 *   <li>{@code GET /health}: {@code ok replica=<id> role=<role>}
 *   <li>{@code GET /version}: {@code version=<n>}, the version answering now (503 before the alias
 *       names one)
 *   <li>{@code GET /predict?row=<k>&scale=<s>}: predicts row {@code k} of the bundled Breast Cancer
 *       data, its features multiplied by {@code s} (default 1; drifted traffic): {@code version=<n>
 *       output=<label>}
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
 *   <li>{@code GET /monitor/merged-drift}: the last shared window this replica evaluated: {@code
 *       window=<start> rows=<n> replicas=<ids> notFinal=<ids>}, then one line per column {@code
 *       <column> count= missing= min= max= mean= method= score= bound= drifted=} (404 before the
 *       first)
 *   <li>{@code POST /retrain?reason=<r>} triggers a retraining now; {@code GET /retrain} waits for
 *       the one the last drift alert started: {@code outcome=<status> version=<n|null>
 *       message=<text>} ({@code outcome=NONE} if none)
 *   <li>{@code POST /clock?to=<instant>}: only with the test setting {@code MLOPS_TEST_CLOCK}:
 *       moves the monitoring and retraining clock forward and lets the monitor close and merge the
 *       windows that are due (409 otherwise)
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
  private final @Nullable S3ArtifactStore artifactStore;
  private final ModelRegistry registry;
  private final RedisOnlineStore online;
  private final FeatureStore features;
  private final Monitor monitor;
  private final List<Sample> samples;
  private final Clock clock = Clock.systemUTC();
  private final @Nullable ManualClock testClock;
  private final Tracker tracker;
  private final RetrainingLoop<Label> retraining;
  private final ExecutorService retrainer;
  private final ThreadPoolExecutor profiling;
  private volatile @Nullable Future<RetrainingOutcome> lastRetraining;
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
   * @param artifacts {@code mlops.artifacts} / {@code MLOPS_ARTIFACTS}, optional: where model files
   *     are stored, an S3 location {@code s3://bucket/prefix/?endpoint=..&pathStyle=true&region=..}
   *     (credentials from the AWS SDK's default chain: the system properties {@code
   *     aws.accessKeyId}/{@code aws.secretAccessKey}, the environment variables {@code
   *     AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, a profile, a container or instance role)
   *     or a directory every replica mounts (a {@code file:} URI or a path); without it the replica
   *     opens the artifact store the workspace records (the first replica to open the workspace
   *     must name one)
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
   * @param monitorWindow {@code mlops.monitor.window} / {@code MLOPS_MONITOR_WINDOW}, ISO-8601,
   *     default {@code PT1M}: the length of the monitoring time windows every replica shares
   * @param monitorFlushInterval {@code mlops.monitor.flush-interval} / {@code
   *     MLOPS_MONITOR_FLUSH_INTERVAL}, default {@code PT10S}: how often a replica writes its part
   *     of the open window (what a replica that dies loses at most)
   * @param monitorGracePeriod {@code mlops.monitor.grace-period} / {@code
   *     MLOPS_MONITOR_GRACE_PERIOD}, default {@code PT30S}: how long after a window's end the parts
   *     are merged
   * @param retrainingMinInterval {@code mlops.retraining.min-interval} / {@code
   *     MLOPS_RETRAINING_MIN_INTERVAL}, default {@code PT1H}: no retraining starts within this of
   *     the previous one, on any replica
   * @param retrainingLeaseTtl {@code mlops.retraining.lease-ttl} / {@code
   *     MLOPS_RETRAINING_LEASE_TTL}, default {@code PT1H}: how long the retraining lease lasts
   *     without renewal (longer than the longest training)
   * @param testClock {@code mlops.test.clock} / {@code MLOPS_TEST_CLOCK}, a test setting: an
   *     ISO-8601 instant; when set, monitoring and retraining use a clock that starts there and
   *     moves only by {@code POST /clock?to=<instant>}, so a test closes windows when it chooses.
   *     Never set it in production
   */
  public record Settings(
      String jdbcUrl,
      @Nullable String jdbcUser,
      @Nullable String jdbcPassword,
      int jdbcPoolSize,
      @Nullable String artifacts,
      String redisUri,
      String redisNamespace,
      String replicaId,
      String role,
      Duration pollInterval,
      String model,
      String alias,
      long featureCacheSize,
      Duration featureCacheStaleness,
      int controlPort,
      Duration monitorWindow,
      Duration monitorFlushInterval,
      Duration monitorGracePeriod,
      Duration retrainingMinInterval,
      Duration retrainingLeaseTtl,
      @Nullable Instant testClock) {

    /** Checks the values. */
    public Settings {
      Objects.requireNonNull(jdbcUrl, "jdbcUrl");
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
      for (Duration d :
          List.of(
              monitorWindow,
              monitorFlushInterval,
              monitorGracePeriod,
              retrainingMinInterval,
              retrainingLeaseTtl)) {
        if (d.isNegative() || d.isZero()) {
          throw new IllegalArgumentException(
              "MLOPS_MONITOR_* and MLOPS_RETRAINING_* durations must be positive, was " + d);
        }
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
          get.apply("mlops.artifacts"),
          required(get, "mlops.redis.uri"),
          orDefault(get, "mlops.redis.namespace", "mlops"),
          orDefault(get, "mlops.replica.id", hostName()),
          orDefault(get, "mlops.role", "server"),
          duration(get, "mlops.poll-interval", Duration.ofSeconds(1)),
          orDefault(get, "mlops.model", "diagnosis"),
          orDefault(get, "mlops.alias", "champion"),
          number(get, "mlops.feature-cache.size", 10_000),
          duration(get, "mlops.feature-cache.staleness", Duration.ofSeconds(5)),
          (int) number(get, "mlops.control.port", 0),
          duration(get, "mlops.monitor.window", Duration.ofMinutes(1)),
          duration(get, "mlops.monitor.flush-interval", Duration.ofSeconds(10)),
          duration(get, "mlops.monitor.grace-period", Duration.ofSeconds(30)),
          duration(get, "mlops.retraining.min-interval", Duration.ofHours(1)),
          duration(get, "mlops.retraining.lease-ttl", Duration.ofHours(1)),
          instant(get, "mlops.test.clock"));
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

    private static @Nullable Instant instant(Function<String, @Nullable String> get, String name) {
      String v = get.apply(name);
      if (v == null) {
        return null;
      }
      try {
        return Instant.parse(v);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            env(name)
                + " must be an ISO-8601 instant such as 2030-01-01T00:00:00Z, was '"
                + cut(v)
                + "'",
            e);
      }
    }

    private static String hostName() {
      try {
        return InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        return "replica";
      }
    }

    /** The S3 location named by {@link #artifacts()}, or null when it names none. */
    @Nullable URI artifactBucket() {
      String artifacts = this.artifacts;
      if (artifacts == null || !artifacts.startsWith("s3:")) {
        return null;
      }
      try {
        return new URI(artifacts);
      } catch (java.net.URISyntaxException e) {
        throw new IllegalArgumentException(
            "MLOPS_ARTIFACTS is not a URI: '" + cut(artifacts) + "'", e);
      }
    }

    /**
     * The artifact directory named by {@link #artifacts()}, or null when none is named (the store
     * opens the one the workspace records) or it names an S3 location ({@link #artifactBucket()}).
     */
    @Nullable Path artifactDirectory() {
      String artifacts = this.artifacts;
      if (artifacts == null || artifacts.startsWith("s3:")) {
        return null;
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
      Store.Builder workspace =
          Store.builder()
              .dataSource(database); // MLOPS_JDBC_URL, _USER, _PASSWORD, _POOL_SIZE (a pool)
      URI bucket = settings.artifactBucket(); // MLOPS_ARTIFACTS=s3://bucket/prefix/?endpoint=..
      Path directory = settings.artifactDirectory(); // MLOPS_ARTIFACTS=/mnt/artifacts
      S3ArtifactStore s3 = null;
      if (bucket != null) {
        // credentials: the AWS SDK's default chain (aws.accessKeyId, AWS_ACCESS_KEY_ID, ...)
        s3 = S3ArtifactStoreProvider.builderFor(bucket).build();
        closeOnFailure.add(s3);
        workspace.artifactStore(s3); // the replica owns it and closes it after the Store
      } else if (directory != null) {
        workspace.artifactRoot(directory);
      } // else: the artifact store the workspace records (s3: through mlops-s3's provider)
      Store shared = workspace.build();
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
      this.artifactStore = s3;
      this.registry = models;
      this.online = redis;
      this.features = featureStore;
      if (settings.role().equals("writer")) {
        features.apply(view()); // an identical definition is a no-op
      }
      Instant start = settings.testClock();
      this.testClock = start == null ? null : new ManualClock(start);
      Clock monitoringClock = testClock == null ? Clock.systemUTC() : testClock;
      this.tracker = Tracker.builder().store(shared).build();
      closeOnFailure.add(tracker);
      this.retraining = retrainingLoop(settings, models, tracker, samples, monitoringClock);
      this.profiling =
          new ThreadPoolExecutor(
              1,
              1,
              0,
              TimeUnit.MILLISECONDS,
              new LinkedBlockingQueue<>(),
              r -> {
                Thread t = new Thread(r, "monitor-" + settings.replicaId());
                t.setDaemon(true);
                return t;
              });
      closeOnFailure.add(profiling::shutdownNow);
      this.monitor = monitor(settings, shared, samples, monitoringClock, profiling);
      closeOnFailure.add(monitor);
      this.retrainer =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "retraining-" + settings.replicaId());
                t.setDaemon(true);
                return t;
              });
      monitor.addListener(
          DriftListener.onDatasetDrift(
              (window, report) ->
                  lastRetraining =
                      retrainer.submit(
                          () ->
                              retraining.onDrift(
                                  report.driftedColumns()
                                      + " of "
                                      + report.columns().size()
                                      + " columns drifted in the window from "
                                      + window.start(),
                                  report.columns().stream()
                                      .filter(ColumnDrift::drifted)
                                      .map(ColumnDrift::column)
                                      .toList()))));
      this.handlers = Executors.newFixedThreadPool(8, daemon(settings.replicaId()));
      this.control =
          HttpServer.create(
              new InetSocketAddress(InetAddress.getLoopbackAddress(), settings.controlPort()), 0);
      control.setExecutor(handlers);
      route("/health", (q, b) -> "ok replica=" + settings.replicaId() + " role=" + settings.role());
      route("/version", (q, b) -> "version=" + serving().activeVersion());
      route(
          "/predict",
          (q, b) ->
              predict(
                  Integer.parseInt(param(q, "row")),
                  Double.parseDouble(q.getOrDefault("scale", "1"))));
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
      route("/monitor/merged-drift", (q, b) -> mergedDrift());
      route("/retrain", this::retrain);
      route("/clock", (q, b) -> moveClock(Instant.parse(param(q, "to"))));
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

  /** The reference profile every replica's monitor compares its windows with: the bundled data. */
  public static Profile reference(List<Sample> samples) {
    ProfileSchema schema =
        ProfileSchema.builder()
            .numeric(BreastCancer.modelFeatures().toArray(String[]::new))
            .build();
    return Profile.of(
        schema, samples.stream().map(s -> s.select(BreastCancer.modelFeatures())).toList());
  }

  private static Monitor monitor(
      Settings settings, Store shared, List<Sample> samples, Clock clock, Executor executor) {
    // Each replica profiles its own traffic and writes its part of every time window to the
    // shared store; a window's drift is computed on the merge of all replicas' parts.
    // tag::replica-monitor[]
    return Monitor.builder()
        .model(settings.model())
        .reference(reference(samples))
        .window(WindowSpec.time(settings.monitorWindow())) // MLOPS_MONITOR_WINDOW
        .store(shared) // the shared workspace: parts of every replica, merged per window
        .executor(executor) // profiling and the store's reads and writes, off the serving path
        .replicaId(settings.replicaId()) // MLOPS_REPLICA_ID
        .flushInterval(settings.monitorFlushInterval()) // MLOPS_MONITOR_FLUSH_INTERVAL
        .gracePeriod(settings.monitorGracePeriod()) // MLOPS_MONITOR_GRACE_PERIOD
        .predictions(PredictionTask.BINARY_CLASSIFICATION)
        .clock(clock) // the system clock (MLOPS_TEST_CLOCK only in tests)
        .build();
    // end::replica-monitor[]
  }

  /**
   * The retraining of this replica: a logistic regression trained on the bundled data (a fixed
   * seed: deterministic), gated against the champion on the held-out part, behind the lease every
   * replica takes in the shared store, so that one replica at a time retrains.
   */
  private static RetrainingLoop<Label> retrainingLoop(
      Settings settings,
      ModelRegistry registry,
      Tracker tracker,
      List<Sample> samples,
      Clock clock) {
    Split split = BreastCancer.split(samples, 0.3, 11);
    // tag::replica-retraining[]
    return RetrainingLoop.<Label>builder()
        .registry(registry)
        .tracker(tracker)
        .model(settings.model())
        .championAlias(settings.alias())
        .data(() -> BreastCancer.dataset(split.train(), "retraining"))
        .training((data, run) -> Models.train(new Candidate("retrained", "log", 0.05, 3, 11), data))
        .holdout(() -> Holdout.builder(BreastCancer.dataset(split.test(), "holdout")).build())
        .gate(ValidationGate.builder().require("accuracy", Rule.atLeast(0.9)).seed(11).build())
        .leaseHolder(settings.replicaId()) // MLOPS_REPLICA_ID: named by the others' SKIPPED
        .leaseTtl(settings.retrainingLeaseTtl()) // MLOPS_RETRAINING_LEASE_TTL
        .minInterval(settings.retrainingMinInterval()) // MLOPS_RETRAINING_MIN_INTERVAL
        .clock(clock)
        .build();
    // end::replica-retraining[]
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

  private String predict(int row, double scale) {
    if (row < 0 || row >= samples.size()) {
      throw new IllegalArgumentException("row must be in 0.." + (samples.size() - 1));
    }
    if (!(scale > 0 && scale < 1e6)) {
      throw new IllegalArgumentException("scale must be in (0, 1e6), was " + scale);
    }
    Map<String, Double> features = new LinkedHashMap<>();
    samples
        .get(row)
        .select(BreastCancer.modelFeatures())
        .forEach((k, v) -> features.put(k, v * scale));
    Prediction p = serving().predict(features);
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

  // ---------------------------------------------------------------- monitoring and retraining

  /**
   * The last shared window this replica evaluated: its start, the rows and replicas of the merge,
   * then per column the exact parts of the merged profile and the drift (Double values printed
   * exactly).
   */
  private String mergedDrift() {
    WindowSummary w =
        monitor.lastWindow().orElseThrow(() -> new Refused(404, "No shared window evaluated yet"));
    ReplicaParts parts = w.replicas().orElseThrow();
    StringBuilder out = new StringBuilder();
    out.append("window=")
        .append(w.window().start())
        .append(" rows=")
        .append(parts.rows())
        .append(" replicas=")
        .append(String.join(",", parts.counted()))
        .append(" notFinal=")
        .append(String.join(",", parts.notFinal()))
        .append('\n');
    DriftReport report = w.report().orElseThrow();
    for (ProfileColumn c : w.profile().columns()) {
      ColumnDrift d = report.column(c.name()).orElseThrow();
      out.append(c.name())
          .append(" count=")
          .append(c.count())
          .append(" missing=")
          .append(c.missing())
          .append(" min=")
          .append(c.min())
          .append(" max=")
          .append(c.max())
          .append(" mean=")
          .append(c.mean())
          .append(" method=")
          .append(d.method())
          .append(" score=")
          .append(d.score())
          .append(" bound=")
          .append(d.errorBound() == null ? 0.0 : d.errorBound())
          .append(" drifted=")
          .append(d.drifted())
          .append('\n');
    }
    return out.toString();
  }

  /**
   * {@code POST /retrain?reason=r} triggers a retraining now; {@code GET /retrain} waits (bounded)
   * for the last retraining a drift alert started and answers its outcome ({@code outcome=NONE} if
   * there was none).
   */
  private String retrain(Map<String, String> query, String body) throws Exception {
    RetrainingOutcome outcome;
    String reason = query.get("reason");
    if (reason != null) {
      outcome = retraining.trigger(cut(reason));
    } else {
      Future<RetrainingOutcome> last = lastRetraining;
      if (last == null) {
        return "outcome=NONE";
      }
      outcome = last.get(2, TimeUnit.MINUTES);
    }
    return "outcome="
        + outcome.status()
        + " version="
        + outcome.version()
        + " message="
        + outcome.message().replace('\n', ' ');
  }

  /**
   * Moves the test clock ({@link Settings#testClock()}) forward to {@code to} and lets the monitor
   * close and evaluate the windows that are due.
   */
  private String moveClock(Instant to) {
    ManualClock c = testClock;
    if (c == null) {
      throw new Refused(409, "The clock moves only with MLOPS_TEST_CLOCK set");
    }
    c.moveTo(to);
    monitor.tick();
    awaitProfilingIdle();
    return "now=" + c.instant();
  }

  /**
   * Waits until the monitor's executor has run everything the tick scheduled, including what those
   * tasks scheduled in turn (the final write of a closed window, the merge), so that a test that
   * moves every replica's clock past a window's end sees all parts written before it moves them
   * past the grace period.
   */
  private void awaitProfilingIdle() {
    for (int round = 0; round < 100; round++) {
      try {
        profiling.submit(() -> {}).get(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the monitor", e);
      } catch (ExecutionException | TimeoutException e) {
        throw new IllegalStateException("the monitor's executor did not become idle: " + e, e);
      }
      if (profiling.getQueue().isEmpty()) {
        return;
      }
    }
    throw new IllegalStateException("the monitor's executor kept scheduling work");
  }

  /** A clock that moves only forward, when told (the test setting MLOPS_TEST_CLOCK). */
  private static final class ManualClock extends Clock {
    private final AtomicReference<Instant> now;

    ManualClock(Instant start) {
      this.now = new AtomicReference<>(start);
    }

    void moveTo(Instant to) {
      now.accumulateAndGet(to, (a, b) -> b.isAfter(a) ? b : a);
    }

    @Override
    public Instant instant() {
      return now.get();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("the test clock is UTC");
    }
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
    retrainer.shutdownNow();
    monitor.close();
    profiling.shutdownNow();
    tracker.close();
    features.close();
    online.close();
    registry.close();
    store.close();
    S3ArtifactStore s3 = artifactStore;
    if (s3 != null) {
      s3.close();
    }
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
