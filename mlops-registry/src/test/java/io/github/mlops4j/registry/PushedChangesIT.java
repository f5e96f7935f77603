package io.github.mlops4j.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.mlops4j.store.EmbeddedPostgresExtension;
import io.github.mlops4j.store.StoreException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Changes pushed by PostgreSQL's {@code LISTEN/NOTIFY}: registry B polls only once an hour, so
 * whatever reaches it in these tests came through the push. Each registry has its own connection
 * pool on one database, as separate processes would.
 */
class PushedChangesIT {
  @RegisterExtension
  static final EmbeddedPostgresExtension postgres = new EmbeddedPostgresExtension("pushed");

  /** Safety net for every wait; the tests never time anything. */
  private static final long SAFETY_NET_SECONDS = 60;

  @TempDir Path temp;

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private <T extends AutoCloseable> T track(T resource) {
    open.add(resource);
    return resource;
  }

  /** A pool of its own on {@code database}, as another process would have. */
  private HikariDataSource pool(String database) {
    HikariConfig config = new HikariConfig();
    config.setDataSource(postgres.dataSource(database));
    config.setMaximumPoolSize(4);
    config.setPoolName("pool-" + open.size());
    return track(new HikariDataSource(config));
  }

  /** A writer: polls never and listens never (it sees its own changes at once). */
  private ModelRegistry writer(DataSource pool) {
    return track(
        ModelRegistry.builder()
            .dataSource(pool)
            .artifactRoot(temp.resolve("artifacts"))
            .pollInterval(Duration.ZERO)
            .build());
  }

  /** The registry under test: polls once an hour, so only a push reaches it in a test. */
  private ModelRegistry listening(DataSource pool) {
    return track(
        ModelRegistry.builder()
            .dataSource(pool)
            .artifactRoot(temp.resolve("artifacts"))
            .pollInterval(Duration.ofHours(1))
            .build());
  }

