package io.github.mlops4j.features;

import io.github.mlops4j.governance.PurgeResult;
import io.github.mlops4j.governance.internal.GovernanceTables;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.store.internal.StoreAccess;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Plans and executes the erasure of one entity's rows: {@link FeatureStore#erase}. */
final class EntityEraser {
  private final Store store;
  private final FeatureDao dao;
  private final ViewCatalog catalog;
  private final Clock clock;
  private final OnlineStore onlineStore;
  private final @Nullable JdbcOnlineStore embeddedOnline;
  private final OnlineCache cache;
  private volatile boolean migrated;

  EntityEraser(
      Store store,
      FeatureDao dao,
      ViewCatalog catalog,
      Clock clock,
      OnlineStore onlineStore,
      @Nullable JdbcOnlineStore embeddedOnline,
      OnlineCache cache) {
    this.store = store;
    this.dao = dao;
    this.catalog = catalog;
    this.clock = clock;
    this.onlineStore = onlineStore;
    this.embeddedOnline = embeddedOnline;
    this.cache = cache;
  }

  ErasurePlan plan(Map<String, ?> entity) {
    Objects.requireNonNull(entity, "entity");
    Map<String, Object> copy = new LinkedHashMap<>();
    entity.forEach(
        (k, v) ->
            copy.put(Objects.requireNonNull(k, "entity column"), Objects.requireNonNull(v, k)));
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("The entity has no key columns; give its key values");
    }
    catalog.refresh();
    List<ViewState> views = matching(copy);
    if (views.isEmpty()) {
      throw new IllegalArgumentException(
          "No feature view is keyed by a subset of the columns " + copy.keySet());
    }
    List<ErasurePlan.ViewErasure> out = new ArrayList<>();
    StoreAccess.read(
        store,
        c -> {
          for (ViewState v : views) {
            byte[] key = RowCodec.encodeKey(v, copy, 0, false).bytes();
            long offline = count(c, "SELECT COUNT(*) FROM feature_rows", v.id, key);
            Boolean online =
                embeddedOnline == null
                    ? null
                    : count(c, "SELECT COUNT(*) FROM feature_online", v.id, key) > 0;
            out.add(new ErasurePlan.ViewErasure(v.name, offline, online));
          }
          return null;
        });
    return new ErasurePlan(copy, out);
  }

  PurgeResult erase(ErasurePlan plan, @Nullable String reason, String actor) {
    Objects.requireNonNull(plan, "plan");
    if (!migrated) {
      GovernanceTables.migrate(store);
      migrated = true;
    }
    long now = clock.millis();
    Map<String, Long> rows = new LinkedHashMap<>();
    List<String> erased = new ArrayList<>();
    List<Long> ids = new ArrayList<>();
    List<EntityKey> keys = new ArrayList<>();
    StoreAccess.write(
        store,
        c -> {
          rows.clear();
          erased.clear();
          ids.clear();
          keys.clear();
          for (ErasurePlan.ViewErasure planned : plan.views()) {
            ViewState v = catalog.snapshot().views.get(planned.view());
            if (v == null) {
              continue; // no longer stored
            }
            EntityKey key = RowCodec.encodeKey(v, plan.entity(), 0, false);
            dao.lock(c, v.id); // materializations of the view wait for this transaction
            rows.merge(
                "offlineRows", delete(c, "DELETE FROM feature_rows", v.id, key.bytes()), Long::sum);
            if (embeddedOnline != null) {
              rows.merge(
                  "onlineRows",
                  delete(c, "DELETE FROM feature_online", v.id, key.bytes()),
                  Long::sum);
            } else {
              onlineStore.delete(v.name, List.of(key));
            }
            erased.add(v.name);
            ids.add(v.id);
            keys.add(key);
          }
          GovernanceTables.audit(
              c, "ERASE_ENTITY", actor, String.join(",", erased), rows, reason, now);
          return null;
        });
    for (int i = 0; i < ids.size(); i++) {
      cache.invalidate(ids.get(i), List.of(keys.get(i)));
    }
    return new PurgeResult(erased, rows, List.of(), List.of());
  }

  private List<ViewState> matching(Map<String, Object> entity) {
    List<ViewState> out = new ArrayList<>();
    for (ViewState v : catalog.sortedViews()) {
      boolean all = true;
      for (Field f : v.def.entities) {
        all &= entity.containsKey(f.name());
      }
      if (all) {
        out.add(v);
      }
    }
    return out;
  }

  private static long count(Connection c, String select, long viewId, byte[] key)
      throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(select + " WHERE view_id = ? AND entity_key = ?")) {
      p.setLong(1, viewId);
      p.setBytes(2, key);
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static long delete(Connection c, String delete, long viewId, byte[] key)
      throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(delete + " WHERE view_id = ? AND entity_key = ?")) {
      p.setLong(1, viewId);
      p.setBytes(2, key);
      return p.executeUpdate();
    }
  }
}
