package io.github.mlops4j.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.pool.HikariPool;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The embedded database's connection pool: a HikariCP {@link HikariPool} behind a minimal {@link
 * DataSource}. Used instead of {@code HikariDataSource}, which logs "Starting...", "Start
 * completed.", "Shutdown initiated..." and "Shutdown completed." at INFO on every open and close;
 * with no idle minimum the pool's fail-fast check (which still opens one connection when the pool
 * is built, so a bad database fails at open) does not log "Added connection" either. Connections
 * are created on demand and kept while in use or idle (up to HikariCP's idle timeout).
 */
final class EmbeddedPool implements DataSource, AutoCloseable {
  private final HikariPool pool;

  /**
   * Builds the pool and opens one connection to check the database.
   *
   * @throws RuntimeException (HikariCP's {@code PoolInitializationException}) if that fails
   */
  EmbeddedPool(HikariConfig config) {
    config.setMinimumIdle(0);
    config.validate();
    this.pool = new HikariPool(config);
  }

  @Override
  public Connection getConnection() throws SQLException {
    return pool.getConnection();
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("The embedded pool takes no credentials");
  }

  /** Closes every connection and stops the pool's threads. */
  @Override
  public void close() {
    try {
      pool.shutdown();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public PrintWriter getLogWriter() {
    return new PrintWriter(java.io.Writer.nullWriter());
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
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw new SQLException("Not a wrapper for " + iface.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }
}
