package io.github.mlops4j.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The standalone console over HTTP: pages, JSON, escaping, read-only, paths, tokens. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleServerTest {
  @TempDir static Path dir;
  private ConsoleWorkspace ws;
  private ConsoleServer server;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  void start() throws IOException {
    ws = ConsoleWorkspace.fill(dir);
    server = ConsoleServer.builder().workspace(ws.workspace).port(0).start();
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(server.url() + path)).GET().build());
  }

  private HttpResponse<String> send(HttpRequest r) throws IOException, InterruptedException {
    return http.send(r, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void everyPageAndItsJsonAnswer() throws Exception {
    String[] pages = {
      "",
      "runs",
      "runs?experiment=churn&order=" + q("metrics.`accuracy` DESC"),
      "run?id=" + ws.runA,
      "run?id=" + ws.runA + "&axis=time",
      "compare?run=" + ws.runA + "&run=" + ws.runB,
      "models",
      "model?name=churn",
      "features",
      "drift",
      "drift?model=churn"
    };
    for (String p : pages) {
      HttpResponse<String> page = get(p);
      assertThat(page.statusCode()).as(p).isEqualTo(200);
      assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
      assertThat(page.headers().firstValue("Content-Security-Policy"))
          .hasValue(ConsoleHandler.CONTENT_SECURITY_POLICY);
      assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
      assertThat(page.body()).startsWith("<!DOCTYPE html>").doesNotContain("<script");
      String api = "api/" + (p.isEmpty() ? "runs" : p);
      HttpResponse<String> data = get(api);
      assertThat(data.statusCode()).as(api).isEqualTo(200);
      assertThat(json.readTree(data.body()).isObject()).as(api).isTrue();
    }
  }

  @Test
  void jsonCarriesThePageData() throws Exception {
    JsonNode runs = json.readTree(get("api/runs?filter=" + q("params.model = 'forest'")).body());
    assertThat(runs.get("runs")).hasSize(1);
    assertThat(runs.get("runs").get(0).get("runId").asText()).isEqualTo(ws.runB);
    assertThat(runs.get("runs").get(0).get("metrics").get("accuracy").get("value").asDouble())
        .isEqualTo(0.9);

    JsonNode model = json.readTree(get("api/model?name=churn").body());
    assertThat(model.get("aliases").get("champion").asInt()).isEqualTo(2);
    JsonNode move = model.get("audit").get(0);
    assertThat(move.get("action").asText()).isEqualTo("ALIAS_SET");
    assertThat(move.get("previousVersion").asInt()).isEqualTo(1);
    assertThat(move.get("version").asInt()).isEqualTo(2);
    assertThat(move.get("actor").asText()).isEqualTo(ConsoleWorkspace.ACTOR);
    assertThat(move.get("comment").asText()).isEqualTo(ConsoleWorkspace.MOVE_COMMENT);

    JsonNode run = json.readTree(get("api/run?id=" + ws.runA).body());
    assertThat(run.get("inputs").get(0).get("digest").asText()).hasSize(64);
    assertThat(run.get("series").get("loss")).hasSize(50);
    assertThat(run.get("series").get("loss").get(49).get("x").asLong()).isEqualTo(49);

    JsonNode drift = json.readTree(get("api/drift").body());
    assertThat(drift.get("models").get(0).asText()).isEqualTo("churn");
    assertThat(drift.get("windows")).hasSize(3);
    assertThat(drift.get("windows").get(2).get("metrics").get("drift.dataset").asDouble())
        .isEqualTo(1.0);

    JsonNode features = json.readTree(get("api/features").body());
    assertThat(features.get("views").get(0).get("freshness").get("watermark").asText())
        .isEqualTo("2026-01-01T00:01:00Z");
  }

  @Test
  void aBadFilterAnswersWithItsPosition() throws Exception {
    String filter = "params.model = 'tree' AND metrics.loss <> 3";
    HttpResponse<String> page = get("runs?filter=" + q(filter));
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("id=\"filter-error\"").contains("aria-invalid=\"true\"");
    HttpResponse<String> api = get("api/runs?filter=" + q(filter));
    assertThat(api.statusCode()).isEqualTo(400);
    int position = json.readTree(api.body()).get("error").get("position").asInt();
    assertThat(filter.substring(position)).startsWith("<>");
    assertThat(page.body()).contains("<strong id=\"filter-error-position\">" + position + "<");
  }

  @Test
  void userValuesAreEscapedEverywhere() throws Exception {
    for (String p :
        new String[] {
          "runs", "run?id=" + ws.hostileRun, "compare?run=" + ws.hostileRun + "&run=" + ws.runA
        }) {
      String body = get(p).body();
      assertThat(body)
          .as(p)
          .doesNotContain("<script>alert")
          .doesNotContain("<img src=x")
          .doesNotContain("<b onmouseover");
      assertThat(body)
          .as(p)
          .contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&gt;&lt;img");
    }
    assertThat(get("run?id=" + ws.hostileRun).body()).contains("&lt;b onmouseover=alert(3)&gt;");
    // an id or a name from the URL is escaped in the error too
    assertThat(get("run?id=" + q("<i>x</i>")).body()).doesNotContain("<i>x</i>");
    assertThat(get("model?name=" + q("<i>x</i>")).body()).doesNotContain("<i>x</i>");
  }

  @ParameterizedTest
  @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"})
  void everyMethodButGetIs405(String method) throws Exception {
    for (String p : new String[] {"runs", "api/runs", "artifact?run=" + ws.runA, "nowhere"}) {
      HttpResponse<String> r =
          send(
              HttpRequest.newBuilder(URI.create(server.url() + p))
                  .method(method, HttpRequest.BodyPublishers.ofString("x"))
                  .build());
      assertThat(r.statusCode()).as(method + " " + p).isEqualTo(405);
      assertThat(r.headers().firstValue("Allow")).hasValue("GET");
    }
  }

  @Test
  void artifactsDownloadThroughTheStoreOnly() throws Exception {
    HttpResponse<String> ok = get("artifact?run=" + ws.runA + "&path=" + q("notes/notes.txt"));
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo(ConsoleWorkspace.ARTIFACT_TEXT);
    assertThat(ok.headers().firstValue("Content-Disposition"))
        .hasValue("attachment; filename=\"notes.txt\"");
    String[] hostile = {
      "artifact?run=" + ws.runA + "&path=" + q("../mlops.db"),
      "artifact?run=" + ws.runA + "&path=" + q("notes/../../mlops.db"),
      "artifact?run=" + ws.runA + "&path=" + q("/etc/passwd"),
      "artifact?run=" + ws.runA + "&path=notes%2F..%2F..%2Fmlops.db",
      "artifact?run=" + ws.runA + "&path=%2e%2e%2fmlops.db",
      "artifact?run=..%2F..&path=notes/notes.txt",
      "static/..%2F..%2Fmlops.db",
      "static/%2e%2e/%2e%2e/mlops.db",
      "..%2Fmlops.db",
      "static/console.css%00",
      "artifacts/" + ws.runA
    };
    for (String p : hostile) {
      HttpResponse<String> r = get(p);
      assertThat(r.statusCode()).as(p).isIn(400, 404);
      assertThat(r.body()).as(p).doesNotContain("SQLite format");
    }
    // broken percent-encoding (java.net.URI refuses to send it) is a 400 with a message
    assertThatThrownBy(() -> Params.parse("run=a&path=%zz"))
        .isInstanceOf(Params.BadRequest.class)
        .hasMessageContaining("percent-encoding");
  }

  @Test
  void theDriftReportIsServedSandboxed() throws Exception {
    String run = json.readTree(get("api/drift").body()).get("windows").get(2).get("runId").asText();
    HttpResponse<String> r = get("drift-report?run=" + run);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Security-Policy").orElseThrow()).endsWith("sandbox");
    assertThat(r.body()).contains("<svg");
    // a run that is not a drift window has no report
    assertThat(get("drift-report?run=" + ws.runA).statusCode()).isEqualTo(404);
  }

  @Test
  void theMountPrefixWithoutItsSlashRedirects() throws Exception {
    try (var t =
        io.github.mlops4j.tracking.Tracker.builder()
            .workspace(ws.workspace)
            .openMode(io.github.mlops4j.store.OpenMode.READ_ONLY)
            .captureEnvironment(false)
            .build()) {
      // tag::mount[]
      ConsoleHandler handler = ConsoleHandler.builder().tracker(t).build(); // + registry, features
      HttpServer host =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      HttpContext context = host.createContext("/console", handler); // links are relative
      // context.setAuthenticator(...): the host's own authentication
      host.start();
      // end::mount[]
      assertThat(context.getPath()).isEqualTo("/console");
      try {
        String base = "http://127.0.0.1:" + host.getAddress().getPort();
        HttpResponse<String> r =
            send(HttpRequest.newBuilder(URI.create(base + "/console")).build());
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location")).hasValue("/console/");
        HttpResponse<String> page =
            send(HttpRequest.newBuilder(URI.create(base + "/console/run?id=" + ws.runB)).build());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("forest-100");
        // without a registry the model pages say so
        assertThat(
                send(HttpRequest.newBuilder(URI.create(base + "/console/models")).build())
                    .statusCode())
            .isEqualTo(404);
      } finally {
        host.stop(0);
      }
    }
  }

  @Test
  void aTokenGuardsEveryRequest() throws Exception {
    String token = "s3cret-token-0123456789";
    try (ConsoleServer guarded =
        ConsoleServer.builder().workspace(ws.workspace).port(0).token(token).start()) {
      URI uri = URI.create(guarded.url() + "runs");
      assertThat(send(HttpRequest.newBuilder(uri).build()).statusCode()).isEqualTo(401);
      HttpResponse<String> wrong =
          send(
              HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token + "x").build());
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(wrong.headers().allValues("WWW-Authenticate")).hasSize(2);
      assertThat(
              send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).build())
                  .statusCode())
          .isEqualTo(200);
      String basic =
          Base64.getEncoder().encodeToString(("me:" + token).getBytes(StandardCharsets.UTF_8));
      assertThat(
              send(HttpRequest.newBuilder(uri).header("Authorization", "Basic " + basic).build())
                  .statusCode())
          .isEqualTo(200);
      assertThat(
              send(HttpRequest.newBuilder(uri).header("Authorization", "Basic %%%").build())
                  .statusCode())
          .isEqualTo(401);
    }
  }

  @Test
  void onlyLoopbackWithoutAToken() {
    assertThatThrownBy(
            () -> ConsoleServer.builder().workspace(ws.workspace).host("0.0.0.0").port(0).start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("without a token");
    assertThatThrownBy(() -> ConsoleServer.builder().port(0).start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ConsoleServer.Builder: a workspace or a tracker is required");
    assertThatThrownBy(() -> ConsoleServer.builder().token("short"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void compareNeedsTwoToTenRuns() throws Exception {
    assertThat(get("api/compare?run=" + ws.runA).statusCode()).isEqualTo(400);
    assertThat(get("api/compare?run=" + ws.runA + "&run=" + ws.runA).statusCode()).isEqualTo(400);
    assertThat(get("api/compare?run=" + ws.runA + "&run=nope").statusCode()).isEqualTo(404);
  }
}
