package io.github.mlops4j.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.mlops4j.internal.Checks;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelStatus;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.registry.RegisteredModel;
import io.github.mlops4j.tracking.ArtifactInfo;
import io.github.mlops4j.tracking.Experiment;
import io.github.mlops4j.tracking.MetricPoint;
import io.github.mlops4j.tracking.RunInfo;
import io.github.mlops4j.tracking.RunPage;
import io.github.mlops4j.tracking.RunQuery;
import io.github.mlops4j.tracking.RunStatus;
import io.github.mlops4j.tracking.Tracker;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Copies a workspace's runs and registered models to an MLflow tracking server through MLflow's
 * REST API, so a team can browse them in MLflow's UI.
 *
 * <pre>{@code
 * MlflowExportReport report =
 *     MlflowExport.builder()
 *         .tracker(tracker)
 *         .registry(registry)
 *         .target(URI.create("http://mlflow.internal:5000"))
 *         .token(System.getenv("MLFLOW_TRACKING_TOKEN"))
 *         .build()
 *         .run();
 * }</pre>
 *
 * <p>Per experiment (created on the server by name if missing), each ended, not deleted run is
 * copied with its name, params, tags, every metric point (value, step and timestamp), artifacts
 * (through the server's {@code mlflow-artifacts} proxy, so the server must serve artifacts) and
 * final status and end time. Runs still running are left for a later export. Then each registered
 * model (created if missing, with its description and tags), each version whose run was exported
 * (its file is uploaded as an artifact of that run, under {@code
 * mlops-registry/<model>/<version>/}, and registered from there; archived versions are moved to the
 * stage {@code Archived}), and its aliases.
 *
 * <p><b>Idempotent.</b> Every exported run carries the tag {@value #RUN_ID_TAG} with its mlops4j
 * id, and {@value #COMPLETE_TAG} once everything of it is copied; every exported version carries
 * {@value #VERSION_TAG}. A second export finds them and adds nothing. A run counts as exported only
 * with {@value #COMPLETE_TAG} and an ended status: its end (status and end time) is the last thing
 * written, after the tag, since a server may refuse tags on an ended run. A run an interrupted
 * export left incomplete (no tag, or still running on the server) is deleted on the server and
 * copied again.
 *
 * @since 0.1.0
 */
public final class MlflowExport {
  /** Tag of an exported run: the mlops4j run id. */
  public static final String RUN_ID_TAG = "mlops.export.runId";

  /**
   * Tag of an exported run once all of it but its end is on the server; the run is exported once it
   * has this tag and has ended.
   */
  public static final String COMPLETE_TAG = "mlops.export.complete";

  /** Tag of an exported model version: the mlops4j version number. */
  public static final String VERSION_TAG = "mlops.export.version";

  /** Where a source tag in mlops4j's namespace goes on the target (see {@link #targetTag}). */
  static final String SOURCE_TAG_PREFIX = "mlops.export.source.";

  /**
   * The key a source tag is written under on the target. A tag in mlops4j's own namespace ({@code
   * mlops.user}, {@code mlops.end_reason}, ...) describes the source run and must not take that
   * meaning on the target (an mlops4j REST API refuses such keys from clients), so it becomes
   * {@code mlops.export.source.<rest of the key>}; other keys are kept.
   */
  static String targetTag(String key) {
    return key.startsWith(MlflowRestApi.RESERVED_TAG_PREFIX)
            && !key.startsWith(MlflowRestApi.EXPORT_TAG_PREFIX)
        ? SOURCE_TAG_PREFIX + key.substring(MlflowRestApi.RESERVED_TAG_PREFIX.length())
        : key;
  }

  private static final int BATCH = 1000;
  private static final int BATCH_PARAMS = 100;

  private final Tracker tracker;
  private final @Nullable ModelRegistry registry;
  private final URI target;
  private final @Nullable String token;
  private final List<String> experiments;
  private final Duration timeout;
  private final HttpClient http;

  private MlflowExport(Builder b) {
    this.tracker = Objects.requireNonNull(b.tracker);
    this.registry = b.registry;
    String t = Objects.requireNonNull(b.target).toString();
    this.target = URI.create(t.endsWith("/") ? t : t + "/");
    this.token = b.token;
    this.experiments = List.copyOf(b.experiments);
    this.timeout = b.timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Exports runs, then models; see the class description.
   *
   * @throws MlflowExportException if the server refuses a request or cannot be reached; what was
   *     exported before stays, and running again completes the export
   */
  public MlflowExportReport run() {
    Counts c = new Counts();
    Map<String, String> runIds = new HashMap<>(); // mlops4j run id -> server run id
    Map<String, String> artifactRoots = new HashMap<>(); // server run id -> artifact path
    Map<String, List<ModelVersion>> versionsByRun = versionsByRun();
    for (Experiment e : tracker.experiments()) {
      if (!experiments.isEmpty() && !experiments.contains(e.name())) {
        continue;
      }
      String expId = experimentOnServer(e.name(), c);
      for (RunInfo r : runsOf(e.name())) {
        exportRun(
            r, expId, versionsByRun.getOrDefault(r.runId(), List.of()), c, runIds, artifactRoots);
      }
    }
    if (registry != null) {
      for (RegisteredModel m : registry.listModels()) {
        exportModel(m, c, runIds, artifactRoots);
      }
    }
    return new MlflowExportReport(
        c.experiments,
        c.runs,
        c.runsSkipped,
        c.models,
        c.versions,
        c.versionsSkipped,
        c.aliases,
        c.problems);
  }

  private static final class Counts {
    int experiments;
    int runs;
    int runsSkipped;
    int models;
    int versions;
    int versionsSkipped;
    int aliases;
    final List<String> problems = new ArrayList<>();
  }

  private Map<String, List<ModelVersion>> versionsByRun() {
    Map<String, List<ModelVersion>> out = new HashMap<>();
    if (registry != null) {
      for (RegisteredModel m : registry.listModels()) {
        for (ModelVersion v : registry.versions(m.name())) {
          v.runId().ifPresent(id -> out.computeIfAbsent(id, k -> new ArrayList<>()).add(v));
        }
      }
    }
    return out;
  }

  private List<RunInfo> runsOf(String experiment) {
    List<RunInfo> out = new ArrayList<>();
    RunQuery.Builder q =
        RunQuery.builder().experiments(experiment).maxResults(RunQuery.MAX_RESULTS_LIMIT);
    RunPage page = tracker.searchRuns(q.build());
    out.addAll(page.runs());
    while (page.nextPageToken() != null) {
      page = tracker.searchRuns(q.pageToken(page.nextPageToken()).build());
      out.addAll(page.runs());
    }
    return out;
  }

  private String experimentOnServer(String name, Counts c) {
    Answer a = call("GET", "experiments/get-by-name", "experiment_name=" + enc(name), null);
    if (a.status == 200) {
      return a.json.path("experiment").path("experiment_id").asText();
    }
    if (a.status != 404) {
      throw a.failure("experiments/get-by-name");
    }
    ObjectNode body = RestJson.object().put("name", name);
    c.experiments++;
    return ok("experiments/create", call("POST", "experiments/create", "", body))
        .path("experiment_id")
        .asText();
  }

  private void exportRun(
      RunInfo r,
      String expId,
      List<ModelVersion> versions,
      Counts c,
      Map<String, String> runIds,
      Map<String, String> roots) {
    if (r.status() == RunStatus.RUNNING) {
      c.problems.add("run " + r.runId() + ": still running; export it once it has ended");
      return;
    }
    ObjectNode search = RestJson.object();
    search.putArray("experiment_ids").add(expId);
    search.put("filter", "tags.\"" + RUN_ID_TAG + "\" = '" + r.runId() + "'");
    search.put("run_view_type", "ACTIVE_ONLY");
    for (JsonNode found : ok("runs/search", call("POST", "runs/search", "", search)).path("runs")) {
      String id = found.path("info").path("run_id").asText();
      // Complete only once ended too: the end is the last write of a run (see below).
      if (tag(found, COMPLETE_TAG) != null
          && !"RUNNING".equals(found.path("info").path("status").asText())) {
        runIds.put(r.runId(), id);
        roots.put(id, artifactPath(found.path("info").path("artifact_uri").asText()));
        c.runsSkipped++;
        return;
      }
      ok("runs/delete", call("POST", "runs/delete", "", RestJson.object().put("run_id", id)));
    }
    ObjectNode create = RestJson.object();
    create.put("experiment_id", expId);
    create.put("run_name", r.runName());
    create.put("start_time", r.startTime().toEpochMilli());
    create.put("user_id", r.userId());
    ArrayNode createTags = create.putArray("tags");
    createTags.addObject().put("key", RUN_ID_TAG).put("value", r.runId());
    JsonNode info =
        ok("runs/create", call("POST", "runs/create", "", create)).path("run").path("info");
    String id = info.path("run_id").asText();
    String root = artifactPath(info.path("artifact_uri").asText());

    List<Map.Entry<String, String>> params = new ArrayList<>(r.params().entrySet());
    List<Map.Entry<String, String>> tags = new ArrayList<>(r.tags().entrySet());
    tags.removeIf(t -> t.getKey().equals(RUN_ID_TAG) || t.getKey().equals(COMPLETE_TAG));
    for (int i = 0; i < Math.max(params.size(), tags.size()); i += BATCH_PARAMS) {
      ObjectNode batch = RestJson.object().put("run_id", id);
      ArrayNode ps = batch.putArray("params");
      params
          .subList(Math.min(i, params.size()), Math.min(i + BATCH_PARAMS, params.size()))
          .forEach(p -> ps.addObject().put("key", p.getKey()).put("value", p.getValue()));
      ArrayNode ts = batch.putArray("tags");
      tags.subList(Math.min(i, tags.size()), Math.min(i + BATCH_PARAMS, tags.size()))
          .forEach(
              t -> ts.addObject().put("key", targetTag(t.getKey())).put("value", t.getValue()));
      ok("runs/log-batch", call("POST", "runs/log-batch", "", batch));
    }
    for (String key : r.metrics().keySet()) {
      List<MetricPoint> history = tracker.metricHistory(r.runId(), key);
      for (int i = 0; i < history.size(); i += BATCH) {
        ObjectNode batch = RestJson.object().put("run_id", id);
        ArrayNode ms = batch.putArray("metrics");
        for (MetricPoint p : history.subList(i, Math.min(i + BATCH, history.size()))) {
          ObjectNode m = ms.addObject().put("key", key);
          if (Double.isFinite(p.value())) {
            m.put("value", p.value());
          } else {
            m.put(
                "value",
                Double.isNaN(p.value()) ? "NaN" : p.value() > 0 ? "Infinity" : "-Infinity");
          }
          m.put("timestamp", p.timestamp().toEpochMilli()).put("step", p.step());
        }
        ok("runs/log-batch", call("POST", "runs/log-batch", "", batch));
      }
    }
    if (root == null) {
      if (!r.artifacts().isEmpty() || !versions.isEmpty()) {
        c.problems.add(
            "run "
                + r.runId()
                + ": artifacts not exported, the server keeps them at "
                + RestError.cut(info.path("artifact_uri").asText())
                + ", not behind its mlflow-artifacts proxy");
      }
    } else {
      for (ArtifactInfo a : r.artifacts()) {
        upload(
            root + "/" + a.path(),
            () -> tracker.openArtifact(r.runId(), a.path()),
            a.sizeBytes(),
            "artifact " + a.path());
      }
      for (ModelVersion v : versions) {
        ModelRegistry reg = Objects.requireNonNull(registry);
        upload(
            root + "/" + modelPath(v) + "/model",
            () -> reg.openArtifact(v),
            v.sizeBytes(),
            "model " + v);
      }
      roots.put(id, root);
    }
    // The marker is written before the end because a server may refuse tags on an ended run (an
    // mlops4j workspace does); a run counts as complete only with the marker AND ended, so the
    // end, written last, is what completes it. Interrupted before the end, the run stays running
    // with the marker, and the next export deletes it and copies it again.
    ObjectNode done =
        RestJson.object().put("run_id", id).put("key", COMPLETE_TAG).put("value", "true");
    ok("runs/set-tag", call("POST", "runs/set-tag", "", done));
    ObjectNode end = RestJson.object().put("run_id", id).put("status", r.status().name());
    r.endTime().ifPresent(t -> end.put("end_time", t.toEpochMilli()));
    ok("runs/update", call("POST", "runs/update", "", end));
    runIds.put(r.runId(), id);
    c.runs++;
  }

  private static String modelPath(ModelVersion v) {
    return "mlops-registry/" + v.modelName().replace('/', '_') + "/" + v.version();
  }

  private static @Nullable String tag(JsonNode run, String key) {
    for (JsonNode t : run.path("data").path("tags")) {
      if (t.path("key").asText().equals(key)) {
        return t.path("value").asText();
      }
    }
    return null;
  }

  /**
   * The path behind the proxy of an {@code mlflow-artifacts:} URI (not encoded), or null for
   * another scheme.
   */
  private static @Nullable String artifactPath(String uri) {
    if (!uri.startsWith("mlflow-artifacts:")) {
      return null;
    }
    String path = uri.substring("mlflow-artifacts:".length());
    if (path.startsWith("//")) { // mlflow-artifacts://host:port/path
      int slash = path.indexOf('/', 2);
      path = slash < 0 ? "" : path.substring(slash);
    }
    while (path.startsWith("/")) {
      path = path.substring(1);
    }
    return path;
  }

  private void exportModel(
      RegisteredModel m, Counts c, Map<String, String> runIds, Map<String, String> roots) {
    ModelRegistry reg = Objects.requireNonNull(registry);
    Answer got = call("GET", "registered-models/get", "name=" + enc(m.name()), null);
    if (got.status == 404) {
      ObjectNode create =
          RestJson.object().put("name", m.name()).put("description", m.description());
      ArrayNode tags = create.putArray("tags");
      m.tags().forEach((k, v) -> tags.addObject().put("key", targetTag(k)).put("value", v));
      ok("registered-models/create", call("POST", "registered-models/create", "", create));
      c.models++;
    } else if (got.status != 200) {
      throw got.failure("registered-models/get");
    }
    Map<Integer, String> onServer = new LinkedHashMap<>();
    String filter = "name = '" + m.name().replace("'", "\\'") + "'";
    JsonNode found =
        ok(
            "model-versions/search",
            call(
                "GET",
                "model-versions/search",
                "filter=" + enc(filter) + "&max_results=10000",
                null));
    for (JsonNode v : found.path("model_versions")) {
      for (JsonNode t : v.path("tags")) {
        if (t.path("key").asText().equals(VERSION_TAG)) {
          try {
            onServer.put(Integer.parseInt(t.path("value").asText()), v.path("version").asText());
          } catch (NumberFormatException e) {
            // not ours
          }
        }
      }
    }
    for (ModelVersion v : reg.versions(m.name())) {
      if (onServer.containsKey(v.version())) {
        c.versionsSkipped++;
        continue;
      }
      String serverRun = v.runId().map(runIds::get).orElse(null);
      String root = serverRun == null ? null : roots.get(serverRun);
      if (serverRun == null || root == null) {
        c.problems.add(
            "model "
                + RestError.cut(m.name())
                + " version "
                + v.version()
                + ": not exported, "
                + (v.runId().isEmpty()
                    ? "it has no run to hold its file"
                    : "its run was not exported with its artifacts"));
        continue;
      }
      ObjectNode create = RestJson.object().put("name", m.name());
      create.put("source", "mlflow-artifacts:/" + root + "/" + modelPath(v) + "/model");
      create.put("run_id", serverRun);
      create.put("description", v.description());
      ArrayNode tags = create.putArray("tags");
      v.tags().forEach((k, val) -> tags.addObject().put("key", targetTag(k)).put("value", val));
      tags.addObject().put("key", VERSION_TAG).put("value", Integer.toString(v.version()));
      String number =
          ok("model-versions/create", call("POST", "model-versions/create", "", create))
              .path("model_version")
              .path("version")
              .asText();
      onServer.put(v.version(), number);
      c.versions++;
      if (v.status() == ModelStatus.ARCHIVED) {
        ObjectNode stage =
            RestJson.object().put("name", m.name()).put("version", number).put("stage", "Archived");
        stage.put("archive_existing_versions", false);
        ok(
            "model-versions/transition-stage",
            call("POST", "model-versions/transition-stage", "", stage));
      }
    }
    for (Map.Entry<String, Integer> alias : m.aliases().entrySet()) {
      String number = onServer.get(alias.getValue());
      if (number == null) {
        c.problems.add(
            "model "
                + RestError.cut(m.name())
                + " alias "
                + alias.getKey()
                + ": its version was not exported");
        continue;
      }
      ObjectNode set =
          RestJson.object()
              .put("name", m.name())
              .put("alias", alias.getKey())
              .put("version", number);
      ok("registered-models/alias", call("POST", "registered-models/alias", "", set));
      c.aliases++;
    }
  }

  // ---------------------------------------------------------------- HTTP

  private record Answer(int status, JsonNode json, String endpoint) {
    MlflowExportException failure(String what) {
      String code = json.path("error_code").asText(null);
      String message = json.path("message").asText("");
      return new MlflowExportException(
          what,
          status,
          code,
          "MLflow server refused "
              + what
              + " with HTTP "
              + status
              + (code == null ? "" : " " + code)
              + ": "
              + RestError.cut(message),
          null);
    }
  }

  private static JsonNode ok(String endpoint, Answer a) {
    if (a.status != 200) {
      throw a.failure(endpoint);
    }
    return a.json;
  }

  private Answer call(String method, String endpoint, String query, @Nullable JsonNode body) {
    URI uri = target.resolve("api/2.0/mlflow/" + endpoint + (query.isEmpty() ? "" : "?" + query));
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json");
      b.method(method, HttpRequest.BodyPublishers.ofString(RestJson.write(body)));
    }
    HttpResponse<byte[]> r = send(b.build(), endpoint);
    JsonNode json;
    try {
      json = r.body().length == 0 ? RestJson.object() : RestJson.MAPPER.readTree(r.body());
    } catch (IOException e) {
      json = RestJson.object().put("message", "not JSON: " + e.getMessage());
    }
    return new Answer(r.statusCode(), json == null ? RestJson.object() : json, endpoint);
  }

  /** Opens a file to upload; each call opens it anew (a request may be sent again). */
  @FunctionalInterface
  private interface Content {
    InputStream open() throws IOException;
  }

  /**
   * Uploads a file streamed from its store: the body is read in the HTTP client's small buffers as
   * it is sent, never held whole in memory, and sent with its known length as Content-Length.
   */
  private void upload(String path, Content content, long length, String what) {
    URI uri = target.resolve("api/2.0/mlflow-artifacts/artifacts/" + encPath(path));
    List<InputStream> opened = new ArrayList<>();
    HttpRequest.BodyPublisher stream =
        HttpRequest.BodyPublishers.ofInputStream(
            () -> {
              try {
                InputStream in = content.open();
                synchronized (opened) {
                  opened.add(in);
                }
                return in;
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .PUT(length > 0 ? HttpRequest.BodyPublishers.fromPublisher(stream, length) : stream);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    HttpResponse<byte[]> r;
    try {
      r = send(b.build(), "mlflow-artifacts");
    } catch (MlflowExportException e) {
      Throwable cause = e.getCause();
      while (cause != null && !(cause instanceof UncheckedIOException)) {
        cause = cause.getCause();
      }
      if (cause != null) {
        throw new MlflowExportException(
            "mlflow-artifacts", 0, null, "Could not read " + what + ": " + cause.getCause(), e);
      }
      throw e;
    } finally {
      synchronized (opened) {
        for (InputStream in : opened) {
          try {
            in.close();
          } catch (IOException e) {
            // already sent or failed; nothing more to read from it
          }
        }
      }
    }
    if (r.statusCode() != 200) {
      JsonNode json;
      try {
        json = RestJson.MAPPER.readTree(r.body());
      } catch (IOException e) {
        json = RestJson.object();
      }
      throw new Answer(r.statusCode(), json == null ? RestJson.object() : json, "mlflow-artifacts")
          .failure("mlflow-artifacts upload of " + RestError.cut(path));
    }
  }

  private HttpResponse<byte[]> send(HttpRequest request, String endpoint) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new MlflowExportException(
          endpoint, 0, null, "Could not reach the MLflow server at " + target + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MlflowExportException(endpoint, 0, null, "Interrupted while exporting", e);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String encPath(String path) {
    StringBuilder out = new StringBuilder();
    for (String seg : path.split("/", -1)) {
      if (out.length() > 0) {
        out.append('/');
      }
      out.append(enc(seg));
    }
    return out.toString();
  }

  /**
   * Builds an {@link MlflowExport}; {@link #tracker} and {@link #target} are required.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private @Nullable Tracker tracker;
    private @Nullable ModelRegistry registry;
    private @Nullable URI target;
    private @Nullable String token;
    private final List<String> experiments = new ArrayList<>();
    private Duration timeout = Duration.ofMinutes(1);

    private Builder() {}

    /** The workspace's runs to export. */
    public Builder tracker(Tracker tracker) {
      this.tracker = Objects.requireNonNull(tracker, "tracker");
      return this;
    }

    /** The workspace's registered models to export (none without it). */
    public Builder registry(ModelRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** The MLflow server's base URL, such as {@code http://mlflow.internal:5000}. */
    public Builder target(URI target) {
      Objects.requireNonNull(target, "target");
      if (!"http".equals(target.getScheme()) && !"https".equals(target.getScheme())) {
        throw new IllegalArgumentException("target must be an http or https URL, not " + target);
      }
      this.target = target;
      return this;
    }

    /** A bearer token sent with every request. */
    public Builder token(String token) {
      this.token = Objects.requireNonNull(token, "token");
      return this;
    }

    /** Only these experiments (by name); every experiment by default. */
    public Builder experiments(String... names) {
      for (String n : names) {
        experiments.add(Objects.requireNonNull(n, "experiment name"));
      }
      return this;
    }

    /** Time allowed to each request (default 1 minute). */
    public Builder timeout(Duration timeout) {
      this.timeout = Checks.positive(timeout, "timeout");
      return this;
    }

    /**
     * Builds the export.
     *
     * @throws IllegalStateException if the tracker or the target is missing
     */
    public MlflowExport build() {
      if (tracker == null) {
        throw Checks.missing("MlflowExport.Builder", "tracker", "tracker(Tracker)");
      }
      if (target == null) {
        throw Checks.missing("MlflowExport.Builder", "target", "target(URI)");
      }
      return new MlflowExport(this);
    }
  }
}
