package io.github.mlops4j.benchmarks;

import io.github.mlops4j.mlflow.MlflowServer;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.tracking.Run;
import io.github.mlops4j.tracking.Tracker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Metric points per second through MLflow's REST API ({@code runs/log-batch}) served by {@link
 * MlflowServer}, beside the in-process {@code Run.logMetric} rate in the same run.
 *
 * <p>Setup: an embedded workspace (SQLite) with one running run, served by the standalone server on
 * 127.0.0.1 with a bearer token and its default 4 request threads; one JDK {@code HttpClient}
 * (HTTP/1.1, so one kept-alive connection as calls are sequential) in the benchmark thread.
 *
 * <ul>
 *   <li>{@code restLogBatch}: one {@code POST /api/2.0/mlflow/runs/log-batch} of {@value #POINTS}
 *       metrics (10 keys x 100 steps, with timestamps; the JSON body built once in set-up, as a
 *       client reusing its buffers would), answered after the points are stored (the handler waits
 *       for the tracker's flush, so a read right after sees them).
 *   <li>{@code inProcessLogMetric} (baseline): the same {@value #POINTS} points through {@code
 *       run.logMetric(key, value, step)} and then {@code tracker.flush}, the same durability.
 * </ul>
 *
 * <p>Score: points per second ({@code @OperationsPerInvocation(1000)}). Target for the REST path:
 * at least 20,000 points/s on one client connection.
 *
 * <p>Run (from the repository root): {@code java -jar mlops-benchmarks/target/benchmarks.jar
 * MlflowLogBatchBenchmark -f 1}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
@State(Scope.Benchmark)
public class MlflowLogBatchBenchmark {
  static final int POINTS = 1000;
  private static final String TOKEN = "benchmark-token-0123456789";

  Path dir;
  Tracker tracker;
  ModelRegistry registry;
  MlflowServer server;
  HttpClient http;
  HttpRequest logBatch;
  Run local;

  @Setup
  public void setUp() throws Exception {
    dir = BenchmarkSupport.tempDir("mlflow-bench");
    tracker = Tracker.builder().workspace(dir).captureEnvironment(false).build();
    registry = ModelRegistry.open(dir);
    server =
        MlflowServer.builder().tracker(tracker).registry(registry).port(0).token(TOKEN).start();
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String created = post("runs/create", "{\"experiment_id\": \"0\"}").body();
    int at = created.indexOf("\"run_id\":\"") + 10;
    String runId = created.substring(at, created.indexOf('"', at));
    StringBuilder body = new StringBuilder("{\"run_id\": \"" + runId + "\", \"metrics\": [");
    for (int i = 0; i < POINTS; i++) {
      body.append(i == 0 ? "" : ",")
          .append("{\"key\": \"m")
          .append(i % 10)
          .append("\", \"value\": ")
          .append(i * 0.001)
          .append(", \"timestamp\": ")
          .append(1_700_000_000_000L + i)
          .append(", \"step\": ")
          .append(i / 10)
          .append('}');
    }
    logBatch = request("runs/log-batch", body.append("]}").toString());
    local = tracker.startRun("in-process");
  }

  private HttpRequest request(String endpoint, String json) {
    return HttpRequest.newBuilder(URI.create(server.url() + "/api/2.0/mlflow/" + endpoint))
        .header("Authorization", "Bearer " + TOKEN)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json))
        .build();
  }

  private HttpResponse<String> post(String endpoint, String json) throws Exception {
    HttpResponse<String> r =
        http.send(request(endpoint, json), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(endpoint + " answered " + r.statusCode() + ": " + r.body());
    }
    return r;
  }

  @TearDown
  public void tearDown() {
    local.close();
    server.close();
    registry.close();
    tracker.close();
    BenchmarkSupport.deleteRecursively(dir);
  }

  @Benchmark
  @OperationsPerInvocation(POINTS)
  public int restLogBatch() throws Exception {
    HttpResponse<String> r = http.send(logBatch, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("log-batch answered " + r.statusCode() + ": " + r.body());
    }
    return r.body().length();
  }

  @Benchmark
  @OperationsPerInvocation(POINTS)
  public boolean inProcessLogMetric() {
    for (int i = 0; i < POINTS; i++) {
      local.logMetric("m" + (i % 10), i * 0.001, i / 10);
    }
    return tracker.flush(Duration.ofSeconds(30));
  }
}
