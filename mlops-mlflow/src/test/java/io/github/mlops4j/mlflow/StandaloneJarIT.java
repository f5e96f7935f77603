package io.github.mlops4j.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code mlops-mlflow-<version>-standalone.jar} runs with {@code java -jar} alone, as
 * docs/mlflow.md says, and serves a workspace to an HTTP client.
 */
class StandaloneJarIT {
  @TempDir Path workspace;

  @Test
  void javaDashJarServesTheWorkspace() throws Exception {
    Process child = ServerChild.startJar(standaloneJar(), workspace);
    try {
      URI url = URI.create(ServerChild.url(child));
      HttpResponse<String> created =
          send(
              HttpRequest.newBuilder(url.resolve("/api/2.0/mlflow/experiments/create"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"from-the-jar\"}")));
      assertThat(created.statusCode()).isEqualTo(200);
      HttpResponse<String> found =
          send(
              HttpRequest.newBuilder(
                      url.resolve(
                          "/api/2.0/mlflow/experiments/get-by-name?experiment_name=from-the-jar"))
                  .GET());
      assertThat(found.statusCode()).isEqualTo(200);
      assertThat(found.body()).contains("\"name\":\"from-the-jar\"");
    } finally {
      ServerChild.stop(child);
    }
    assertThat(workspace).isNotEmptyDirectory();
  }

  private static HttpResponse<String> send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Path standaloneJar() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      List<Path> jars =
          files.filter(f -> f.getFileName().toString().endsWith("-standalone.jar")).toList();
      assertThat(jars).as("the standalone jar built by `mvn package`").hasSize(1);
      return jars.get(0).toAbsolutePath();
    }
  }
}
