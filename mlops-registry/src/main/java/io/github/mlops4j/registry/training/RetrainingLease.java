package io.github.mlops4j.registry.training;

import io.github.mlops4j.store.Store;
import io.github.mlops4j.store.internal.Dialect;
import io.github.mlops4j.store.internal.Sql;
import io.github.mlops4j.store.internal.StoreAccess;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The retraining lease of one model: a row of table {@code retraining_leases} (registry schema
 * version 4) in the registry's store, taken, renewed and released in transactions with times of the
 * loop's clock, so that one replica at a time retrains the model. An acquisition is identified by a
 * token of its own, so two loops that share a holder name (one process) still exclude each other.
 */
final class RetrainingLease {
  /** The longest holder name a builder accepts. */
  static final int MAX_HOLDER_LENGTH = 1000;

  private static final int MESSAGE_HOLDER_LENGTH = 100;

  /** How many characters of a stored string are read: one more than a message shows. */
  static final int READ_LENGTH = MESSAGE_HOLDER_LENGTH + 1;

  private final Store store;
  private final String model;
  private final String holder;
  private final Duration ttl;

  RetrainingLease(Store store, String model, String holder, Duration ttl) {
    this.store = Objects.requireNonNull(store, "store");
    this.model = Objects.requireNonNull(model, "model");
    this.holder = Objects.requireNonNull(holder, "holder");
    this.ttl = Objects.requireNonNull(ttl, "ttl");
  }

  /**
   * The row as read inside a transaction. Stored strings are read cut to {@link #READ_LENGTH}
   * characters, with their full lengths, so that a hand-edited huge value costs no huge allocation.
   */
  record Row(
      @Nullable Name holder,
      @Nullable String token,
      @Nullable Instant acquired,
      @Nullable Instant expires,
      @Nullable Instant lastStart,
      @Nullable Name lastHolder) {

    /** Whether an acquisition holds the lease at {@code now}. */
    boolean heldAt(Instant now) {
      return token != null && expires != null && expires.isAfter(now);
    }

    /** "replica 'x' (lease held since A, until B)"; the holder is quoted and bounded. */
    String describeHolder() {
      return "replica "
          + (holder == null ? "'(unknown)'" : holder.quoted())
          + " (lease held since "
          + acquired
          + ", until "
          + expires
          + ")";
    }
  }

  /**
   * A holder name as read from the row: its first {@link #READ_LENGTH} characters at most and its
   * full length in characters, as the database counts them.
   */
  record Name(String prefix, long length) {
    /** The name quoted for a message, as {@link #quote(String)} does. */
    String quoted() {
      return quote(prefix, length);
    }
  }

  /** What {@link #acquire} found. */
  sealed interface Acquisition {}

  /** The lease is ours until {@code expires}; {@code previous} is the row before. */
  record Acquired(String token, Instant expires, Row previous) implements Acquisition {}

  /** Another acquisition holds the lease. */
  record Held(Row row) implements Acquisition {}

  /** A retraining (of any loop) started less than the minimum interval ago. */
  record TooSoon(Instant lastStart, @Nullable Name lastHolder) implements Acquisition {}

  /**
   * Takes the lease at {@code now} unless an unexpired acquisition holds it, or a retraining
   * started less than {@code minInterval} before {@code now}, whichever loop started it: another
   * replica, or an earlier process under the same holder name (a restarted pod). On success the row
   * records {@code now} as the latest start.
   */
  Acquisition acquire(String token, Instant now, Duration minInterval) {
    return StoreAccess.write(
        store,
        c -> {
          Sql.update(
              c,
              "INSERT INTO retraining_leases (model) VALUES (?) ON CONFLICT (model) DO NOTHING",
              model);
          Row row = lockedRow(c);
          if (row.heldAt(now)) {
            return new Held(row);
          }
          Instant last = row.lastStart();
          if (last != null && now.isBefore(last.plus(minInterval))) {
            return new TooSoon(last, row.lastHolder());
          }
          Instant expires = now.plus(ttl);
          Sql.update(
              c,
              "UPDATE retraining_leases SET holder = ?, token = ?, acquired_time = ?,"
                  + " expiry_time = ?, last_start = ?, last_holder = ? WHERE model = ?",
              holder,
              token,
              now.toEpochMilli(),
              expires.toEpochMilli(),
              now.toEpochMilli(),
              holder,
              model);
          return new Acquired(token, expires, row);
        });
  }

