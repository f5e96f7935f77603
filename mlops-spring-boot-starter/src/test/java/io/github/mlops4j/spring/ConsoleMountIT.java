package io.github.mlops4j.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The console mounted by the starter in a Spring Boot application on a random port, over the
 * application's own tracker, registry and feature store.
 */
@SpringBootTest(
    classes = ConsoleMountIT.App.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"mlops.console.enabled=true", "mlops.console.path=/ops/console"})
class ConsoleMountIT {
  @DynamicPropertySource
  static void workspace(DynamicPropertyRegistry registry) throws IOException {
    Path ws = Files.createTempDirectory("mlops-starter-console");
    ChurnFixture.register(ws);
    registry.add("mlops.workspace", ws::toString);
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {}

  @LocalServerPort int port;

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> send(String method, String path)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void pagesAndTheirJson_areServedBelowThePath_readOnly() throws Exception {
    HttpResponse<String> models = send("GET", "/ops/console/models");
    assertThat(models.statusCode()).isEqualTo(200);
    assertThat(models.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(models.headers().firstValue("Content-Security-Policy")).isPresent();
    assertThat(models.body()).contains("churn");

    HttpResponse<String> json = send("GET", "/ops/console/api/models");
    assertThat(json.statusCode()).isEqualTo(200);
    assertThat(json.body()).contains("\"churn\"");

    assertThat(send("GET", "/ops/console/runs").statusCode()).isEqualTo(200);
    HttpResponse<String> post = send("POST", "/ops/console/runs");
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET");
    assertThat(send("GET", "/models").statusCode()).isEqualTo(404);
  }

  @Test
  void aPathThatIsNotPlain_failsTheStartNamingTheProperty() {
    for (String bad :
        new String[] {"", "/", "mlops", "/a/../b", "/a b", "/a/*", "/" + "x".repeat(300)}) {
      assertThatThrownBy(() -> ConsoleServlet.checkPath(bad))
          .isInstanceOf(InvalidConfigurationPropertyValueException.class)
          .hasMessageContaining("mlops.console.path");
    }
    assertThat(ConsoleServlet.checkPath("/ops/mlops-console_1")).isEqualTo("/ops/mlops-console_1");
  }
}
