package io.github.mlops4j.testing;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * A real DataSource that can hold a chosen thread when it next closes (or commits on) a connection:
 * after that thread's statements ran, before their result reaches its caller (or before its
 * transaction commits). Tests use it to put a change exactly between a read and the use of its
 * answer, or between a transaction's writes and its commit. {@link #sqlite} gives a SQLite file
 * configured as the embedded store configures its pool (WAL), opening a connection per {@link
 * #getConnection()}. Shared with other modules' tests through mlops-core's test jar.
 */
public final class PausingDataSource implements DataSource {
  /** Safety net for waits that only time out when the code under test is broken. */
  private static final long SAFETY_SECONDS = 60;

  private final DataSource delegate;
  private volatile Predicate<Thread> paused = t -> false;
  private volatile String pausedMethod = "close";
  private volatile CountDownLatch read = new CountDownLatch(1);
  private volatile CountDownLatch resume = new CountDownLatch(1);

  /** Wraps {@code delegate}. */
  public PausingDataSource(DataSource delegate) {
    this.delegate = delegate;
  }

  /** A data source for the SQLite database file {@code file} (created if missing). */
  public static PausingDataSource sqlite(Path file) {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    config.setBusyTimeout(10_000);
    config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    config.enableCaseSensitiveLike(true);
    SQLiteDataSource sqlite = new SQLiteDataSource(config);
    sqlite.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
    return new PausingDataSource(sqlite);
  }

  /** The next connection {@code thread} closes waits in {@code close()} until {@link #resume}. */
  public void pauseNextClose(Thread thread) {
    pauseNextClose(t -> t == thread);
  }

  /** The next connection closed by a thread matching {@code which} waits until resumed. */
  public void pauseNextClose(Predicate<Thread> which) {
    pauseNext("close", which);
  }

  /** The next commit by {@code thread} waits, before it reaches the database, until resumed. */
  public void pauseNextCommit(Thread thread) {
    pauseNext("commit", t -> t == thread);
  }

  private synchronized void pauseNext(String method, Predicate<Thread> which) {
    read = new CountDownLatch(1);
    resume = new CountDownLatch(1);
    pausedMethod = method;
    paused = which;
  }

  /** Waits (bounded, as a safety net) until the paused thread has reached its pause. */
  public void awaitRead() throws InterruptedException {
    if (!read.await(SAFETY_SECONDS, TimeUnit.SECONDS)) {
      throw new AssertionError("no matching thread reached the pause");
    }
  }

  /** Lets the paused thread go on, and disarms a pause that did not happen yet. */
  public synchronized void resume() {
    paused = t -> false;
    resume.countDown();
  }

  private void maybePause(String method) throws InterruptedException {
    CountDownLatch r;
    CountDownLatch go;
    synchronized (this) {
      if (!method.equals(pausedMethod) || !paused.test(Thread.currentThread())) {
        return;
      }
      paused = t -> false;
      r = read;
      go = resume;
    }
    r.countDown();
    if (!go.await(SAFETY_SECONDS, TimeUnit.SECONDS)) {
      throw new AssertionError("a paused connection was never resumed");
    }
  }

  @Override
  public Connection getConnection() throws SQLException {
    Connection c = delegate.getConnection();
    return (Connection)
        Proxy.newProxyInstance(
            Connection.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) -> {
              maybePause(method.getName());
              try {
                return method.invoke(c, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return getConnection();
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {}

  @Override
  public void setLoginTimeout(int seconds) {}

  @Override
  public int getLoginTimeout() {
    return 0;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    throw new SQLException("not a wrapper");
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return false;
  }
}
