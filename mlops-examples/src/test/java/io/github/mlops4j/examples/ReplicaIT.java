package io.github.mlops4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.examples.ReplicaProcess.Answer;
import io.github.mlops4j.monitoring.Monitor;
import io.github.mlops4j.monitoring.WindowSpec;
import io.github.mlops4j.monitoring.WindowSummary;
import io.github.mlops4j.monitoring.drift.ColumnDrift;
import io.github.mlops4j.monitoring.profile.ProfileColumn;
import io.github.mlops4j.redis.RedisServer;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.s3.S3ArtifactStore;
import io.github.mlops4j.s3.S3ArtifactStoreProvider;
import io.github.mlops4j.s3.S3Server;
import io.github.mlops4j.store.EmbeddedPostgresExtension;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.testing.MutableClock;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Several replicas of {@link ReplicaService}, each in its own JVM, sharing one PostgreSQL (embedded
 * -postgres), one S3 server (s3proxy, mlops-s3's {@link S3Server}, in this JVM) holding the
 * artifacts and one Redis (the redis-server of embedded-redis): a writer that registers and
 * promotes, and two serving replicas. The replicas are configured exactly as {@code
 * docs/deployment.md} documents ({@link #environment}); the scenarios run in order on the same
 * processes.
 *
 * <p>Monitoring and retraining run on the replicas' test clock ({@code MLOPS_TEST_CLOCK}), moved by
 * the test with {@code POST /clock}: windows close and merge when a scenario says so, never by
 * waiting. The replicas get the S3 credentials from the AWS SDK's default chain, here the
 * environment variables {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicaIT {
  @RegisterExtension
  static final EmbeddedPostgresExtension POSTGRES = new EmbeddedPostgresExtension("replica");

  @RegisterExtension static final RedisServer REDIS = new RedisServer();

  @RegisterExtension static final S3Server S3 = new S3Server();

  /** The bucket every replica keeps its artifacts in, under the prefix {@code artifacts/}. */
  static final String BUCKET = "replica-it";

  /** How often the replicas poll the registry: the documented bound until push is merged. */
  static final Duration POLL = Duration.ofMillis(100);

  static final String MODEL = "diagnosis";

  /** Where the replicas' monitoring and retraining clock starts: a window start. */
  static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  static final Duration WINDOW = Duration.ofMinutes(1);
  static final Duration GRACE = Duration.ofSeconds(30);

  @TempDir static Path dir;

  private static String jdbcUrl;
  private static String jdbcUser;
  private static DataSource database;
  private static String artifacts;
  private static final List<ReplicaProcess> started = new CopyOnWriteArrayList<>();
  private static ReplicaProcess writer;
  private static ReplicaProcess serverB;
  private static ReplicaProcess serverC;

  /** Versions the alias was moved to, in order. */
  private static final List<Integer> promoted = new CopyOnWriteArrayList<>();

  /** Every version a prediction named, per replica, in order. */
  private static final Map<String, List<Integer>> answered = new ConcurrentHashMap<>();

  @BeforeAll
  static void startReplicas() throws Exception {
    String name = POSTGRES.create();
    PGSimpleDataSource pg = (PGSimpleDataSource) POSTGRES.dataSource(name);
    jdbcUrl =
        "jdbc:postgresql://" + pg.getServerNames()[0] + ":" + pg.getPortNumbers()[0] + "/" + name;
    jdbcUser = pg.getUser();
    database = pg;
    S3.createBucket(BUCKET);
    artifacts = s3Location(S3.endpoint().toString());
    Files.createDirectories(dir.resolve("logs"));
    // started together: the JVMs boot in parallel
    List<Thread> starting = new ArrayList<>();
    Map<String, ReplicaProcess> ready = new ConcurrentHashMap<>();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    for (String[] r :
        List.of(
            new String[] {"writer-1", "writer"},
            new String[] {"server-b", "server"},
            new String[] {"server-c", "server"})) {
      Thread t =
          new Thread(
              () -> {
                try {
                  ready.put(r[0], start(r[0], r[1], r[0].equals("writer-1")));
                } catch (Throwable e) {
                  failures.add(e);
                }
              });
      t.start();
      starting.add(t);
    }
    for (Thread t : starting) {
      t.join();
    }
    if (!failures.isEmpty()) {
      AssertionError e = new AssertionError("a replica did not start", failures.get(0));
      failures.stream().skip(1).forEach(e::addSuppressed);
      throw e;
    }
    writer = ready.get("writer-1");
    serverB = ready.get("server-b");
    serverC = ready.get("server-c");
  }

  @AfterAll
  static void killReplicas() throws Exception {
    for (ReplicaProcess p : started) {
      p.kill();
    }
  }

  /** The environment of a replica: the names of docs/deployment.md's configuration reference. */
  static Map<String, String> environment(
      String jdbcUrl,
      String jdbcUser,
      String artifacts,
      String redisUri,
      String replicaId,
      String role) {
    Map<String, String> env = new HashMap<>();
    env.put("MLOPS_JDBC_URL", jdbcUrl);
    env.put("MLOPS_JDBC_USER", jdbcUser);
    env.put("MLOPS_JDBC_POOL_SIZE", "4");
    env.put("MLOPS_ARTIFACTS", artifacts);
    env.put("MLOPS_REDIS_URI", redisUri);
    env.put("MLOPS_REDIS_NAMESPACE", "replica-it");
    env.put("MLOPS_REPLICA_ID", replicaId);
    env.put("MLOPS_ROLE", role);
    env.put("MLOPS_POLL_INTERVAL", POLL.toString());
    env.put("MLOPS_MODEL", MODEL);
    env.put("MLOPS_ALIAS", "champion");
    env.put("MLOPS_FEATURE_CACHE_SIZE", "0"); // every online read reaches Redis
    env.put("MLOPS_FEATURE_CACHE_STALENESS", "PT0S");
    env.put("MLOPS_CONTROL_PORT", "0");
    env.put("MLOPS_MONITOR_WINDOW", WINDOW.toString());
    env.put("MLOPS_MONITOR_FLUSH_INTERVAL", "PT10S");
    env.put("MLOPS_MONITOR_GRACE_PERIOD", GRACE.toString());
    env.put("MLOPS_RETRAINING_MIN_INTERVAL", "PT1H");
    env.put("MLOPS_RETRAINING_LEASE_TTL", "PT1H");
    // a test setting: monitoring and retraining run on a clock this test moves (POST /clock)
    env.put("MLOPS_TEST_CLOCK", T0.toString());
    return env;
  }

  private static ReplicaProcess start(String id, String role, boolean withHooks) throws Exception {
    return start(id, role, withHooks, Map.of());
  }

  private static ReplicaProcess start(
      String id, String role, boolean withHooks, Map<String, String> overrides) throws Exception {
    Map<String, String> env = environment(jdbcUrl, jdbcUser, artifacts, REDIS.uri(), id, role);
    // S3 credentials: not settings of the replica; the AWS SDK's default chain reads them
    env.put("AWS_ACCESS_KEY_ID", S3Server.ACCESS_KEY);
    env.put("AWS_SECRET_ACCESS_KEY", S3Server.SECRET_KEY);
    env.putAll(overrides);
    ReplicaProcess p =
        ReplicaProcess.start(
            id, withHooks ? ReplicaLauncher.class : ReplicaService.class, env, dir.resolve("logs"));
    started.add(p);
    p.awaitLine(l -> l.startsWith("ready replica="));
    return p;
  }

  private static int registerAndPromote(ReplicaProcess w, long seed) throws Exception {
    Answer a = w.post("/register?seed=" + seed + "&promote=true", "");
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    int version = Integer.parseInt(a.body().substring("version=".length()));
    promoted.add(version);
    return version;
  }

  /** One prediction on {@code r}, recorded; returns the version it names (0 when none serves). */
  private static int predict(ReplicaProcess r) throws Exception {
    Answer a = r.get("/predict?row=7");
    if (a.status() == 503 && a.body().contains("has the alias")) {
      return 0; // started before any version was promoted
    }
    assertThat(a.status()).as(r.name() + ": " + a.body()).isEqualTo(200);
    int version = Integer.parseInt(a.body().split(" ")[0].substring("version=".length()));
    answered.computeIfAbsent(r.name(), k -> new CopyOnWriteArrayList<>()).add(version);
    return version;
  }

  /**
   * Predicts on {@code r} until it answers with {@code version}; returns the milliseconds from
   * {@code sinceNanos} (the promotion's answer) to that answer. The replica follows on its own: the
   * test never asks it to refresh.
   */
  private static long awaitFollows(ReplicaProcess r, int version, long sinceNanos)
      throws Exception {
    long deadline = System.nanoTime() + ReplicaProcess.SAFETY_NANOS;
    while (predict(r) != version) {
      assertThat(System.nanoTime()).as(r.name() + " never served v" + version).isLessThan(deadline);
      Thread.sleep(5); // polling the child between requests, not timing anything under test
    }
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sinceNanos);
  }

  /**
   * Every answer named a version the alias pointed to, and no replica went back to an older one.
   */
  private static void assertAnswersNamedOnlyAliasTargets() {
    for (Map.Entry<String, List<Integer>> e : answered.entrySet()) {
      assertThat(e.getValue()).as(e.getKey()).isSubsetOf(promoted).isSorted();
    }
  }

  @Test
  @Order(1)
  void theWritersPromotion_isFollowedByEveryReplica_whichThenAnswersWithTheNewVersion()
      throws Exception {
    int v1 = registerAndPromote(writer, 1);
    long t1 = System.nanoTime();
    for (ReplicaProcess r : List.of(writer, serverB, serverC)) {
      awaitFollows(r, v1, t1);
    }
    int v2 = registerAndPromote(writer, 2);
    long t2 = System.nanoTime();
    Map<String, Long> lag = new HashMap<>();
    for (ReplicaProcess r : List.of(serverB, serverC, writer)) {
      lag.put(r.name(), awaitFollows(r, v2, t2)); // the writer too: its swap is asynchronous
    }
    assertThat(writer.get("/version").body()).isEqualTo("version=" + v2);
    System.out.println("alias propagation (poll " + POLL + "), ms after the promotion: " + lag);
    assertThat(List.of(v1, v2)).containsExactly(1, 2);
    assertAnswersNamedOnlyAliasTargets();
    assertThat(serverB.get("/monitor").body()).matches("observed=\\d+ windows=\\d+");
  }

  @Test
  @Order(2)
  void featuresMaterializedByOneReplica_areReadOnlineByAnother_withTheOfflineStatuses()
      throws Exception {
    // fresh; 36 h old (TTL 1 day: EXPIRED, kept in Redis for another day); a null value
    Answer w =
        writer.post("/features/write", "F1,10,25.5,17.25\nF2,129600,20.0,15.0\nF3,10,,19.5\n");
    assertThat(w.status()).as(w.body()).isEqualTo(200);
    Answer m = serverB.post("/features/materialize", "");
    assertThat(m.status()).as(m.body()).isEqualTo(200);

    String ids = "?ids=F1,F2,F3,F4"; // F4 has no rows
    Answer online = serverC.get("/features/online" + ids);
    Answer offline = serverC.get("/features/offline" + ids);
    assertThat(online.status()).as(online.body()).isEqualTo(200);
    assertThat(offline.status()).as(offline.body()).isEqualTo(200);
    assertThat(online.body()).isEqualTo(offline.body());
    assertThat(online.body().lines().toList())
        .containsExactly(
            "F1 cell_nuclei:worst_radius PRESENT 25.5",
            "F1 cell_nuclei:mean_texture PRESENT 17.25",
            "F2 cell_nuclei:worst_radius EXPIRED null",
            "F2 cell_nuclei:mean_texture EXPIRED null",
            "F3 cell_nuclei:worst_radius NULL_VALUE null",
            "F3 cell_nuclei:mean_texture PRESENT 19.5",
            "F4 cell_nuclei:worst_radius NOT_FOUND null",
            "F4 cell_nuclei:mean_texture NOT_FOUND null");
  }

  @Test
  @Order(3)
  void killingTheWriterMidRegistration_leavesTheOthersServing_andTheRegistryGapless()
      throws Exception {
    int before = promoted.get(promoted.size() - 1);
    writer.postAndForget("/register-and-hang?seed=3");
    writer.awaitLine(ReplicaLauncher.PAUSED::equals); // its version row is written, not committed
    writer.kill(); // kill -9

    for (ReplicaProcess r : List.of(serverB, serverC)) {
      assertThat(predict(r)).isEqualTo(before);
    }
    try (View view = readOnlyView()) {
      ModelRegistry registry = view.registry();
      assertThat(registry.versions(MODEL)).extracting(ModelVersion::version).containsExactly(1, 2);
      assertThat(registry.aliases(MODEL)).containsEntry("champion", before);
    }

    ReplicaProcess writer2 = start("writer-2", "writer", false);
    writer = writer2;
    int next = registerAndPromote(writer2, 4);
    assertThat(next).isEqualTo(before + 1);
    long t = System.nanoTime();
    for (ReplicaProcess r : List.of(serverB, serverC, writer2)) {
      awaitFollows(r, next, t);
    }
    try (View view = readOnlyView()) {
      ModelRegistry registry = view.registry();
      assertThat(registry.versions(MODEL))
          .extracting(ModelVersion::version)
          .containsExactly(1, 2, 3);
      for (ModelVersion v : registry.versions(MODEL)) {
        try (var in = registry.openArtifact(v)) { // every version's artifact is whole
          assertThat(in.readAllBytes()).hasSize((int) v.sizeBytes());
        }
      }
    }
    assertAnswersNamedOnlyAliasTargets();
  }

  /** The shared registry seen from this JVM, with the S3 artifact store it records. */
  record View(S3ArtifactStore artifacts, Store store, ModelRegistry registry)
      implements AutoCloseable {
    @Override
    public void close() {
      registry.close();
      store.close();
      artifacts.close();
    }
  }

  private static View readOnlyView() {
    S3ArtifactStore s3 =
        S3ArtifactStoreProvider.builderFor(URI.create(artifacts))
            .credentials(S3Server.credentials())
            .build();
    Store store = Store.builder().dataSource(database).artifactStore(s3).build();
    return new View(
        s3, store, ModelRegistry.builder().store(store).pollInterval(Duration.ZERO).build());
  }

  @Test
  @Order(4)
  void aRedisOutage_failsTheFeaturePathClearly_servingGoesOn_andTheReplicasRecover()
      throws Exception {
    int serving = promoted.get(promoted.size() - 1);
    REDIS.stop();
    boolean down = true;
    try {
      String server = "127.0.0.1:" + REDIS.port();
      Answer read = serverC.get("/features/online?ids=F1");
      assertThat(read.status()).isEqualTo(503);
      assertThat(read.body())
          .startsWith("RedisOnlineStoreException")
          .contains("Redis online store at " + server, "read of 1 entity in view 'cell_nuclei'");
      // the offline store (PostgreSQL) takes the write; materializing it needs Redis. The row's
      // event time is the write's now, so it is after the watermark of the earlier materialization
      // and is not pushed online at once (a late row would be, and would fail here).
      Answer w = writer.post("/features/write", "F5,0,30.0,21.0\n");
      assertThat(w.status()).as(w.body()).isEqualTo(200);
      Answer m = serverB.post("/features/materialize", "");
      assertThat(m.status()).isEqualTo(503);
      assertThat(m.body()).contains("write of 1 entity in view 'cell_nuclei'");
      for (ReplicaProcess r : List.of(serverB, serverC, writer)) {
        assertThat(predict(r)).as(r.name()).isEqualTo(serving); // models are unaffected
      }

      REDIS.start(); // empty, on the same port
      down = false;
    } finally {
      if (down) {
        REDIS.start(); // so a failure here does not fail the scenarios after it
      }
    }
    awaitOk(serverB, () -> serverB.post("/features/materialize", "")); // watermark did not move
    Answer online = awaitOk(serverC, () -> serverC.get("/features/online?ids=F5"));
    assertThat(online.body()).isEqualTo(serverC.get("/features/offline?ids=F5").body());
    assertThat(online.body()).startsWith("F5 cell_nuclei:worst_radius PRESENT 30.0");
    assertAnswersNamedOnlyAliasTargets();
  }

  private interface Call {
    Answer call() throws Exception;
  }

  /** Repeats {@code call} while it answers 503 (a reconnect under way), within the safety net. */
  private static Answer awaitOk(ReplicaProcess r, Call call) throws Exception {
    long deadline = System.nanoTime() + ReplicaProcess.SAFETY_NANOS;
    while (true) {
      Answer a = call.call();
      if (a.status() != 503 || System.nanoTime() > deadline) {
        assertThat(a.status()).as(r.name() + ": " + a.body()).isEqualTo(200);
        return a;
      }
      Thread.sleep(20); // waiting for the reconnect, not timing anything under test
    }
  }

  /**
   * A serving replica given no artifact location ({@code MLOPS_ARTIFACTS} unset) opens the artifact
   * store the workspace records, and loads and serves the champion from it.
   */
  @Test
  @Order(5)
  void aReplicaWithoutAnArtifactLocation_usesTheOneTheWorkspaceRecords() throws Exception {
    int serving = promoted.get(promoted.size() - 1);
    ReplicaProcess d = start("server-d", "server", false, Map.of("MLOPS_ARTIFACTS", ""));
    try {
      awaitFollows(d, serving, System.nanoTime());
      assertAnswersNamedOnlyAliasTargets();
    } finally {
      d.kill(); // not part of the monitoring scenarios below
    }
  }

  // ------------------------------------------------------------------ S3 and push

  /** Where the replicas keep artifacts: s3proxy, path style, as docs/deployment.md writes it. */
  static String s3Location(String endpoint) {
    return "s3://"
        + BUCKET
        + "/artifacts/?endpoint="
        + URLEncoder.encode(endpoint, StandardCharsets.UTF_8) // as location() reports it
        + "&pathStyle=true&region=us-east-1";
  }

  /**
   * A model registered by one replica is loaded by the others from the S3 server. With the server
   * stopped, a new version cannot be registered (a 503 naming the S3 location, nothing recorded)
   * while every replica keeps serving the version it has; once it is back, the next version
   * registers and the replicas follow.
   */
  @Test
  @Order(10)
  void s3Artifacts_registeredByOne_loadedByAnother_andAnOutageIsClear() throws Exception {
    int v = registerAndPromote(writer, 10);
    long t = System.nanoTime();
    for (ReplicaProcess r : List.of(serverB, serverC, writer)) {
      awaitFollows(r, v, t); // loaded from S3, verified on read (the writer too, before the outage)
    }
    int versionsBefore;
    try (View view = readOnlyView()) {
      versionsBefore = view.registry().versions(MODEL).size();
    }

    S3.stop();
    try {
      Answer refused = writer.post("/register?seed=11&promote=true", "");
      assertThat(refused.status()).as(refused.body()).isEqualTo(503);
      assertThat(refused.body())
          .contains("ArtifactStoreException")
          .contains("s3://" + BUCKET + "/artifacts/");
      for (ReplicaProcess r : List.of(serverB, serverC, writer)) {
        assertThat(predict(r)).as(r.name()).isEqualTo(v); // the loaded version keeps serving
      }
      try (View view = readOnlyView()) { // metadata only: PostgreSQL is up
        ModelRegistry registry = view.registry();
        assertThat(registry.versions(MODEL)).hasSize(versionsBefore); // nothing half-registered
        assertThat(registry.aliases(MODEL)).containsEntry("champion", v);
      }
    } finally {
      S3.restart(); // same port, same objects
    }
    Answer after = awaitOk(writer, () -> writer.post("/register?seed=12&promote=true", ""));
    int next = Integer.parseInt(after.body().substring("version=".length()));
    assertThat(next).isEqualTo(v + 1); // gapless: the refused registration took no number
    promoted.add(next);
    t = System.nanoTime();
    for (ReplicaProcess r : List.of(serverB, serverC, writer)) {
      awaitFollows(r, next, t);
    }
    assertAnswersNamedOnlyAliasTargets();
  }

  /**
   * With polling set to hours, a replica that still follows the alias heard it by push (PostgreSQL
   * LISTEN/NOTIFY, {@code ModelRegistry.Builder.pushNotifications}, on by default). The lag is
   * printed, not asserted.
   */
  @Test
  @Order(11)
  void withPush_aReplicaFollowsTheAlias_withoutWaitingForItsPoll() throws Exception {
    ReplicaProcess s = start("push-server", "server", false, Map.of("MLOPS_POLL_INTERVAL", "PT5H"));
    try {
      awaitFollows(s, promoted.get(promoted.size() - 1), System.nanoTime()); // loaded on start
      int v = registerAndPromote(writer, 20);
      long t = System.nanoTime();
      long lag = awaitFollows(s, v, t);
      for (ReplicaProcess r : List.of(serverB, serverC, writer)) {
        awaitFollows(r, v, t);
      }
      System.out.println("alias propagation by push (poll PT5H): " + lag + " ms");
      assertAnswersNamedOnlyAliasTargets();
    } finally {
      s.kill(); // not part of the monitoring scenarios below
    }
  }

  /** Moves every live replica's test clock to {@code to}; each closes and evaluates due windows. */
  private static void moveClocks(Instant to, List<ReplicaProcess> replicas) throws Exception {
    for (ReplicaProcess r : replicas) {
      Answer a = r.post("/clock?to=" + to, "");
      assertThat(a.status()).as(r.name() + ": " + a.body()).isEqualTo(200);
    }
  }

  /**
   * Every replica sees drifted traffic (its features scaled by 1.6) in the first window; when the
   * window is merged, each replica's drift listener triggers its retraining loop. Exactly one
   * retrains (it takes the lease in PostgreSQL); the others answer SKIPPED naming it. The clocks
   * are the replicas' test clocks: the window closes when this test moves them.
   */
  @Test
  @Order(12)
  void aDriftSeenByAllReplicas_triggersExactlyOneRetraining() throws Exception {
    List<ReplicaProcess> live = List.of(serverB, serverC, writer);
    int versionsBefore;
    try (View view = readOnlyView()) {
      ModelRegistry registry = view.registry();
      versionsBefore = registry.versions(MODEL).size();
    }
    for (ReplicaProcess r : live) {
      assertThat(r.get("/retrain").body()).isEqualTo("outcome=NONE");
      for (int row = 0; row < 60; row++) {
        Answer a = r.get("/predict?row=" + row + "&scale=1.6");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
      }
    }
    moveClocks(T0.plus(WINDOW).plusSeconds(1), live); // closes the window: final parts
    moveClocks(T0.plus(WINDOW).plus(GRACE).plusSeconds(1), live); // merged, drift, listeners

    Map<String, String> outcomes = new HashMap<>();
    for (ReplicaProcess r : live) {
      Answer a = r.get("/retrain");
      assertThat(a.status()).as(a.body()).isEqualTo(200);
      outcomes.put(r.name(), a.body());
    }
    List<String> trained =
        outcomes.entrySet().stream()
            .filter(e -> !e.getValue().startsWith("outcome=SKIPPED"))
            .map(Map.Entry::getKey)
            .toList();
    assertThat(trained).as(outcomes.toString()).hasSize(1);
    String holder = trained.get(0);
    assertThat(outcomes.get(holder)).matches("outcome=(PROMOTED|REJECTED) version=\\d+ .*");
    int retrained = Integer.parseInt(outcomes.get(holder).split(" ")[1].substring(8));
    if (outcomes.get(holder).startsWith("outcome=PROMOTED")) {
      promoted.add(retrained);
    }
    for (ReplicaProcess r : live) {
      if (!r.name().equals(holder)) {
        assertThat(outcomes.get(r.name()))
            .startsWith("outcome=SKIPPED version=null")
            .contains("replica '" + holder + "'");
      }
    }
    try (View view = readOnlyView()) {
      ModelRegistry registry = view.registry();
      assertThat(registry.versions(MODEL))
          .extracting(ModelVersion::version)
          .hasSize(versionsBefore + 1)
          .endsWith(retrained);
    }
    // a trigger by hand on another replica is turned away by the same shared state
    ReplicaProcess other = live.stream().filter(r -> !r.name().equals(holder)).findFirst().get();
    assertThat(other.post("/retrain?reason=by+hand", "").body())
        .startsWith("outcome=SKIPPED")
        .contains("replica '" + holder + "'");
  }

  /**
   * Drift over the merged window parts of all replicas equals drift over all requests in one place:
   * a {@link Monitor} in this JVM fed the union of the rows sent, with the same reference and the
   * default drift configuration. Exact parts (counts, missing, min, max) are equal, the mean up to
   * rounding; drift scores come from KLL sketches and agree within the sum of the two reports'
   * error bounds (KLL merging is randomized, see docs/monitoring.md).
   */
  @Test
  @Order(13)
  void driftFromMergedProfiles_equalsDriftOverAllRequestsInOnePlace() throws Exception {
    List<ReplicaProcess> live = List.of(serverB, serverC, writer);
    Instant start = T0.plus(WINDOW.multipliedBy(2)); // the next window, empty so far
    moveClocks(start, live);
    MutableClock clock = new MutableClock(start);
    List<BreastCancer.Sample> samples = BreastCancer.load();
    try (Monitor union =
        Monitor.builder()
            .model(MODEL)
            .reference(ReplicaService.reference(samples))
            .window(WindowSpec.time(WINDOW))
            .clock(clock)
            .build()) {
      for (int row = 0; row < 200; row++) {
        ReplicaProcess r = row % 3 == 0 ? serverB : serverC; // uneven split
        double scale = row < 100 ? 1.0 : 1.2;
        Answer a = r.get("/predict?row=" + row + "&scale=" + scale);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        Map<String, Double> features = new HashMap<>();
        samples
            .get(row)
            .select(BreastCancer.modelFeatures())
            .forEach((k, v) -> features.put(k, v * scale));
        union.observe(features);
      }
      moveClocks(start.plus(WINDOW).plusSeconds(1), live);
      moveClocks(start.plus(WINDOW).plus(GRACE).plusSeconds(1), live);
      WindowSummary expected = union.flush().orElseThrow(); // all 200 rows, in one place

      for (ReplicaProcess r : List.of(serverB, serverC)) {
        Answer a = r.get("/monitor/merged-drift");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        List<String> lines = a.body().lines().toList();
        assertThat(lines.get(0))
            .startsWith("window=" + start + " rows=200 replicas=")
            .contains("server-b", "server-c")
            .endsWith(" notFinal=");
        Map<String, Map<String, String>> columns = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
          String[] f = line.split(" ");
          Map<String, String> values = new HashMap<>();
          for (int i = 1; i < f.length; i++) {
            values.put(f[i].substring(0, f[i].indexOf('=')), f[i].substring(f[i].indexOf('=') + 1));
          }
          columns.put(f[0], values);
        }
        assertThat(columns.keySet())
            .containsExactlyInAnyOrderElementsOf(BreastCancer.modelFeatures());
        for (ProfileColumn c : expected.profile().columns()) {
          Map<String, String> got = columns.get(c.name());
          assertThat(Long.parseLong(got.get("count"))).as(c.name()).isEqualTo(c.count());
          assertThat(Long.parseLong(got.get("missing"))).as(c.name()).isEqualTo(c.missing());
          assertThat(Double.parseDouble(got.get("min"))).as(c.name()).isEqualTo(c.min());
          assertThat(Double.parseDouble(got.get("max"))).as(c.name()).isEqualTo(c.max());
          assertThat(Double.parseDouble(got.get("mean")))
              .as(c.name())
              .isCloseTo(c.mean(), org.assertj.core.data.Offset.offset(1e-9 * Math.abs(c.mean())));
          ColumnDrift d = expected.report().orElseThrow().column(c.name()).orElseThrow();
          double bound =
              Double.parseDouble(got.get("bound"))
                  + (d.errorBound() == null ? 0.0 : d.errorBound())
                  + 1e-9;
          assertThat(got.get("method")).isEqualTo(d.method());
          assertThat(Double.parseDouble(got.get("score")))
              .as(c.name() + " " + d.method())
              .isCloseTo(d.score(), org.assertj.core.data.Offset.offset(bound));
        }
      }
    }
  }
}
