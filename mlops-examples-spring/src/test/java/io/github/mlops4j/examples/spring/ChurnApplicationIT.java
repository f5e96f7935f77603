package io.github.mlops4j.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mlops4j.monitoring.drift.DriftReport;
import io.github.mlops4j.spring.ChurnFixture;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The example service on a random port, its workspace filled as the training side would: a
 * prediction enriched from the feature store (checked against Tribuo's own predict), the health
 * groups, readiness around the first load, the drift check, and the Prometheus scrape the Grafana
 * dashboard is checked against.
 */
@SpringBootTest(
    classes = {ChurnApplication.class, ReadinessRecorder.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "churn.drift.interval=PT24H", // the test runs the check itself
      ChurnWorkspace.NO_DEADLINE // answers do not depend on the machine's load
    })
class ChurnApplicationIT {
  @DynamicPropertySource
  static void workspace(DynamicPropertyRegistry registry) throws IOException {
    Path ws = ChurnWorkspace.fill(Files.createTempDirectory("churn-service"));
    registry.add("mlops.workspace", ws::toString);
    registry.add("churn.reference-profile", () -> ws.resolve(ChurnWorkspace.REFERENCE).toString());
  }

  @LocalServerPort int port;
  @Autowired DriftCheck driftCheck;

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void predictsWithTheChampionAndTheCustomersSpendFromTheFeatureStore() throws Exception {
    for (String customer : ChurnWorkspace.SPEND.keySet()) {
      HttpResponse<String> r = get("/churn/" + customer + "?tenure=2");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode answer = json.readTree(r.body());
      assertThat(answer.get("output").asText())
          .as(customer)
          .isEqualTo(ChurnWorkspace.expected(customer, 2));
      assertThat(answer.get("version").asInt()).isEqualTo(1);
      assertThat(answer.get("route").asText()).isEqualTo("primary");
      assertThat(answer.get("predictionId").asText()).isNotBlank();
    }
    // both labels occur, so the spend looked up decided them (tenure is the same)
    assertThat(ChurnWorkspace.expected("c-1", 2)).isEqualTo("churn");
    assertThat(ChurnWorkspace.expected("c-2", 2)).isEqualTo("stay");
  }

  @Test
  void aCustomerWithoutFeaturesIsTheCallersError() throws Exception {
    HttpResponse<String> r = get("/churn/nobody?tenure=2");
    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(json.readTree(r.body()).get("message").asText())
        .contains("spend")
        .contains("no row");
  }

  @Test
  void healthGroupsAndReadinessAroundTheFirstLoad() throws Exception {
    HttpResponse<String> liveness = get("/actuator/health/liveness");
    assertThat(liveness.statusCode()).isEqualTo(200);
    assertThat(json.readTree(liveness.body()).get("status").asText()).isEqualTo("UP");

    HttpResponse<String> readiness = get("/actuator/health/readiness");
    assertThat(readiness.statusCode()).isEqualTo(200);
    JsonNode ready = json.readTree(readiness.body());
    assertThat(ready.get("status").asText()).isEqualTo("UP");
    // the readiness group holds the model's health: no servable version, no traffic
    assertThat(ready.at("/components/readinessState/status").asText()).isEqualTo("UP");
    assertThat(ready.at("/components/mlops/components/models/components/churn/status").asText())
        .isEqualTo("UP");
    assertThat(
            ready
                .at("/components/mlops/components/models/components/churn/details/version")
                .asInt())
        .isEqualTo(1);

    // the first load happened while the application refused traffic; it accepted traffic after
    assertThat(ReadinessRecorder.STEPS)
        .startsWith(
            new ReadinessRecorder.Step("churn loaded", ReadinessState.REFUSING_TRAFFIC),
            new ReadinessRecorder.Step("readiness changed", ReadinessState.ACCEPTING_TRAFFIC));
  }

  @Test
  void theScheduledDriftCheckExportsItsScores() throws Exception {
    // requests from long-tenure customers only: far from the training's uniform [0, 10)
    for (int i = 0; i < 40; i++) {
      assertThat(get("/churn/c-3?tenure=" + (9 + i / 40.0)).statusCode()).isEqualTo(200);
    }
    Optional<DriftReport> report = driftCheck.check();
    assertThat(report).isPresent();
    assertThat(report.get().datasetDrift()).isTrue();
    double score = report.get().column("tenure").orElseThrow().score();

    String scrape = get("/actuator/prometheus").body();
    Matcher m =
        Pattern.compile("(?m)^mlops_drift_score\\{[^}]*feature=\"tenure\"[^}]*\\} (\\S+)$")
            .matcher(scrape);
    assertThat(m.find()).as(scrape).isTrue();
    assertThat(Double.parseDouble(m.group(1))).isEqualTo(score);
    assertThat(scrape)
        .containsPattern("(?m)^mlops_drift_detected\\{[^}]*model=\"churn\"[^}]*\\} 1.0$");
  }

  @Test
  void thePrometheusScrapeHasEveryMetricTheDashboardQueries() throws Exception {
    assertThat(get("/churn/c-1?tenure=1").statusCode()).isEqualTo(200);
    HttpResponse<String> r = get("/actuator/prometheus");
    assertThat(r.statusCode()).isEqualTo(200);
    String scrape = r.body();
    assertThat(scrape)
        .containsPattern(
            "mlops_prediction_seconds_count\\{[^}]*mlops_model=\"churn\"[^}]*mlops_outcome=\"ok\""
                + "[^}]*mlops_version=\"1\"")
        .containsPattern("mlops_prediction_seconds_bucket\\{")
        .containsPattern("mlops_features_freshness_age_seconds\\{[^}]*view=\"customer\"")
        .containsPattern(
            "mlops_features_lookup_seconds_count\\{[^}]*mlops_outcome=\"present\""
                + "[^}]*mlops_view=\"customer\"")
        .containsPattern("cache_gets_total\\{[^}]*cache=\"mlops.features\"[^}]*result=\"miss\"")
        .contains("mlops_tracker_queue_depth")
        .contains("mlops_tracker_writer_lag_seconds");

    Set<String> exported = PromQl.metricNames(scrape);
    Dashboard dashboard = Dashboard.read(Dashboard.file());
    assertThat(dashboard.expressions()).hasSizeGreaterThanOrEqualTo(8);
    for (String expr : dashboard.expressions()) {
      Set<String> used = PromQl.parse(expr);
      assertThat(used).as("metrics of %s", expr).isNotEmpty();
      assertThat(exported).as("scraped metrics, used by %s", expr).containsAll(used);
    }
    assertThat(ChurnFixture.MODEL).isEqualTo("churn");
  }
}
