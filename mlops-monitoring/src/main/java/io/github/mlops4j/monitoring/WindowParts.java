package io.github.mlops4j.monitoring;

import io.github.mlops4j.monitoring.profile.Profile;
import io.github.mlops4j.monitoring.profile.ProfileAccumulator;
import io.github.mlops4j.monitoring.profile.ProfileFormatException;
import io.github.mlops4j.monitoring.profile.ProfileSchema;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.store.internal.Sql;
import io.github.mlops4j.store.internal.StoreAccess;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicas' parts of shared time windows in the workspace store (table {@code
 * monitor_window_parts}, component {@value #COMPONENT}): each replica upserts its cumulative
 * profile of the open window, then its final profile when the window closes; the evaluation reads
 * every replica's part of a window and merges them in replica-id order. A stored part is untrusted
 * input: it is read only through {@link Profile#fromBytes} (JSON and DataSketches images, nothing
 * is deserialized as Java objects), only up to a size limit, and a part that is not a profile of
 * this monitor's schema and window length, or whose replica id is too long, is left out, logged and
 * counted, without failing the other parts. The upsert never replaces a part with one of fewer
 * rows, nor a final part with a cumulative one, so writes that commit out of order cannot make a
 * part shrink.
 */
final class WindowParts {
  /** Logs under the {@link Monitor}'s name: users configure one logger for the monitor. */
  private static final Logger LOG = LoggerFactory.getLogger(Monitor.class);

  static final String COMPONENT = "monitoring";
  static final int SCHEMA_VERSION = 1;
  static final String MIGRATIONS = "/io/github/mlops4j/monitoring/migrations";

  /** Most parts read for one window; more replicas than this are left out (and logged). */
  static final int MAX_PARTS = 1024;

  /** Longest replica id read back (the builder's limit); longer stored ids are rejected. */
  static final int MAX_REPLICA_CHARS = 100;

  private static final String UPSERT =
      "INSERT INTO monitor_window_parts (model, window_start, replica, window_end, rows_profiled,"
          + " final, updated_time, profile) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (model, window_start, replica) DO UPDATE SET"
          + " window_end = excluded.window_end, rows_profiled = excluded.rows_profiled,"
          + " final = excluded.final, updated_time = excluded.updated_time,"
          + " profile = excluded.profile"
          // a part never shrinks: flushes that commit out of order keep the larger part, and a
          // late cumulative write never replaces the final part
          + " WHERE excluded.rows_profiled >= monitor_window_parts.rows_profiled"
          + " AND (monitor_window_parts.final = 0 OR excluded.final = 1)";

  private static final String SELECT =
      "SELECT final, rows_profiled, window_end, length(profile),"
          + " CASE WHEN length(profile) <= ? THEN profile ELSE NULL END"
          + " FROM monitor_window_parts WHERE model = ? AND window_start = ? AND replica = ?";

  private final Store store;
  private final String model;
  private final String replica;
  private final ProfileSchema schema;
  private final int maxPartBytes;
  private final long retentionMillis;

  /** Start of the last window whose part was logged as too large; one line per window. */
  private final AtomicLong oversizeLogged = new AtomicLong(Long.MIN_VALUE);

  /** How many too-large parts were logged; read by tests. */
  private final AtomicLong oversizeWarnings = new AtomicLong();

  WindowParts(
      Store store,
      String model,
      String replica,
      ProfileSchema schema,
      int maxPartBytes,
      long retentionMillis) {
    this.store = store;
    this.model = model;
    this.replica = replica;
    this.schema = schema;
    this.maxPartBytes = maxPartBytes;
    this.retentionMillis = retentionMillis;
    StoreAccess.migrate(store, COMPONENT, SCHEMA_VERSION, MIGRATIONS);
  }

  String replica() {
    return replica;
  }

  /**
   * Writes this replica's part of a window: cumulative ({@code last == false}) or final. A final
   * write also removes every replica's parts of windows of this model that started more than the
   * retention before this one.
   */
  void write(long start, long end, Profile part, boolean last, long now) {
    byte[] bytes = part.toBytes();
    if (bytes.length > maxPartBytes && oversizeLogged.getAndSet(start) != start) {
      oversizeWarnings.incrementAndGet();
      LOG.warn(
          "Monitor '{}': this replica's part of the window starting at {} takes {} bytes, more than"
              + " the {} that replicas read back: the others will leave it out (logged once per"
              + " window)",
          model,
          Instant.ofEpochMilli(start),
          bytes.length,
          maxPartBytes);
    }
    StoreAccess.write(
        store,
        c -> {
          Sql.update(c, UPSERT, model, start, replica, end, part.rows(), last ? 1 : 0, now, bytes);
          if (last) {
            Sql.update(
                c,
                "DELETE FROM monitor_window_parts WHERE model = ? AND window_start < ?",
                model,
                start - retentionMillis);
          }
          return null;
        });
  }

  long oversizeWarnings() {
    return oversizeWarnings.get();
  }

  /** What the evaluation of a shared window found: the merged profile and where it came from. */
  record Merged(Profile profile, ReplicaParts parts) {}

  // read once, right after the query; never compared or hashed
  @SuppressWarnings("ArrayRecordComponent")
  private record Part(boolean last, long rows, long end, long length, byte @Nullable [] bytes) {}

  /** A replica id as listed: at most {@link #MAX_REPLICA_CHARS} + 1 characters, and its length. */
  private record Id(String prefix, long length) {}

  /**
   * Reads every replica's part of the window [{@code start}, {@code end}) and merges them in
   * replica-id order. The parts are read one at a time, so memory holds at most one stored part (up
   * to the size limit) beside the merge; replica ids are read cut to {@link #MAX_REPLICA_CHARS} + 1
   * characters, and a part whose id is longer, or whose window ends elsewhere (a replica configured
   * with another window length), is rejected.
   */
  Merged read(long start, long end) {
    List<Id> replicas =
        StoreAccess.read(
            store,
            c -> {
              List<Id> out = new ArrayList<>();
              Sql.query(
                  c,
                  "SELECT substr(replica, 1, ?), length(replica) FROM monitor_window_parts"
                      + " WHERE model = ? AND window_start = ? ORDER BY replica LIMIT ?",
                  new Object[] {MAX_REPLICA_CHARS + 1, model, start, MAX_PARTS + 1},
                  rs -> out.add(new Id(rs.getString(1), rs.getLong(2))));
              return out;
            });
    if (replicas.size() > MAX_PARTS) {
      LOG.warn(
          "Monitor '{}': window starting at {} has more than {} replica parts; only the first {}"
              + " are merged",
          model,
          Instant.ofEpochMilli(start),
          MAX_PARTS,
          MAX_PARTS);
      replicas = replicas.subList(0, MAX_PARTS);
    }
    replicas = new ArrayList<>(replicas);
    replicas.sort(Comparator.comparing(Id::prefix)); // the database's collation may differ
    ProfileAccumulator merged = ProfileAccumulator.create(schema);
    List<String> counted = new ArrayList<>();
    List<String> notFinal = new ArrayList<>();
    List<String> rejected = new ArrayList<>();
    for (Id id : replicas) {
      String replica = id.prefix();
      if (id.length() > MAX_REPLICA_CHARS) {
        // listed cut, with its stored length: the full id is never read
        replica =
            printable(replica.substring(0, Math.min(replica.length(), MAX_REPLICA_CHARS)))
                + "... ("
                + id.length()
                + " chars)";
        rejected.add(replica);
        LOG.warn(
            "Monitor '{}': a part of the window starting at {} is left out: its replica id '{}'"
                + " has {} characters, more than {}",
            model,
            Instant.ofEpochMilli(start),
            replica,
            id.length(),
            MAX_REPLICA_CHARS);
        continue;
      }
      Part p = part(start, replica);
      if (p == null) {
        continue; // removed since the list was read
      }
      String reason = null;
      Profile profile = null;
      byte[] bytes = p.bytes();
      if (p.end() != end) {
        reason =
            "its window ends at "
                + Instant.ofEpochMilli(p.end())
                + ", not at "
                + Instant.ofEpochMilli(end)
                + " (another window length)";
      } else if (bytes == null) {
        reason = p.length() + " bytes, larger than the limit of " + maxPartBytes;
      } else {
        try {
          profile = Profile.fromBytes(bytes);
          if (!profile.schema().equals(schema)) {
            reason =
                "its schema " + printable(profile.schema().toString()) + " is not the monitor's";
          } else if (profile.rows() != p.rows()) {
            reason = "it holds " + profile.rows() + " rows but its row says " + p.rows();
          } else {
            merged.merge(profile); // nothing is merged if it throws
          }
        } catch (ProfileFormatException | IllegalArgumentException e) {
          reason = printable(String.valueOf(e.getMessage()));
        }
      }
      if (reason != null) {
        rejected.add(replica);
        LOG.warn(
            "Monitor '{}': the part of replica '{}' of the window starting at {} is left out: {}",
            model,
            printable(replica),
            Instant.ofEpochMilli(start),
            reason);
        continue;
      }
      counted.add(replica);
      if (!p.last()) {
        notFinal.add(replica);
      }
    }
    Profile profile = merged.take();
    return new Merged(profile, new ReplicaParts(counted, notFinal, rejected, profile.rows()));
  }

  private @Nullable Part part(long start, String replica) {
    return StoreAccess.read(
        store,
        c -> {
          List<Part> out = new ArrayList<>(1);
          Sql.query(
              c,
              SELECT,
              new Object[] {(long) maxPartBytes, model, start, replica},
              rs ->
                  out.add(
                      new Part(
                          rs.getInt(1) != 0,
                          rs.getLong(2),
                          rs.getLong(3),
                          rs.getLong(4),
                          rs.getBytes(5))));
          return out.isEmpty() ? null : out.get(0);
        });
  }

  /** A stored value for a log line: control characters replaced, cut to 100 characters. */
  static String printable(String s) {
    return Monitor.cut(s.replaceAll("\\p{Cntrl}", "?"));
  }
}
