package io.github.mlops4j.spring.actuate;

import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.ModelUnavailableException;
import io.github.mlops4j.serving.ServingEvent;
import io.github.mlops4j.spring.ServedModels;
import io.github.mlops4j.store.Store;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;

/**
 * Health of mlops4j's components: the store (reachable, schema version of each component) and each
 * served model (loaded version, alias target, last load failure).
 *
 * @since 0.1.0
 */
public final class MlopsHealth {
  private MlopsHealth() {}

  /**
   * UP when the store answers a query; details: {@code backend} and {@code schema} (component to
   * version). DOWN when it is closed or the query fails.
   *
   * @param dataSource the application's DataSource when the store uses it, else null (the embedded
   *     database file under {@code workspace} is read)
   */
  public static HealthIndicator store(
      Store store, @Nullable DataSource dataSource, @Nullable Path workspace) {
    return () -> {
      if (store.isClosed()) {
        return Health.down().withDetail("reason", "closed").build();
      }
      Map<String, Integer> schema = new LinkedHashMap<>();
      try (Connection c = connect(dataSource, workspace);
          Statement s = c.createStatement()) {
        try (ResultSet rs = s.executeQuery("SELECT component, version FROM mlops_schema")) {
          while (rs.next()) {
            schema.put(rs.getString(1), rs.getInt(2));
          }
        } catch (SQLException noTableYet) {
          try (ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
          }
        }
      } catch (SQLException | RuntimeException e) {
        return Health.down()
            .withDetail("backend", dataSource == null ? "embedded" : "datasource")
            .withDetail("error", abbreviate(String.valueOf(e.getMessage())))
            .build();
      }
      return Health.up()
          .withDetail("backend", dataSource == null ? "embedded" : "datasource")
          .withDetail("schema", schema)
          .build();
    };
  }

  private static Connection connect(@Nullable DataSource dataSource, @Nullable Path workspace)
      throws SQLException {
    if (dataSource != null) {
      return dataSource.getConnection();
    }
    if (workspace == null) {
      throw new SQLException("no workspace");
    }
    Path db = workspace.resolve(Store.DATABASE_FILE);
    return DriverManager.getConnection("jdbc:sqlite:" + db + "?open_mode=1");
  }

  /**
   * The health of one served model. UP while a version serves; OUT_OF_SERVICE once the context
   * started closing (draining), and while a model with {@code required=false} has no loaded version
   * yet (detail {@code reason}: why, from {@link InferenceService#notLoadedReason()}); DOWN when
   * the service is closed or was never built. Details: {@code version} (loaded), {@code routes},
   * {@code alias} and {@code aliasTarget} (the version the registry names, which differs from
   * {@code version} while a new version loads or after it failed to), {@code lastLoadFailure}.
   */
  public static HealthIndicator model(ServedModels models, ServedModels.Served served) {
    return () -> {
      Health.Builder h = new Health.Builder();
      Optional<InferenceService> service = served.service();
      if (served.draining()) {
        h.status(Status.OUT_OF_SERVICE).withDetail("draining", true);
        h.withDetail("inFlight", served.inFlight());
      } else if (service.isEmpty()) {
        h.down().withDetail("reason", "not loaded");
      } else {
        InferenceService svc = service.get();
        Optional<String> waiting = svc.notLoadedReason();
        if (waiting.isPresent()) { // required=false: started without a loadable version
          h.status(Status.OUT_OF_SERVICE).withDetail("reason", abbreviate(waiting.get()));
        } else {
          try {
            h.withDetail("version", svc.activeVersion());
            h.withDetail("routes", svc.routes());
            h.up();
          } catch (ModelUnavailableException e) {
            h.down().withDetail("reason", "closed");
          }
        }
      }
      served
          .alias()
          .ifPresent(
              alias -> {
                h.withDetail("alias", alias);
                try {
                  Integer target = models.registry().aliases(served.name()).get(alias);
                  if (target != null) {
                    h.withDetail("aliasTarget", target);
                  }
                } catch (RuntimeException e) {
                  h.withDetail("aliasTarget", "unknown: " + abbreviate(e.toString()));
                }
              });
      served
          .lastLoadFailure()
          .ifPresent(
              (ServingEvent.LoadFailed f) ->
                  h.withDetail(
                      "lastLoadFailure",
                      Map.of(
                          "version", f.version(),
                          "reason", abbreviate(f.reason()),
                          "time", f.timestamp().toString())));
      return h.build();
    };
  }

  static String abbreviate(String s) {
    return s.length() <= 300 ? s : s.substring(0, 300) + "... (" + s.length() + " chars)";
  }
}
