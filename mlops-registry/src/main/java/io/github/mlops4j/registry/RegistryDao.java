package io.github.mlops4j.registry;

import io.github.mlops4j.store.Store;
import io.github.mlops4j.store.internal.Dialect;
import io.github.mlops4j.store.internal.Sql;
import io.github.mlops4j.store.internal.StoreAccess;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/** SQL of the registry schema. Methods taking a Connection run inside the caller's transaction. */
final class RegistryDao {
  static final String COMPONENT = "registry";
  static final int SCHEMA_VERSION = 4;
  static final String MIGRATIONS = "/io/github/mlops4j/registry/migrations";

  private final Store store;

  RegistryDao(Store store) {
    this.store = store;
  }

  Store store() {
    return store;
  }

  // ---------------------------------------------------------------- models

  /**
   * Locks the model's row for the rest of the transaction (PostgreSQL; SQLite write transactions
   * are already exclusive) and says whether the model exists.
   */
  boolean lockModel(Connection c, String name) throws SQLException {
    String sql =
        "SELECT name FROM registered_models WHERE name = ?"
            + (StoreAccess.dialect(store) == Dialect.POSTGRESQL ? " FOR UPDATE" : "");
    try (PreparedStatement p = c.prepareStatement(sql)) {
      p.setString(1, name);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next();
      }
    }
  }

  /**
   * Inserts the model unless it exists; true if it was created. The name's {@link ModelNames#key}
   * goes into the unique column {@code name_key}: a model whose name differs only by case, inserted
   * by a concurrent transaction, makes this throw a unique-constraint violation ({@link
   * #isNameKeyConflict}).
   */
  boolean insertModel(Connection c, String name, String description, long now) throws SQLException {
    return Sql.update(
            c,
            "INSERT INTO registered_models (name, name_key, description,"
                + " creation_time, last_updated_time) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING",
            name,
            ModelNames.key(name),
            description,
            now,
            now)
        == 1;
  }

  /**
   * The name of another model whose name has the same {@link ModelNames#key} as {@code name}, or
   * null. Rows of older schemas whose key is still NULL (names that already clashed) are compared
   * by computing their key.
   */
  @Nullable String caseTwin(Connection c, String name) throws SQLException {
    String key = ModelNames.key(name);
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT name, name_key FROM registered_models"
                + " WHERE (name_key = ? OR name_key IS NULL) AND name <> ? ORDER BY creation_time, name")) {
      p.setString(1, key);
      p.setString(2, name);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          String other = rs.getString(1);
          String otherKey = rs.getString(2);
          if (key.equals(otherKey != null ? otherKey : ModelNames.key(other))) {
            return other;
          }
        }
      }
    }
    return null;
  }

  /**
   * Whether {@code e} is the violation of the unique {@code name_key} column (a concurrent
   * transaction created a model whose name differs only by case).
   */
  static boolean isNameKeyConflict(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s) {
        String state = String.valueOf(s.getSQLState());
        boolean unique = state.equals("23505") || (s.getErrorCode() & 0xff) == 19;
        if (unique && String.valueOf(s.getMessage()).contains("name_key")) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Whether some model row has no {@code name_key} although its key is free (rows written before
   * schema version 3): then {@link #fillNameKeys} has work to do.
   */
  boolean hasMissingNameKeys(Connection c) throws SQLException {
    return !missingNameKeys(c).isEmpty();
  }

  /**
   * Sets {@code name_key} on rows of older schemas, oldest model first; a row whose key another row
   * holds already (names that differ only by case, created before the rule) keeps NULL. On
   * PostgreSQL the table is locked against concurrent inserts for the transaction.
   *
   * @return the number of rows filled in
   */
  int fillNameKeys(Connection c) throws SQLException {
    if (StoreAccess.dialect(store) == Dialect.POSTGRESQL) {
      try (java.sql.Statement s = c.createStatement()) {
        s.execute("LOCK TABLE registered_models IN SHARE ROW EXCLUSIVE MODE");
      }
    }
    int filled = 0;
    for (Map.Entry<String, String> e : missingNameKeys(c).entrySet()) {
      filled +=
          Sql.update(
              c,
              "UPDATE registered_models SET name_key = ? WHERE name = ?"
                  + " AND name_key IS NULL AND NOT EXISTS (SELECT 1 FROM registered_models o"
                  + " WHERE o.name_key = ?)",
              e.getValue(),
              e.getKey(),
              e.getValue());
    }
    return filled;
  }

  /** Rows without a key whose key is free, name to key, oldest first. */
  private Map<String, String> missingNameKeys(Connection c) throws SQLException {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    java.util.Set<String> taken = new java.util.HashSet<>();
    try (PreparedStatement p =
            c.prepareStatement(
                "SELECT name FROM registered_models"
                    + " WHERE name_key IS NULL ORDER BY creation_time, name");
        ResultSet rs = p.executeQuery()) {
      while (rs.next()) {
        String name = rs.getString(1);
        String key = ModelNames.key(name);
        if (taken.add(key)) {
          out.put(name, key);
        }
      }
    }
    if (out.isEmpty()) {
      return out;
    }
    try (PreparedStatement p =
            c.prepareStatement(
                "SELECT name_key FROM registered_models WHERE name_key IS NOT NULL");
        ResultSet rs = p.executeQuery()) {
      java.util.Set<String> present = new java.util.HashSet<>();
      while (rs.next()) {
        present.add(rs.getString(1));
      }
      out.values().removeIf(present::contains);
    }
    return out;
  }

  int allocateVersion(Connection c, String name, long now) throws SQLException {
    Sql.update(
        c,
        "UPDATE registered_models SET next_version = next_version + 1,"
            + " last_updated_time = ? WHERE name = ?",
        now,
        name);
    try (PreparedStatement p =
        c.prepareStatement("SELECT next_version - 1 FROM registered_models WHERE name = ?")) {
      p.setString(1, name);
      try (ResultSet rs = p.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("model '" + name + "' vanished while allocating a version");
        }
        return rs.getInt(1);
      }
    }
  }

  void touch(Connection c, String name, long now) throws SQLException {
    Sql.update(c, "UPDATE registered_models SET last_updated_time = ? WHERE name = ?", now, name);
  }

  void setModelDescription(Connection c, String name, String description) throws SQLException {
    Sql.update(c, "UPDATE registered_models SET description = ? WHERE name = ?", description, name);
  }

  void deleteModel(Connection c, String name) throws SQLException {
    Sql.update(
        c,
        "DELETE FROM model_evaluation_metrics WHERE evaluation_id IN"
            + " (SELECT id FROM model_evaluations WHERE name = ?)",
        name);
    Sql.update(c, "DELETE FROM model_evaluations WHERE name = ?", name);
    Sql.update(c, "DELETE FROM model_version_tags WHERE name = ?", name);
    Sql.update(c, "DELETE FROM model_versions WHERE name = ?", name);
    Sql.update(c, "DELETE FROM registered_model_tags WHERE name = ?", name);
    Sql.update(c, "DELETE FROM model_aliases WHERE name = ?", name);
    Sql.update(c, "DELETE FROM registered_models WHERE name = ?", name);
  }

  void setModelTag(Connection c, String name, String key, @Nullable String value)
      throws SQLException {
    if (value == null) {
      Sql.update(c, "DELETE FROM registered_model_tags WHERE name = ? AND key = ?", name, key);
    } else {
      Sql.update(
          c,
          "INSERT INTO registered_model_tags (name, key, value) VALUES (?, ?, ?)"
              + " ON CONFLICT (name, key) DO UPDATE SET value = excluded.value",
          name,
          key,
          value);
    }
  }

  @Nullable RegisteredModel model(Connection c, String name) throws SQLException {
    List<RegisteredModel> models = models(c, List.of(name));
    return models.isEmpty() ? null : models.get(0);
  }

  List<String> searchModelNames(
      Connection c, @Nullable String namePattern, Map<String, String> tags) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT m.name FROM registered_models m WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if (namePattern != null) {
      sql.append(" AND m.name LIKE ?");
      args.add(namePattern);
    }
    for (Map.Entry<String, String> tag : new TreeMap<>(tags).entrySet()) {
      sql.append(
          " AND m.name IN (SELECT t.name FROM registered_model_tags t"
              + " WHERE t.key = ? AND t.value = ?)");
      args.add(tag.getKey());
      args.add(tag.getValue());
    }
    sql.append(" ORDER BY m.name");
    List<String> names = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement(sql.toString())) {
      Sql.bind(p, args.toArray());
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
    }
    return names;
  }

  /** Full snapshots of the named models, in the given order; unknown names are skipped. */
  List<RegisteredModel> models(Connection c, List<String> names) throws SQLException {
    List<RegisteredModel> out = new ArrayList<>(names.size());
    for (int from = 0; from < names.size(); from += 500) {
      List<String> chunk = names.subList(from, Math.min(names.size(), from + 500));
      String in = Sql.inList(chunk.size());
      Object[] args = chunk.toArray();
      Map<String, Map<String, String>> tags = new HashMap<>();
      Map<String, Map<String, Integer>> aliases = new HashMap<>();
      Sql.query(
          c,
          "SELECT name, key, value FROM registered_model_tags WHERE name IN " + in,
          args,
          rs ->
              tags.computeIfAbsent(rs.getString(1), k -> new HashMap<>())
                  .put(rs.getString(2), rs.getString(3)));
      Sql.query(
          c,
          "SELECT name, alias, version FROM model_aliases WHERE name IN " + in,
          args,
          rs ->
              aliases
                  .computeIfAbsent(rs.getString(1), k -> new HashMap<>())
                  .put(rs.getString(2), rs.getInt(3)));
      Map<String, RegisteredModel> byName = new HashMap<>();
      Sql.query(
          c,
          "SELECT name, description, creation_time, last_updated_time, next_version"
              + " FROM registered_models WHERE name IN "
              + in,
          args,
          rs -> {
            String name = rs.getString(1);
            byName.put(
                name,
                new RegisteredModel(
                    name,
                    rs.getString(2),
                    Instant.ofEpochMilli(rs.getLong(3)),
                    Instant.ofEpochMilli(rs.getLong(4)),
                    rs.getInt(5) - 1,
                    tags.getOrDefault(name, Map.of()),
                    aliases.getOrDefault(name, Map.of())));
          });
      for (String name : chunk) {
        RegisteredModel m = byName.get(name);
        if (m != null) {
          out.add(m);
        }
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- versions

  void insertVersion(
      Connection c,
      String name,
      int version,
      @Nullable String runId,
      String digest,
      long size,
      String format,
      @Nullable String signatureJson,
      String description,
      long now,
      String actor)
      throws SQLException {
    Sql.update(
        c,
        "INSERT INTO model_versions (name, version, run_id, digest, size_bytes, format,"
            + " signature, description, status, creation_time, created_by)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        name,
        version,
        runId,
        digest,
        size,
        format,
        signatureJson,
        description,
        ModelStatus.READY.name(),
        now,
        actor);
  }

  void setVersionTag(Connection c, String name, int version, String key, @Nullable String value)
      throws SQLException {
    if (value == null) {
      Sql.update(
          c,
          "DELETE FROM model_version_tags WHERE name = ? AND version = ? AND key = ?",
          name,
          version,
          key);
    } else {
      Sql.update(
          c,
          "INSERT INTO model_version_tags (name, version, key, value) VALUES (?, ?, ?, ?)"
              + " ON CONFLICT (name, version, key) DO UPDATE SET value = excluded.value",
          name,
          version,
          key,
          value);
    }
  }

  void setVersionDescription(Connection c, String name, int version, String description)
      throws SQLException {
    Sql.update(
        c,
        "UPDATE model_versions SET description = ? WHERE name = ? AND version = ?",
        description,
        name,
        version);
  }

  void setStatus(Connection c, String name, int version, ModelStatus status) throws SQLException {
    Sql.update(
        c,
        "UPDATE model_versions SET status = ? WHERE name = ? AND version = ?",
        status.name(),
        name,
        version);
  }

  @Nullable ModelVersion version(Connection c, String name, int version) throws SQLException {
    List<ModelVersion> v = versions(c, name, " AND v.version = ?", version);
    return v.isEmpty() ? null : v.get(0);
  }

  List<ModelVersion> versions(Connection c, String name) throws SQLException {
    return versions(c, name, "", null);
  }

  /** The highest READY version, or 0. */
  int latestReady(Connection c, String name) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT MAX(version) FROM model_versions WHERE name = ? AND status = ?")) {
      p.setString(1, name);
      p.setString(2, ModelStatus.READY.name());
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? rs.getInt(1) : 0;
      }
    }
  }

  private List<ModelVersion> versions(
      Connection c, String name, String condition, @Nullable Integer version) throws SQLException {
    Object[] args = version == null ? new Object[] {name} : new Object[] {name, version};
    Map<Integer, Map<String, String>> tags = new HashMap<>();
    Map<Integer, List<String>> aliases = new HashMap<>();
    Sql.query(
        c,
        "SELECT v.version, v.key, v.value FROM model_version_tags v WHERE v.name = ?" + condition,
        args,
        rs ->
            tags.computeIfAbsent(rs.getInt(1), k -> new HashMap<>())
                .put(rs.getString(2), rs.getString(3)));
    Sql.query(
        c,
        "SELECT v.version, v.alias FROM model_aliases v WHERE v.name = ?"
            + condition
            + " ORDER BY v.alias",
        args,
        rs -> aliases.computeIfAbsent(rs.getInt(1), k -> new ArrayList<>()).add(rs.getString(2)));
    List<ModelVersion> out = new ArrayList<>();
    Sql.query(
        c,
        "SELECT v.version, v.run_id, v.digest, v.size_bytes, v.format, v.signature,"
            + " v.description, v.status, v.creation_time, v.created_by FROM model_versions v"
            + " WHERE v.name = ?"
            + condition
            + " ORDER BY v.version",
        args,
        rs -> {
          int n = rs.getInt(1);
          String signature = rs.getString(6);
          out.add(
              new ModelVersion(
                  name,
                  n,
                  rs.getString(2),
                  rs.getString(3),
                  rs.getLong(4),
                  rs.getString(5),
                  signature == null ? null : SignatureJson.read(signature),
                  rs.getString(7),
                  ModelStatus.valueOf(rs.getString(8)),
                  Instant.ofEpochMilli(rs.getLong(9)),
                  rs.getString(10),
                  tags.getOrDefault(n, Map.of()),
                  aliases.getOrDefault(n, List.of())));
        });
    return out;
  }

  // ---------------------------------------------------------------- aliases

  @Nullable Integer alias(Connection c, String name, String alias) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement("SELECT version FROM model_aliases WHERE name = ? AND alias = ?")) {
      p.setString(1, name);
      p.setString(2, alias);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? rs.getInt(1) : null;
      }
    }
  }

  void putAlias(Connection c, String name, String alias, @Nullable Integer version)
      throws SQLException {
    if (version == null) {
      Sql.update(c, "DELETE FROM model_aliases WHERE name = ? AND alias = ?", name, alias);
    } else {
      Sql.update(
          c,
          "INSERT INTO model_aliases (name, alias, version) VALUES (?, ?, ?)"
              + " ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version",
          name,
          alias,
          version);
    }
  }

  List<String> aliasesOf(Connection c, String name, int version) throws SQLException {
    List<String> out = new ArrayList<>();
    Sql.query(
        c,
        "SELECT alias FROM model_aliases WHERE name = ? AND version = ? ORDER BY alias",
        new Object[] {name, version},
        rs -> out.add(rs.getString(1)));
    return out;
  }

  // ---------------------------------------------------------------- audit

  /**
   * The PostgreSQL advisory lock that orders audit entries: taken before an entry is numbered, held
   * until its transaction ends. Distinct from the schema migrator's lock.
   */
  static final long AUDIT_LOCK = 7405812365L;

  /**
   * Appends an audit entry and returns its sequence number.
   *
   * <p>Watchers read the trail from their last sequence number on, so numbers must become visible
   * in increasing order. SQLite gives that by itself (one writer at a time). PostgreSQL draws an
   * identity value when the row is inserted and makes it visible at commit, so a change numbered
   * {@code n} could commit after a change numbered {@code n + 1}, and a watcher that had already
   * read {@code n + 1} would never see {@code n}. On PostgreSQL the transaction therefore first
   * takes {@link #AUDIT_LOCK} (a transaction-scoped advisory lock): entries are numbered and
   * committed one transaction at a time, in order. The lock is held only from a change's first
   * audit entry to its commit; by then the change holds its model's row lock and takes no lock on
   * another model, so two changes cannot wait for each other.
   */
  long audit(
      Connection c,
      String name,
      AuditAction action,
      @Nullable Integer version,
      @Nullable String alias,
      @Nullable Integer previous,
      String actor,
      @Nullable String comment,
      long now)
      throws SQLException {
    if (StoreAccess.dialect(store) == Dialect.POSTGRESQL) {
      try (PreparedStatement p = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
        p.setLong(1, AUDIT_LOCK);
        p.executeQuery().close();
      }
    }
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO registry_audit (name, action, version, alias, previous_version, actor,"
                + " comment, event_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq")) {
      Sql.bind(
          p, new Object[] {name, action.name(), version, alias, previous, actor, comment, now});
      long seq;
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        seq = rs.getLong(1);
      }
      if (StoreAccess.dialect(store) == Dialect.POSTGRESQL) {
        notifyChange(c, seq);
      }
      return seq;
    }
  }

  /**
   * Tells registries listening on this database that a change is coming: PostgreSQL delivers the
   * notification when this transaction commits and drops it when it rolls back (see {@link
   * PgChangeListener}). The payload, the audit sequence, is informational; listeners poll the audit
   * trail.
   */
  private static void notifyChange(Connection c, long seq) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT pg_notify(?, ?)")) {
      p.setString(1, PgChangeListener.CHANNEL);
      p.setString(2, Long.toString(seq));
      p.executeQuery().close();
    }
  }

  List<AuditEntry> auditLog(Connection c, @Nullable String name, long afterSeq)
      throws SQLException {
    List<AuditEntry> out = new ArrayList<>();
    String sql =
        "SELECT seq, name, action, version, alias, previous_version, actor, comment,"
            + " event_time FROM registry_audit WHERE seq > ?"
            + (name == null ? "" : " AND name = ?")
            + " ORDER BY seq";
    Object[] args = name == null ? new Object[] {afterSeq} : new Object[] {afterSeq, name};
    Sql.query(
        c,
        sql,
        args,
        rs ->
            out.add(
                new AuditEntry(
                    rs.getLong(1),
                    rs.getString(2),
                    AuditAction.valueOf(rs.getString(3)),
                    nullableInt(rs, 4),
                    rs.getString(5),
                    nullableInt(rs, 6),
                    rs.getString(7),
                    rs.getString(8),
                    Instant.ofEpochMilli(rs.getLong(9)))));
    return out;
  }

  long maxSeq(Connection c) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT MAX(seq) FROM registry_audit");
        ResultSet rs = p.executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  // ---------------------------------------------------------------- JDBC helpers

  private static @Nullable Integer nullableInt(ResultSet rs, int column) throws SQLException {
    int v = rs.getInt(column);
    return rs.wasNull() ? null : v;
  }

  // ---------------------------------------------------------------- evaluations

  long insertEvaluation(
      Connection c,
      String name,
      int version,
      @Nullable String runId,
      String datasetName,
      String datasetDigest,
      Map<String, Double> metrics,
      long now)
      throws SQLException {
    long id;
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO model_evaluations (name, version,"
                + " run_id, dataset_name, dataset_digest, creation_time) VALUES (?, ?, ?, ?, ?, ?)"
                + " RETURNING id")) {
      Sql.bind(p, new Object[] {name, version, runId, datasetName, datasetDigest, now});
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        id = rs.getLong(1);
      }
    }
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO model_evaluation_metrics (evaluation_id, key, value) VALUES (?, ?, ?)")) {
      for (Map.Entry<String, Double> m : new TreeMap<>(metrics).entrySet()) {
        p.setLong(1, id);
        p.setString(2, m.getKey());
        p.setDouble(3, m.getValue());
        p.addBatch();
      }
      p.executeBatch();
    }
    return id;
  }

  List<EvaluationRecord> evaluations(Connection c, String name, int version) throws SQLException {
    Map<Long, Map<String, Double>> metrics = new HashMap<>();
    Sql.query(
        c,
        "SELECT m.evaluation_id, m.key, m.value FROM model_evaluation_metrics m"
            + " JOIN model_evaluations e ON e.id = m.evaluation_id"
            + " WHERE e.name = ? AND e.version = ?",
        new Object[] {name, version},
        rs ->
            metrics
                .computeIfAbsent(rs.getLong(1), k -> new HashMap<>())
                .put(rs.getString(2), rs.getDouble(3)));
    List<EvaluationRecord> out = new ArrayList<>();
    Sql.query(
        c,
        "SELECT id, run_id, dataset_name, dataset_digest, creation_time"
            + " FROM model_evaluations WHERE name = ? AND version = ? ORDER BY id",
        new Object[] {name, version},
        rs ->
            out.add(
                new EvaluationRecord(
                    rs.getLong(1),
                    name,
                    version,
                    rs.getString(2),
                    rs.getString(3),
                    rs.getString(4),
                    metrics.getOrDefault(rs.getLong(1), Map.of()),
                    Instant.ofEpochMilli(rs.getLong(5)))));
    return out;
  }
}