  /**
   * Extends the acquisition {@code token} to {@code now} + TTL. Returns null when it still held the
   * lease (an expired lease that nobody took counts as held), or the row as it is now when the
   * lease was taken by another acquisition or cleared.
   */
  @Nullable Row renew(String token, Instant now) {
    return StoreAccess.write(
        store,
        c -> {
          int renewed =
              Sql.update(
                  c,
                  "UPDATE retraining_leases SET expiry_time = ? WHERE model = ? AND token = ?",
                  now.plus(ttl).toEpochMilli(),
                  model,
                  token);
          return renewed == 1 ? null : lockedRow(c);
        });
  }

  /** Gives up the acquisition {@code token}; a no-op when another acquisition holds the lease. */
  void release(String token) {
    StoreAccess.write(
        store,
        c ->
            Sql.update(
                c,
                "UPDATE retraining_leases SET holder = NULL, token = NULL, acquired_time = NULL,"
                    + " expiry_time = NULL WHERE model = ? AND token = ?",
                model,
                token));
  }

  /**
   * The model's row, locked for the transaction on PostgreSQL; an empty row if there is none.
   * Strings are cut in SQL to {@link #READ_LENGTH} characters.
   */
  private Row lockedRow(Connection c) throws SQLException {
    String sql =
        "SELECT substr(holder, 1, ?), length(holder), substr(token, 1, ?), acquired_time,"
            + " expiry_time, last_start, substr(last_holder, 1, ?), length(last_holder)"
            + " FROM retraining_leases WHERE model = ?"
            + (StoreAccess.dialect(store) == Dialect.POSTGRESQL ? " FOR UPDATE" : "");
    try (PreparedStatement p = c.prepareStatement(sql)) {
      p.setInt(1, READ_LENGTH);
      p.setInt(2, READ_LENGTH);
      p.setInt(3, READ_LENGTH);
      p.setString(4, model);
      try (ResultSet rs = p.executeQuery()) {
        if (!rs.next()) {
          return new Row(null, null, null, null, null, null);
        }
        return new Row(
            name(rs, 1),
            rs.getString(3),
            instant(rs, 4),
            instant(rs, 5),
            instant(rs, 6),
            name(rs, 7));
      }
    }
  }

  private static @Nullable Name name(ResultSet rs, int column) throws SQLException {
    String prefix = rs.getString(column);
    long length = rs.getLong(column + 1);
    return prefix == null ? null : new Name(prefix, Math.max(length, prefix.length()));
  }

  private static @Nullable Instant instant(ResultSet rs, int column) throws SQLException {
    long millis = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
  }

  /**
   * The default holder name: the host name and the process id, {@code host/pid}. Falls back to
   * {@code unknown-host} when the host name cannot be resolved.
   */
  static String defaultHolder() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException | SecurityException e) {
      host = "unknown-host";
    }
    return host + "/" + ProcessHandle.current().pid();
  }

  /**
   * A holder name quoted for a message: at most 100 characters, control, format and separator
   * characters escaped as {@code \}{@code uXXXX}, the full length when cut.
   */
  static String quote(String name) {
    return quote(name, name.length());
  }

  /**
   * Like {@link #quote(String)} for a name of which only {@code prefix} was read; {@code length} is
   * the full name's.
   */
  static String quote(String prefix, long length) {
    String name = prefix;
    StringBuilder b = new StringBuilder("'");
    int n = Math.min(name.length(), MESSAGE_HOLDER_LENGTH);
    for (int i = 0; i < n; i++) {
      char c = name.charAt(i);
      int type = Character.getType(c);
      if (type == Character.CONTROL
          || type == Character.FORMAT
          || type == Character.LINE_SEPARATOR
          || type == Character.PARAGRAPH_SEPARATOR
          || Character.isSurrogate(c)) {
        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    b.append('\'');
    if (Math.max(length, name.length()) > n) {
      b.append("… (").append(Math.max(length, name.length())).append(" characters)");
    }
    return b.toString();
  }
}
