package io.github.mlops4j.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.tracking.RunInfo;
import io.github.mlops4j.tracking.RunStatus;
import io.github.mlops4j.tracking.Tracker;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone server's JVM-wide settings, each in a JVM of its own. */
class MlflowServerTest {
  @TempDir Path workspace;

  @Test
  void startSetsTheRequestAndResponseTimeLimitsWhenUnset() {
    try (MlflowServer server = MlflowServer.builder().workspace(workspace).port(0).start()) {
      assertThat(server.url()).startsWith("http://");
    }
    assertThat(System.getProperty(MlflowServer.MAX_REQ_TIME_PROPERTY)).isNotNull();
    assertThat(System.getProperty(MlflowServer.MAX_RSP_TIME_PROPERTY)).isNotNull();
  }

  /**
   * As many clients as worker threads send part of their headers and stop; with the JDK's request
   * time limit (1 s here, so the test is short) the server drops them and answers the next client.
   */
  @Test
  void slowClientsDoNotStallTheServer() throws Exception {
    Process child =
        ServerChild.start(
            List.of("-D" + MlflowServer.MAX_REQ_TIME_PROPERTY + "=1"), "serve", workspace);
    List<Socket> slow = new ArrayList<>();
    try {
      URI url = URI.create(ServerChild.url(child));
      for (int i = 0; i < 4; i++) {
        Socket s = new Socket(url.getHost(), url.getPort());
        slow.add(s);
        s.getOutputStream()
            .write(
                "GET /api/2.0/mlflow/experiments/search HTTP/1.1\r\nHost: x\r\nX-Slow: "
                    .getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
      }
      for (Socket s : slow) {
        s.setSoTimeout(60_000); // a safety net: the server closes them after about 1 s
        assertThat(s.getInputStream().read()).isEqualTo(-1);
      }
      try (Socket s = new Socket(url.getHost(), url.getPort())) {
        s.setSoTimeout(60_000);
        OutputStream out = s.getOutputStream();
        out.write(
            ("GET /api/2.0/mlflow/experiments/search?max_results=1 HTTP/1.1\r\n"
                    + "Host: x\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        String reply = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(reply).startsWith("HTTP/1.1 200");
      }
    } finally {
      for (Socket s : slow) {
        s.close();
      }
      ServerChild.stop(child);
    }
  }

  /**
   * A server whose JVM stops leaves its clients' runs running, and a server started again on the
   * workspace takes the logging up where it stopped.
   */
  @Test
  void runsSurviveARestartOfTheServer() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    Process child = ServerChild.start(List.of(), "exit", workspace);
    String runId;
    try {
      String url = ServerChild.url(child);
      String created = post(http, url, "runs/create", "{\"experiment_id\":\"0\"}");
      runId = RestCalls.JSON.readTree(created).path("run").path("info").path("run_id").asText();
      post(http, url, "runs/log-metric", logMetric(runId, 0));
      child.getOutputStream().write('\n');
      child.getOutputStream().flush();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      ServerChild.stop(child);
    }
    try (MlflowServer server = MlflowServer.builder().workspace(workspace).port(0).start()) {
      post(http, server.url(), "runs/log-metric", logMetric(runId, 1));
    }
    try (Tracker tracker = Tracker.open(workspace)) {
      RunInfo run = tracker.findRun(runId).orElseThrow();
      assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
      assertThat(tracker.metricHistory(runId, "loss")).hasSize(2);
    }
  }

  private static String logMetric(String runId, int step) {
    return "{\"run_id\":\""
        + runId
        + "\",\"key\":\"loss\",\"value\":0.5,\"timestamp\":1000,\"step\":"
        + step
        + "}";
  }

  private static String post(HttpClient http, String url, String endpoint, String json)
      throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url + "/api/2.0/mlflow/" + endpoint))
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.body();
  }
}
