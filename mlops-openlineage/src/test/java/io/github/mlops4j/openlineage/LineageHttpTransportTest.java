package io.github.mlops4j.openlineage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.mlops4j.data.DatasetVersion;
import io.github.mlops4j.openlineage.testing.LineageSchema;
import io.github.mlops4j.registry.ModelArtifact;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.tracking.Run;
import io.github.mlops4j.tracking.RunStatus;
import io.github.mlops4j.tracking.Tracker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP transport against a local OpenLineage endpoint (the JDK's HTTP server standing in for
 * Marquez or DataHub): what arrives, and what happens when the endpoint fails, is down or is slow.
 */
class LineageHttpTransportTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private final List<String> contentTypes = new CopyOnWriteArrayList<>();
  private HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  /** Starts the endpoint; {@code status} answers the n-th request (0-based). */
  private URI serve(
      java.util.function.IntUnaryOperator status, CountDownLatch arrived, CountDownLatch release)
      throws IOException {
    AtomicInteger n = new AtomicInteger();
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.createContext(
        "/api/v1/lineage",
        (HttpExchange x) -> {
          try (x) {
            String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            arrived.countDown();
            release.await(60, TimeUnit.SECONDS); // safety net only: tests release it
            contentTypes.add(String.valueOf(x.getRequestHeaders().getFirst("Content-Type")));
            int code = status.applyAsInt(n.getAndIncrement());
            if (code < 300 && x.getRequestMethod().equals("POST")) {
              bodies.add(body);
            }
            x.sendResponseHeaders(code, -1);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private URI serve() throws IOException {
    return serve(i -> 201, new CountDownLatch(0), new CountDownLatch(0));
  }

  @Test
  void theEndpointReceivesJobRunInputsOutputsAndParent() throws Exception {
    URI url = serve();
    Path data = Files.writeString(dir.resolve("train.csv"), "a,b\n1,2\n3,4\n");
    DatasetVersion train = DatasetVersion.of(data);
    String parentId;
    String childId;
    try (Store store = Store.open(dir.resolve("ws"));
        Tracker tracker = Tracker.builder().store(store).captureEnvironment(false).build();
        ModelRegistry registry =
            ModelRegistry.builder().store(store).pollInterval(Duration.ZERO).build();
        LineageEmitter lineage =
            LineageEmitter.builder().transport(LineageTransport.http(url)).build()) {
      lineage.observe(tracker);
      lineage.observe(registry);
      try (Run parent = tracker.startRun("fraud")) {
        parentId = parent.id();
        try (Run child = parent.newChildRun().start()) {
          childId = child.id();
          child.logInput(train, "train");
          registry.register(
              "fraud-model",
              ModelArtifact.file(Files.writeString(dir.resolve("m.bin"), "m"), "bin"),
              childId);
        }
      }
      assertThat(lineage.flush(Duration.ofSeconds(30))).isTrue();
      assertThat(lineage.droppedEvents()).isZero();
    }
    // parent START, child START, model created, version registered, child COMPLETE, parent COMPLETE
    assertThat(bodies).hasSize(6);
    assertThat(contentTypes).allSatisfy(t -> assertThat(t).startsWith("application/json"));
    LineageSchema schema = new LineageSchema();
    for (String b : bodies) {
      assertThat(schema.errors(b)).as(b).isEmpty();
    }
    String child = LineageEvents.uuid(childId).toString();
    String parent = LineageEvents.uuid(parentId).toString();
    JsonNode childEnd = find("COMPLETE", child);
    assertThat(childEnd.at("/job/namespace").asText()).isEqualTo("mlops4j");
    assertThat(childEnd.at("/job/name").asText()).isEqualTo("fraud");
    assertThat(childEnd.at("/inputs/0/facets/version/datasetVersion").asText())
        .isEqualTo(train.digest());
    JsonNode childStart = find("START", child);
    assertThat(childStart.at("/run/facets/parent/run/runId").asText()).isEqualTo(parent);
    assertThat(childStart.at("/run/facets/parent/job/name").asText()).isEqualTo("fraud");
    JsonNode registered =
        bodies.stream()
            .map(LineageHttpTransportTest::tree)
            .filter(e -> e.at("/outputs/0/name").asText().equals("models/fraud-model/1"))
            .findFirst()
            .orElseThrow();
    assertThat(registered.at("/run/facets/parent/run/runId").asText()).isEqualTo(child);
    assertThat(registered.at("/inputs/0/name").asText())
        .isEqualTo(data.toAbsolutePath().toString());
  }

  @Test
  void anEndpointThatFails_isRetriedUntilItAnswers() throws Exception {
    URI url = serve(i -> i < 2 ? 500 : 200, new CountDownLatch(0), new CountDownLatch(0));
    try (Tracker tracker = Tracker.builder().workspace(dir.resolve("ws")).build();
        LineageEmitter lineage =
            LineageEmitter.builder()
                .transport(LineageTransport.http(url))
                .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(2))
                .build()) {
      lineage.observe(tracker);
      tracker.startRun("e");
      assertThat(lineage.flush(Duration.ofSeconds(30))).isTrue();
      assertThat(lineage.retriedSends()).isEqualTo(2);
      assertThat(lineage.sentEvents()).isEqualTo(1);
      assertThat(lineage.droppedEvents()).isZero();
    }
    assertThat(bodies).hasSize(1);
  }

  @Test
  void anEndpointThatIsDown_isRetriedThenCountedAsDropped_andTheRunIsUnaffected() throws Exception {
    URI url = serve();
    server.stop(0); // nothing listens on the port any more
    server = null;
    try (Tracker tracker = Tracker.builder().workspace(dir.resolve("ws")).build();
        LineageEmitter lineage =
            LineageEmitter.builder()
                .transport(LineageTransport.http(url))
                .maxAttempts(3)
                .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(2))
                .build()) {
      lineage.observe(tracker);
      String id;
      try (Run run = tracker.startRun("e")) {
        id = run.id();
        run.logParam("lr", "0.1");
      }
      assertThat(tracker.findRun(id).orElseThrow().status()).isEqualTo(RunStatus.FINISHED);
      assertThat(tracker.findRun(id).orElseThrow().params()).isEqualTo(Map.of("lr", "0.1"));
      assertThat(lineage.flush(Duration.ofSeconds(30))).isTrue();
      assertThat(lineage.droppedEvents()).isEqualTo(2); // START and COMPLETE
      assertThat(lineage.retriedSends()).isEqualTo(4); // two retries each
      assertThat(lineage.sentEvents()).isZero();
    }
  }

  @Test
  void aFullQueue_dropsAndCountsWithoutBlockingTheCaller() throws Exception {
    CountDownLatch arrived = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    URI url = serve(i -> 200, arrived, release);
    try (Tracker tracker = Tracker.builder().workspace(dir.resolve("ws")).build();
        LineageEmitter lineage =
            LineageEmitter.builder()
                .transport(
                    LineageTransport.http(url, Duration.ofSeconds(60), Map.of("X-Team", "a")))
                .queueCapacity(1)
                .build()) {
      lineage.observe(tracker);
      try {
        Run first = tracker.startRun("e"); // its START is being sent: the endpoint holds it
        assertThat(arrived.await(30, TimeUnit.SECONDS)).isTrue();
        first.close(); // its COMPLETE waits in the queue, which is now full
        tracker.startRun("e").close(); // both events of this run are dropped at once
        assertThat(lineage.droppedEvents()).isEqualTo(2);
      } finally {
        release.countDown();
      }
      assertThat(lineage.flush(Duration.ofSeconds(30))).isTrue();
      assertThat(lineage.sentEvents()).isEqualTo(2);
    }
    assertThat(bodies).hasSize(2);
  }

  @Test
  void closeGivesUpAfterItsTimeout_andCountsWhatWasNotSent() throws Exception {
    CountDownLatch arrived = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    URI url = serve(i -> 200, arrived, release);
    LineageEmitter lineage;
    try (Tracker tracker = Tracker.builder().workspace(dir.resolve("ws")).build()) {
      lineage =
          LineageEmitter.builder()
              .transport(LineageTransport.http(url, Duration.ofSeconds(60), Map.of()))
              .closeTimeout(Duration.ofMillis(200))
              .build();
      try {
        lineage.observe(tracker);
        tracker.startRun("e").close(); // START held by the endpoint, COMPLETE queued
        assertThat(arrived.await(30, TimeUnit.SECONDS)).isTrue();
        lineage.close(); // returns although the endpoint never answers
        assertThat(lineage.droppedEvents()).isEqualTo(2);
        assertThat(lineage.sentEvents()).isZero();
        tracker.startRun("after").close(); // the tracker goes on; the closed emitter drops
        assertThat(lineage.droppedEvents()).isEqualTo(4);
      } finally {
        release.countDown();
      }
    }
  }

  private JsonNode find(String type, String runId) {
    return bodies.stream()
        .map(LineageHttpTransportTest::tree)
        .filter(e -> e.at("/eventType").asText().equals(type))
        .filter(e -> e.at("/run/runId").asText().equals(runId))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type + " of " + runId + " in " + bodies));
  }

  private static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
