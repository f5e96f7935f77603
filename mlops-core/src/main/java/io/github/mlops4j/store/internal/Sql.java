package io.github.mlops4j.store.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import org.jspecify.annotations.Nullable;

/**
 * Small JDBC helpers shared by the services' data access code: positional parameters of the types
 * the schemas use (String, Integer, Long, Double, byte[], java.sql.Array, null), row iteration and
 * IN lists.
 */
public final class Sql {
  private Sql() {}

  /** Receives one row of a query. */
  @FunctionalInterface
  public interface Row {
    void accept(ResultSet rs) throws SQLException;
  }

  /** Runs a query, calling {@code row} for each result row. */
  public static void query(Connection c, String sql, @Nullable Object[] args, Row row)
      throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      bind(p, args);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          row.accept(rs);
        }
      }
    }
  }

  /** Runs an insert, update or delete; returns the number of rows it changed. */
  public static int update(Connection c, String sql, @Nullable Object... args) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      bind(p, args);
      return p.executeUpdate();
    }
  }

  /** {@code (?, ?, ..., ?)} with {@code n} placeholders. */
  public static String inList(int n) {
    StringBuilder b = new StringBuilder(n * 3 + 2).append('(');
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "?" : ", ?");
    }
    return b.append(')').toString();
  }

  /** Binds {@code args} to the statement's parameters 1..n. */
  public static void bind(PreparedStatement p, @Nullable Object[] args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      if (a == null) {
        p.setNull(i + 1, Types.NULL);
      } else if (a instanceof String s) {
        p.setString(i + 1, s);
      } else if (a instanceof Long l) {
        p.setLong(i + 1, l);
      } else if (a instanceof Integer n) {
        p.setInt(i + 1, n);
      } else if (a instanceof Double d) {
        p.setDouble(i + 1, d);
      } else if (a instanceof byte[] bytes) {
        p.setBytes(i + 1, bytes);
      } else if (a instanceof java.sql.Array array) {
        p.setArray(i + 1, array);
      } else {
        throw new IllegalArgumentException("Unsupported SQL parameter type " + a.getClass());
      }
    }
  }
}
