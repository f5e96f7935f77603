package io.github.mlops4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.Prediction;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Spring Boot application on a random port serving a real Tribuo model through the starter:
 * predictions over HTTP, actuator health groups, readiness around the first load, info, and the
 * Prometheus scrape.
 */
@SpringBootTest(
    classes = StarterWebIT.App.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "mlops.serving.models.churn.alias=champion",
      "management.endpoints.web.exposure.include=health,info,prometheus",
      "management.endpoint.health.show-details=always",
      "management.endpoint.health.probes.enabled=true",
      "management.observations.long-task-timer.enabled=false"
    })
class StarterWebIT {
  static final AtomicReference<ReadinessState> readinessAtFirstLoad = new AtomicReference<>();

  @DynamicPropertySource
  static void workspace(DynamicPropertyRegistry registry) throws IOException {
    Path ws = Files.createTempDirectory("mlops-starter-web");
    ChurnFixture.register(ws);
    registry.add("mlops.workspace", ws::toString);
  }

  // no component scan: it would take the starter's nested configurations for the application's
  @SpringBootConfiguration
  @EnableAutoConfiguration
  @Import(App.Predict.class)
  static class App {
    // tag::readme-spring-controller[]
    @RestController
    static class Predict {
      private final InferenceService churn;

      Predict(@Qualifier("churn") InferenceService churn) { // mlops.serving.models.churn.*
        this.churn = churn;
      }

      @GetMapping("/churn")
      Map<String, Object> predict(@RequestParam double tenure, @RequestParam double spend) {
        Prediction p = churn.predict(Map.of("tenure", tenure, "spend", spend));
        return Map.of("output", p.output(), "version", p.version(), "id", p.id());
      }
    }

    // end::readme-spring-controller[]

    /** Reads readiness the moment the service bean has loaded its first version. */
    @Bean
    static BeanPostProcessor firstLoadWatcher(ApplicationContext context) {
      return new BeanPostProcessor() {
        @Override
        public Object postProcessAfterInitialization(Object bean, String name) {
          if (bean instanceof InferenceService) {
            readinessAtFirstLoad.set(
                context.getBean(ApplicationAvailability.class).getReadinessState());
          }
          return bean;
        }
      };
    }
  }

  @LocalServerPort int port;
  @Autowired ApplicationAvailability availability;
  @Autowired ApplicationContext context;

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesHealthReadinessInfoAndMetrics() throws Exception {
    assertThat(context.getBeanProvider(PredictionObservations.class).getIfAvailable())
        .as("observations configured")
        .isNotNull();
    assertThat(context.getBean(PredictionObservations.class).forModel("churn"))
        .as("observer for churn")
        .isNotNull();
    HttpResponse<String> predicted = get("/churn?tenure=1&spend=2");
    assertThat(predicted.statusCode()).isEqualTo(200);
    JsonNode p = json.readTree(predicted.body());
    assertThat(p.get("output").asText())
        .isEqualTo(ChurnFixture.tribuoPredicts(ChurnFixture.train(11), 1, 2));
    assertThat(p.get("version").asInt()).isEqualTo(1);

    HttpResponse<String> health = get("/actuator/health");
    assertThat(health.statusCode()).isEqualTo(200);
    JsonNode mlops = json.readTree(health.body()).at("/components/mlops/components");
    assertThat(mlops.at("/store/status").asText()).isEqualTo("UP");
    assertThat(mlops.at("/store/details/schema/registry").asInt()).isPositive();
    assertThat(mlops.at("/models/components/churn/status").asText()).isEqualTo("UP");
    assertThat(mlops.at("/models/components/churn/details/version").asInt()).isEqualTo(1);
    assertThat(mlops.at("/models/components/churn/details/aliasTarget").asInt()).isEqualTo(1);

    // readiness: refused while the first version loaded, accepting once the context is up
    assertThat(readinessAtFirstLoad.get()).isEqualTo(ReadinessState.REFUSING_TRAFFIC);
    assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
    HttpResponse<String> ready = get("/actuator/health/readiness");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(json.readTree(ready.body()).get("status").asText()).isEqualTo("UP");
    assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);

    JsonNode info = json.readTree(get("/actuator/info").body());
    assertThat(info.at("/mlops/models/churn/version").asInt()).isEqualTo(1);
    assertThat(info.at("/mlops/models/churn/alias").asText()).isEqualTo("champion");

    String scrape = get("/actuator/prometheus").body();
    assertThat(scrape)
        .containsPattern(
            "mlops_prediction_seconds_count\\{[^}]*mlops_model=\"churn\"[^}]*mlops_outcome=\"ok\""
                + "[^}]*mlops_route=\"primary\"[^}]*mlops_version=\"1\"[^}]*\\} 1")
        .contains("mlops_tracker_queue_depth")
        .contains("mlops_serving_");
    assertThat(scrape).doesNotContain(p.get("id").asText()); // high cardinality: spans only
  }
}
