package io.github.mlops4j.registry;

import io.github.mlops4j.store.Store;
import io.github.mlops4j.store.internal.StoreAccess;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears registry changes pushed by PostgreSQL: every transaction that writes audit entries sends a
 * {@code NOTIFY} on {@link #CHANNEL} (see {@link RegistryDao#audit}), delivered when it commits and
 * dropped when it rolls back. This listener's thread holds one connection from the store's {@code
 * DataSource} for as long as it runs, {@code LISTEN}s on it and, whenever a notification arrives,
 * runs the change watcher's poll.
 *
 * <p>The poll stays the only source of truth: a notification carries no change, it only says "look
 * now", so a change is never announced twice or lost whatever notifications arrive, repeat or go
 * missing. After (re)connecting and {@code LISTEN}ing, the listener polls once, which catches up
 * what was committed while it was not listening. When the connection breaks, the listener
 * reconnects with exponential backoff (100 ms doubling up to 30 s); the watcher's timed poll keeps
 * running meanwhile. A connection that is not pgjdbc's (it does not unwrap to {@link PGConnection})
 * is logged once and the listener stops: the registry polls as before.
 *
 * <p>Only loaded on PostgreSQL, so that pgjdbc stays an optional dependency. Thread-safe.
 */
final class PgChangeListener implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PgChangeListener.class);

  /** The notification channel of registry changes (one per database). */
  static final String CHANNEL = "mlops4j_registry";

  /** How long one wait for notifications lasts; bounds how long {@link #close()} waits. */
  private static final int WAIT_MILLIS = 250;

  private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  /** How long the listener goes without a notification before it checks its connection. */
  static final Duration KEEPALIVE = Duration.ofSeconds(30);

  /** SQLState of a statement refused in a read-only transaction (a hot standby refuses LISTEN). */
  private static final String READ_ONLY_TRANSACTION = "25006";

  private final Store store;
  private final BooleanSupplier poll;
  private final Thread thread;
  private final CountDownLatch stop = new CountDownLatch(1);
  private volatile boolean closed;
  private volatile int backendPid = -1;

  /** Whether the last attempt failed (listener thread only). */
  private boolean failing;

  /**
   * Whether listening worked since the last failure: LISTEN and the catch-up poll after it
   * succeeded (listener thread only). Until then failures keep backing off.
   */
  private boolean listenedSinceFailure;

  /**
   * Thrown inside the listening work when listening cannot work on this database: the connection is
   * not pgjdbc's, or the server refuses {@code LISTEN} (a read-only hot standby).
   */
  private static final class CannotListen extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CannotListen(String message) {
      super(message, null, false, false);
    }
  }

  private PgChangeListener(Store store, BooleanSupplier poll) {
    this.store = store;
    this.poll = poll;
    this.thread = new Thread(this::run, "mlops4j-registry-listener");
    thread.setDaemon(true);
  }

  /**
   * Starts listening on a daemon thread.
   *
   * @param poll runs on every notification; returns false when it failed, and the listener then
   *     reconnects and polls again, so that a notified change is not left to the timed poll
   */
  static PgChangeListener start(Store store, BooleanSupplier poll) {
    PgChangeListener listener = new PgChangeListener(store, poll);
    listener.thread.start();
    return listener;
  }

  /** The PostgreSQL backend process of the listening connection, -1 when not listening. */
  int backendPid() {
    return backendPid;
  }

  private void run() {
    Duration backoff = FIRST_BACKOFF;
    while (!closed) {
      try {
        StoreAccess.read(store, this::listen);
        return; // closed
      } catch (CannotListen e) {
        LOG.info("{}; registry changes are found by polling only", e.getMessage());
        return;
      } catch (LinkageError e) {
        LOG.info(
            "pgjdbc (org.postgresql.jdbc) is not readable by the registry ({}); registry changes"
                + " are found by polling only",
            e.toString());
        return;
      } catch (RuntimeException e) {
        backendPid = -1;
        if (closed) {
          return;
        }
        if (listenedSinceFailure) { // it worked for a while: a new outage
          listenedSinceFailure = false;
          failing = false;
          backoff = FIRST_BACKOFF;
        }
        if (failing) {
          LOG.debug("Listening for registry changes failed again: {}", e.toString());
        } else {
          LOG.warn(
              "Listening for registry changes failed ({}); polling until the connection is back",
              e.toString());
          failing = true;
        }
      }
      try {
        if (stop.await(backoff.toMillis(), TimeUnit.MILLISECONDS)) {
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      Duration doubled = backoff.multipliedBy(2);
      backoff = doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
    }
  }

  /** Listens on {@code c} until closed; throws when the connection fails. */
  private @Nullable Void listen(Connection c) throws SQLException {
    if (!c.isWrapperFor(PGConnection.class)) {
      throw new CannotListen(
          "The registry's DataSource hands out connections that are not pgjdbc's ("
              + c.getClass().getName()
              + ")");
    }
    PGConnection pg = c.unwrap(PGConnection.class);
    try (Statement s = c.createStatement()) {
      s.execute("LISTEN " + CHANNEL);
    } catch (SQLException e) {
      if (READ_ONLY_TRANSACTION.equals(e.getSQLState())) {
        rollbackQuietly(c);
        throw new CannotListen(
            "The registry's database refuses LISTEN (SQLState 25006, a read-only hot standby?)");
      }
      throw e;
    }
    if (!c.getAutoCommit()) {
      c.commit(); // LISTEN takes effect on commit
    }
    try {
      backendPid = pg.getBackendPID();
      if (failing) {
        LOG.info("Listening for registry changes again (backend {})", backendPid);
      } else {
        LOG.debug("Listening for registry changes on backend {}", backendPid);
      }
      pollOrFail(); // what was committed while nobody listened
      listenedSinceFailure = true; // only once a poll worked: a failing poll keeps the backoff
      long lastHeard = System.nanoTime();
      while (!closed) {
        if (pg.getNotifications(WAIT_MILLIS).length > 0) {
          lastHeard = System.nanoTime();
          if (!closed) {
            pollOrFail();
          }
        } else if (System.nanoTime() - lastHeard >= KEEPALIVE.toNanos()) {
          keepAlive(c); // reading alone never notices a peer that is gone
          lastHeard = System.nanoTime();
        }
      }
    } catch (SQLException e) {
      markBroken(c, e);
      throw e;
    } catch (RuntimeException e) {
      try {
        unlisten(c); // the connection is fine: it goes back to the pool
      } catch (SQLException u) {
        e.addSuppressed(u);
      }
      throw e;
    } finally {
      backendPid = -1;
    }
    unlisten(c);
    return null;
  }

  /**
   * Stops listening on {@code c} before it goes back to the host's pool: a pooled connection that
   * still listened would collect notifications that nobody reads.
   */
  private static void unlisten(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("UNLISTEN " + CHANNEL);
    }
    if (!c.getAutoCommit()) {
      c.commit();
    }
  }

  /**
   * Sends a statement on the listening connection: waiting for notifications only reads, and a read
   * on a socket whose peer is gone without a word waits forever, while a write fails (at the latest
   * when the operating system's TCP retransmission gives up), which makes the listener reconnect.
   */
  private static void keepAlive(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SELECT 1");
    }
    if (!c.getAutoCommit()) {
      c.commit();
    }
  }

  private static void rollbackQuietly(Connection c) {
    try {
      if (!c.getAutoCommit()) {
        c.rollback();
      }
    } catch (SQLException e) {
      LOG.debug("Rolling back the refused LISTEN failed: {}", e.toString());
    }
  }

  private void pollOrFail() {
    if (!poll.getAsBoolean() && !closed) {
      throw new IllegalStateException("the poll for registry changes failed");
    }
  }

  /**
   * Runs a statement through the pool's own connection object, so that a pool that watches its
   * connections' errors (HikariCP) sees the broken connection and evicts it instead of handing it
   * out again: the failure came from the unwrapped driver connection, which the pool does not see.
   */
  private static void markBroken(Connection c, SQLException cause) {
    try (Statement s = c.createStatement()) {
      s.execute("SELECT 1");
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  /** Stops the thread and returns its connection; waits up to 5 seconds. */
  @Override
  public void close() {
    closed = true;
    stop.countDown();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LOG.warn("The registry's change listener did not stop within 5 s");
    }
  }
}
