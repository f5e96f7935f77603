package io.github.mlops4j.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Work done with a store connection, inside a transaction for {@link Store#write} or in
 * auto-commit mode for {@link Store#read}.
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface SqlWork<T> {
  T run(Connection connection) throws SQLException;
}
