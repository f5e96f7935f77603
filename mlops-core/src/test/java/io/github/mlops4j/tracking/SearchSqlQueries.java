package io.github.mlops4j.tracking;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Runs {@link SearchSql} fragments against a {@code runs} table, for the tests of the search. */
final class SearchSqlQueries {
  private SearchSqlQueries() {}

  /** The run ids {@code where} selects, in {@code orderBy}'s order, then {@code suffix} applied. */
  static List<String> runIds(
      Connection c, SearchSql.Fragment where, SearchSql.Fragment orderBy, String suffix)
      throws SQLException {
    String sql =
        "SELECT r.run_id FROM runs r WHERE " + where.sql() + " ORDER BY " + orderBy.sql() + suffix;
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      for (Object p : where.params()) {
        ps.setObject(i++, p);
      }
      for (Object p : orderBy.params()) {
        ps.setObject(i++, p);
      }
      List<String> ids = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
      return ids;
    }
  }

  /** The run ids {@link SearchSql#search}'s FROM list and WHERE expression select, in order. */
  static List<String> runIds(Connection c, SearchSql.Search search, SearchSql.Fragment orderBy)
      throws SQLException {
    String sql =
        "SELECT r.run_id FROM "
            + search.from().sql()
            + " WHERE "
            + search.where().sql()
            + " ORDER BY "
            + orderBy.sql();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      for (Object p : search.from().params()) {
        ps.setObject(i++, p);
      }
      for (Object p : search.where().params()) {
        ps.setObject(i++, p);
      }
      for (Object p : orderBy.params()) {
        ps.setObject(i++, p);
      }
      List<String> ids = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
      return ids;
    }
  }
}
