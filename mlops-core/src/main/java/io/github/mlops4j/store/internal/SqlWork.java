package io.github.mlops4j.store.internal;

import java.sql.Connection;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * Work done with a store connection, inside a transaction for {@link StoreAccess#write} or in
 * auto-commit mode for {@link StoreAccess#read}.
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface SqlWork<T extends @Nullable Object> {
  T run(Connection connection) throws SQLException;
}