  @Test
  void anAliasMovedByA_reachesBThroughThePush() throws Exception {
    String db = postgres.create();
    ModelRegistry a = writer(pool(db));
    a.register("churn", Models.churn(1), null);
    a.register("churn", Models.churn(2), null);
    a.setAlias("churn", "champion", 1);
    ModelRegistry b = listening(pool(db));
    assertThat(b.resolve("churn", "champion").orElseThrow().version())
        .isEqualTo(1); // cached in B now
    CountDownLatch moved = new CountDownLatch(1);
    List<RegistryEvent.AliasChanged> seen = new CopyOnWriteArrayList<>();
    b.addListener(
        e -> {
          if (e instanceof RegistryEvent.AliasChanged c) {
            seen.add(c);
            moved.countDown();
          }
        });

    a.setAlias("churn", "champion", 2);

    assertThat(moved.await(SAFETY_NET_SECONDS, TimeUnit.SECONDS)).as("safety net").isTrue();
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0).currentVersion()).isEqualTo(2);
    assertThat(seen.get(0).previousVersion()).isEqualTo(1);
    // the listener invalidated B's cache before announcing the change
    assertThat(b.resolve("churn", "champion").orElseThrow().version()).isEqualTo(2);
  }

  @Test
  void concurrentChangesFromTwoRegistries_areAnnouncedOnceEachInOrder() throws Exception {
    String db = postgres.create();
    ModelRegistry a = writer(pool(db));
    ModelRegistry c = writer(pool(db));
    a.createModel("m-a", "");
    c.createModel("m-c", "");
    ModelRegistry b = listening(pool(db));
    int perWriter = 60;
    List<Long> seen = new CopyOnWriteArrayList<>();
    CountDownLatch all = new CountDownLatch(2 * perWriter);
    b.addListener(
        e -> {
          seen.add(e.entry().sequence());
          all.countDown();
        });
    long before = maxSequence(db);

    Thread fromA = changes(a, "m-a", perWriter);
    Thread fromC = changes(c, "m-c", perWriter);
    fromA.start();
    fromC.start();
    fromA.join();
    fromC.join();

    assertThat(all.await(SAFETY_NET_SECONDS, TimeUnit.SECONDS)).as("safety net").isTrue();
    b.refresh(); // nothing left for a poll to find
    List<Long> written = sequencesAfter(db, before);
    assertThat(written).hasSize(2 * perWriter);
    assertThat(seen).containsExactlyElementsOf(written);
  }

  @Test
  void aListeningConnectionKilledWhileAKeepsChanging_reconnectsAndAnnouncesEveryChangeOnce()
      throws Exception {
    String db = postgres.create();
    ModelRegistry a = writer(pool(db));
    a.createModel("m", "");
    ModelRegistry b = listening(pool(db));
    awaitTrue(() -> b.listenerBackendPid() > 0);
    int killedPid = b.listenerBackendPid();
    int changes = 40;
    List<Long> seen = new CopyOnWriteArrayList<>();
    CountDownLatch all = new CountDownLatch(changes);
    b.addListener(
        e -> {
          seen.add(e.entry().sequence());
          all.countDown();
        });
    long before = maxSequence(db);

    for (int i = 0; i < changes; i++) {
      if (i == 10) {
        terminate(db, killedPid);
      }
      a.setModelDescription("m", "change " + i);
    }

    assertThat(all.await(SAFETY_NET_SECONDS, TimeUnit.SECONDS)).as("safety net").isTrue();
    awaitTrue(() -> b.listenerBackendPid() > 0 && b.listenerBackendPid() != killedPid);
    b.refresh();
    assertThat(seen).containsExactlyElementsOf(sequencesAfter(db, before));
    // and the push works again on the new connection
    CountDownLatch after = new CountDownLatch(1);
    b.addListener(e -> after.countDown());
    a.setModelDescription("m", "after the reconnect");
    assertThat(after.await(SAFETY_NET_SECONDS, TimeUnit.SECONDS)).as("safety net").isTrue();
  }

  @Test
  void aRolledBackChange_notifiesAndAnnouncesNothing() throws Exception {
    String db = postgres.create();
    DataSource direct = postgres.dataSource(db);
    ModelRegistry a = writer(pool(db));
    a.createModel("m", "");
    AtomicBoolean refuse = new AtomicBoolean();
    ModelRegistry failing = writer(commitRefusing(pool(db), refuse));
    ModelRegistry b = listening(pool(db));
    List<RegistryEvent> seen = new CopyOnWriteArrayList<>();
    CountDownLatch marker = new CountDownLatch(1);
    b.addListener(
        e -> {
          seen.add(e);
          marker.countDown();
        });
    try (Connection raw = direct.getConnection();
        Statement s = raw.createStatement()) {
      s.execute("LISTEN " + PgChangeListener.CHANNEL);

      refuse.set(true);
      assertThatThrownBy(() -> failing.setModelDescription("m", "rolled back"))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("commit refused");
      a.setModelDescription("m", "committed");

      assertThat(marker.await(SAFETY_NET_SECONDS, TimeUnit.SECONDS)).as("safety net").isTrue();
      b.refresh();
      assertThat(seen).hasSize(1);
      assertThat(seen.get(0).entry().sequence()).isEqualTo(maxSequence(db));
      assertThat(a.findModel("m").orElseThrow().description()).isEqualTo("committed");
      // PostgreSQL delivers notifications in commit order: had the rolled-back change notified,
      // its notification would come before the marker's
      List<String> payloads = new ArrayList<>();
      PGConnection pg = raw.unwrap(PGConnection.class);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SAFETY_NET_SECONDS);
      while (payloads.isEmpty() && System.nanoTime() < deadline) {
        for (PGNotification n : pg.getNotifications(1000)) {
          payloads.add(n.getParameter());
        }
      }
      assertThat(payloads).containsExactly(Long.toString(maxSequence(db)));
    }
  }

  @Test
  void sqliteRegistries_startNoListener() {
    try (ModelRegistry r =
        ModelRegistry.builder()
            .workspace(temp.resolve("ws"))
            .pollInterval(Duration.ofHours(1))
            .build()) {
      assertThat(r.listenerBackendPid()).isEqualTo(-1);
      assertThat(listenerThreads()).isZero();
    }
  }

  @Test
  void close_stopsTheListenerAndReturnsItsConnection() throws Exception {
    String db = postgres.create();
    HikariDataSource pool = pool(db);
    ModelRegistry b =
        ModelRegistry.builder()
            .dataSource(pool)
            .artifactRoot(temp.resolve("artifacts"))
            .pollInterval(Duration.ofHours(1))
            .build();
    awaitTrue(
        () -> b.listenerBackendPid() > 0 && pool.getHikariPoolMXBean().getActiveConnections() == 1);
    b.close();
    assertThat(pool.getHikariPoolMXBean().getActiveConnections()).isZero();
    assertThat(listenerThreads()).isZero();
  }

  @Test
  void pushNotificationsOff_listensNot() throws Exception {
    String db = postgres.create();
    try (ModelRegistry b =
        ModelRegistry.builder()
            .dataSource(pool(db))
            .artifactRoot(temp.resolve("artifacts"))
            .pollInterval(Duration.ofHours(1))
            .pushNotifications(false)
            .build()) {
      assertThat(b.listenerBackendPid()).isEqualTo(-1);
      assertThat(listenerThreads()).isZero();
    }
  }

  // ---------------------------------------------------------------- helpers

  private static Thread changes(ModelRegistry r, String model, int count) {
    return new Thread(
        () -> {
          for (int i = 0; i < count; i++) {
            r.setModelDescription(model, "change " + i);
          }
        });
  }

  private static long maxSequence(String database) throws SQLException {
    List<Long> all = sequencesAfter(database, 0);
    return all.isEmpty() ? 0 : all.get(all.size() - 1);
  }

  /** Every audit sequence after {@code after}, in order, read from the database. */
  private static List<Long> sequencesAfter(String database, long after) throws SQLException {
    List<Long> out = new ArrayList<>();
    try (Connection c = postgres.dataSource(database).getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT seq FROM registry_audit WHERE seq > " + after + " ORDER BY seq")) {
      while (rs.next()) {
        out.add(rs.getLong(1));
      }
    }
    return out;
  }

  private static void terminate(String database, int pid) throws SQLException {
    try (Connection c = postgres.dataSource(database).getConnection();
        Statement s = c.createStatement()) {
      s.execute("SELECT pg_terminate_backend(" + pid + ")");
    }
  }

  private static long listenerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("mlops4j-registry-listener") && t.isAlive())
        .count();
  }

  /** Waits until {@code condition} holds; the deadline is a safety net, not a timing. */
  private static void awaitTrue(BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SAFETY_NET_SECONDS);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as("safety net").isNegative();
      LockSupport.parkNanos(1_000_000);
    }
  }

  /** A DataSource whose connections refuse to commit: they roll back and throw instead. */
  private static DataSource commitRefusing(HikariDataSource pool, AtomicBoolean refuse) {
    return (DataSource)
        Proxy.newProxyInstance(
            DataSource.class.getClassLoader(),
            new Class<?>[] {DataSource.class},
            (proxy, method, args) -> {
              Object result = invoke(method, pool, args);
              if (result instanceof Connection c) {
                return refusingCommits(c, refuse);
              }
              return result;
            });
  }

  private static Connection refusingCommits(Connection c, AtomicBoolean refuse) {
    return (Connection)
        Proxy.newProxyInstance(
            Connection.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) -> {
              if (method.getName().equals("commit") && refuse.get()) {
                c.rollback();
                throw new SQLException("commit refused by the test", "08000");
              }
              return invoke(method, c, args);
            });
  }

  private static Object invoke(java.lang.reflect.Method m, Object target, Object[] args)
      throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
