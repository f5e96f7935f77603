package io.github.mlops4j.mlflow;

import static io.github.mlops4j.mlflow.RestJson.bool;
import static io.github.mlops4j.mlflow.RestJson.dbl;
import static io.github.mlops4j.mlflow.RestJson.longOr;
import static io.github.mlops4j.mlflow.RestJson.object;
import static io.github.mlops4j.mlflow.RestJson.objects;
import static io.github.mlops4j.mlflow.RestJson.optLong;
import static io.github.mlops4j.mlflow.RestJson.optString;
import static io.github.mlops4j.mlflow.RestJson.string;
import static io.github.mlops4j.mlflow.RestJson.strings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.mlops4j.governance.DataAccessDeniedException;
import io.github.mlops4j.internal.Checks;
import io.github.mlops4j.registry.AccessDeniedException;
import io.github.mlops4j.registry.ModelArtifact;
import io.github.mlops4j.registry.ModelNotFoundException;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelStatus;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.registry.RegisteredModel;
import io.github.mlops4j.registry.RegistryException;
import io.github.mlops4j.registry.validation.ValidationException;
import io.github.mlops4j.tracking.ArtifactInfo;
import io.github.mlops4j.tracking.Experiment;
import io.github.mlops4j.tracking.ExperimentNotFoundException;
import io.github.mlops4j.tracking.InvalidFilterException;
import io.github.mlops4j.tracking.MetricHistoryPage;
import io.github.mlops4j.tracking.MetricPoint;
import io.github.mlops4j.tracking.ParamConflictException;
import io.github.mlops4j.tracking.Run;
import io.github.mlops4j.tracking.RunBuilder;
import io.github.mlops4j.tracking.RunEndedException;
import io.github.mlops4j.tracking.RunInfo;
import io.github.mlops4j.tracking.RunNotFoundException;
import io.github.mlops4j.tracking.RunPage;
import io.github.mlops4j.tracking.RunQuery;
import io.github.mlops4j.tracking.RunStatus;
import io.github.mlops4j.tracking.Tracker;
import io.github.mlops4j.tracking.TrackingLimits;
import io.github.mlops4j.tracking.ViewType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * MLflow's tracking and model registry REST API (version 2.0) and its artifact proxy ({@code
 * mlflow-artifacts}), answered from an mlops4j {@link Tracker} and {@link ModelRegistry}, so that
 * MLflow's clients log to and read from an mlops4j workspace.
 *
 * <pre>{@code
 * MlflowRestApi api = MlflowRestApi.builder().tracker(tracker).registry(registry).build();
 * MlflowResponse response =
 *     api.handle(new MlflowRequest("POST", "/api/2.0/mlflow/runs/create", "", body, "alice"));
 * }</pre>
 *
 * <p>The request path may carry a prefix before {@code /api/2.0/} (a servlet context, say). A
 * request's principal is the user of the runs it creates (tag {@value Tracker#USER_TAG}) and the
 * actor of every registry change it makes. Every failure is answered in MLflow's error format
 * ({@code {"error_code": ..., "message": ...}}) with the HTTP status MLflow's server gives that
 * code; a malformed request changes nothing.
 *
 * <p>What does not map (see docs/mlflow.md): logging to a run that has ended ({@code
 * INVALID_PARAMETER_VALUE}; MLflow allows it), renaming a run, client-chosen start and end times,
 * experiment tags, deleting experiments, and deleting a registered model that still has aliases.
 * Metrics logged through the API are stored before the request is answered, so a read right after
 * sees them.
 *
 * <p>Limits: a JSON body of at most {@link Builder#maxBodyBytes} (default {@value
 * #DEFAULT_MAX_BODY_BYTES} bytes) nested at most 32 levels; an uploaded artifact of at most {@link
 * Builder#maxArtifactBytes} (default {@value #DEFAULT_MAX_ARTIFACT_BYTES} bytes); {@code log-batch}
 * as in MLflow (1,000 metrics, 100 params, 100 tags). Thread-safe.
 *
 * @since 0.1.0
 */
public final class MlflowRestApi implements MlflowHandler {
  /** Default largest JSON request body: 16 MiB. */
  public static final long DEFAULT_MAX_BODY_BYTES = 16L << 20;

  /** Default largest uploaded artifact: 1 GiB. */
  public static final long DEFAULT_MAX_ARTIFACT_BYTES = 1L << 30;

  /** MLflow's limits of one {@code log-batch} request. */
  static final int MAX_BATCH_METRICS = 1000;

  static final int MAX_BATCH_PARAMS = 100;
  static final int MAX_BATCH_TAGS = 100;
  static final int MAX_BATCH_TOTAL = 1000;

  /** The experiment MLflow's clients use when none is named. */
  static final String DEFAULT_EXPERIMENT_ID = "0";

  static final String DEFAULT_EXPERIMENT_NAME = "Default";

  /** Cached run handles beyond which the store is asked which runs still run. */
  static final int HANDLE_SWEEP = 256;

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(MlflowRestApi.class);
  private static final Pattern NAME_FILTER =
      Pattern.compile("\\s*name\\s*(=|LIKE)\\s*(?:'([^']*)'|\"([^\"]*)\")\\s*");
  private static final Pattern VERSION_FILTER =
      Pattern.compile("\\s*(name|run_id)\\s*=\\s*(?:'([^']*)'|\"([^\"]*)\")\\s*");

  private final Tracker tracker;
  private final ModelRegistry registry;
  private final long maxBodyBytes;
  private final long maxArtifactBytes;
  private final Duration flushTimeout;
  private final Map<String, Run> handles = new ConcurrentHashMap<>();

  /** The workspace id of the experiment shown to clients as "0"; set on first use. */
  private volatile @Nullable String defaultExperimentId;

  private MlflowRestApi(Builder b) {
    this.tracker = Objects.requireNonNull(b.tracker);
    this.registry = Objects.requireNonNull(b.registry);
    this.maxBodyBytes = b.maxBodyBytes;
    this.maxArtifactBytes = b.maxArtifactBytes;
    this.flushTimeout = b.flushTimeout;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public MlflowResponse handle(MlflowRequest request) {
    Objects.requireNonNull(request, "request");
    try {
      return route(request);
    } catch (RestError e) {
      return error(e.code(), e.getMessage());
    } catch (ParamConflictException e) {
      return error(RestError.Code.INVALID_PARAMETER_VALUE, e.getMessage());
    } catch (RunNotFoundException | ExperimentNotFoundException | ModelNotFoundException e) {
      return error(RestError.Code.RESOURCE_DOES_NOT_EXIST, e.getMessage());
    } catch (RunEndedException e) {
      return error(RestError.Code.INVALID_PARAMETER_VALUE, e.getMessage());
    } catch (InvalidFilterException e) {
      return error(RestError.Code.INVALID_PARAMETER_VALUE, e.getMessage());
    } catch (AccessDeniedException | DataAccessDeniedException e) {
      return error(RestError.Code.PERMISSION_DENIED, e.getMessage());
    } catch (RegistryException e) {
      // A refusal (an alias blocks it, a validation rule, a name taken) is the client's to fix:
      // 400, which MLflow's clients do not retry. A stored model that fails its checks is not.
      return error(
          refusal(e) ? RestError.Code.INVALID_PARAMETER_VALUE : RestError.Code.INVALID_STATE,
          e.getMessage());
    } catch (IllegalArgumentException | NullPointerException e) {
      return error(RestError.Code.INVALID_PARAMETER_VALUE, String.valueOf(e.getMessage()));
    } catch (IllegalStateException e) {
      return error(RestError.Code.INVALID_STATE, String.valueOf(e.getMessage()));
    } catch (RuntimeException e) {
      LOG.warn("MLflow REST request {} {} failed", request.method(), cut(request.path()), e);
      return error(
          RestError.Code.INTERNAL_ERROR,
          "Internal error: " + e.getClass().getSimpleName() + " (details in the server's log)");
    }
  }

  /** A registry refusal of the request, not a failure of stored data or of the store. */
  private static boolean refusal(RegistryException e) {
    return e.getCause() == null
        && (e.getClass() == RegistryException.class || e instanceof ValidationException);
  }

  static MlflowResponse error(RestError.Code code, @Nullable String message) {
    ObjectNode o = object();
    o.put("error_code", code.name());
    String m = message == null ? code.name() : message;
    o.put("message", m.length() > 1000 ? m.substring(0, 1000) + "..." : m);
    return MlflowResponse.json(code.status, RestJson.write(o));
  }

  private static String cut(String s) {
    return RestError.cut(s);
  }

  // ---------------------------------------------------------------- routing

  private MlflowResponse route(MlflowRequest r) {
    String raw = r.path();
    int api = raw.indexOf("/api/2.0/");
    if (api < 0) {
      throw notAnEndpoint(r);
    }
    String rest = raw.substring(api + "/api/2.0/".length());
    String method = r.method().toUpperCase(Locale.ROOT);
    if (rest.equals("mlflow-artifacts/artifacts")
        || rest.startsWith("mlflow-artifacts/artifacts/")) {
      return artifacts(r, method, rest.substring("mlflow-artifacts/artifacts".length()));
    }
    if (!rest.startsWith("mlflow/")) {
      throw notAnEndpoint(r);
    }
    String endpoint = RestJson.decode(rest.substring("mlflow/".length()), false);
    byte[] body = method.equals("GET") ? new byte[0] : RestJson.readBounded(r.body(), maxBodyBytes);
    ObjectNode p = RestJson.params(r.query(), body);
    String who = r.principal();
    ObjectNode out =
        switch (method + " " + endpoint) {
          case "POST experiments/create" -> createExperiment(p);
          case "GET experiments/get" -> getExperiment(p);
          case "GET experiments/get-by-name" -> getExperimentByName(p);
          case "GET experiments/search", "POST experiments/search" -> searchExperiments(p);
          case "POST runs/create" -> createRun(p, who);
          case "GET runs/get" -> wrap("run", runJson(requireRun(runId(p))));
          case "POST runs/update" -> updateRun(p);
          case "POST runs/delete" -> deleteRun(p, true);
          case "POST runs/restore" -> deleteRun(p, false);
          case "POST runs/search", "GET runs/search" -> searchRuns(p);
          case "POST runs/log-metric" -> logMetric(p);
          case "POST runs/log-parameter" -> logParam(p);
          case "POST runs/set-tag" -> setTag(p);
          case "POST runs/delete-tag" -> deleteTag(p);
          case "POST runs/log-batch" -> logBatch(p);
          case "GET metrics/get-history" -> metricHistory(p);
          case "GET artifacts/list" -> listRunArtifacts(p);
          case "POST registered-models/create" -> createModel(p, who);
          case "GET registered-models/get" -> wrap("registered_model", modelJson(model(p)));
          case "GET registered-models/search", "POST registered-models/search" -> searchModels(p);
          case "PATCH registered-models/update" -> updateModel(p, who);
          case "DELETE registered-models/delete" -> deleteModel(p, who);
          case "POST registered-models/get-latest-versions",
              "GET registered-models/get-latest-versions" ->
              latestVersions(p);
          case "POST model-versions/create" -> createVersion(p, who);
          case "GET model-versions/get" -> wrap("model_version", versionJson(version(p)));
          case "GET model-versions/search", "POST model-versions/search" -> searchVersions(p);
          case "PATCH model-versions/update" -> updateVersion(p, who);
          case "POST model-versions/transition-stage" -> transitionStage(p, who);
          case "POST registered-models/alias" -> setAlias(p, who);
          case "DELETE registered-models/alias" -> deleteAlias(p, who);
          case "GET registered-models/alias" -> getAlias(p);
          default -> throw notAnEndpoint(r);
        };
    return MlflowResponse.json(200, RestJson.write(out));
  }

  private static RestError notAnEndpoint(MlflowRequest r) {
    return new RestError(
        RestError.Code.ENDPOINT_NOT_FOUND,
        "No endpoint " + r.method() + " " + cut(r.path()) + " in MLflow's REST API 2.0 here");
  }

  private static ObjectNode wrap(String field, JsonNode value) {
    ObjectNode o = object();
    o.set(field, value);
    return o;
  }

  // ---------------------------------------------------------------- experiments

  private ObjectNode createExperiment(JsonNode p) {
    String name = string(p, "name");
    if (tracker.findExperiment(name).isPresent()) {
      throw new RestError(
          RestError.Code.RESOURCE_ALREADY_EXISTS, "Experiment '" + cut(name) + "' already exists");
    }
    if (optString(p, "artifact_location") != null) {
      throw RestError.invalid(
          "artifact_location is not supported: artifacts live in the workspace's artifact store");
    }
    objects(p, "tags"); // type-checked; experiment tags are not stored
    ObjectNode o = object();
    o.put("experiment_id", wireId(tracker.createExperiment(name).id()));
    return o;
  }

  private ObjectNode getExperiment(JsonNode p) {
    return wrap("experiment", experimentJson(experimentById(string(p, "experiment_id"))));
  }

  private ObjectNode getExperimentByName(JsonNode p) {
    String name = string(p, "experiment_name");
    Experiment e =
        tracker
            .findExperiment(name)
            .orElseThrow(
                () ->
                    RestError.notFound("Could not find experiment with name '" + cut(name) + "'"));
    return wrap("experiment", experimentJson(e));
  }

  private ObjectNode searchExperiments(JsonNode p) {
    String filter = Objects.requireNonNullElse(optString(p, "filter"), "");
    List<Experiment> all = new ArrayList<>(tracker.experiments());
    if (!filter.isBlank()) {
      Matcher m = NAME_FILTER.matcher(filter);
      if (!m.matches()) {
        throw RestError.invalid(
            "Only filters of the form name = '...' or name LIKE '...' are supported on experiments,"
                + " not '"
                + cut(filter)
                + "'");
      }
      String value = m.group(2) != null ? m.group(2) : m.group(3);
      Pattern like = m.group(1).equals("=") ? null : likePattern(value);
      all.removeIf(e -> like == null ? !e.name().equals(value) : !like.matcher(e.name()).matches());
    }
    String view = Objects.requireNonNullElse(optString(p, "view_type"), "ACTIVE_ONLY");
    if (view.equals("DELETED_ONLY")) {
      all.clear(); // experiments are never deleted here
    } else if (!view.equals("ACTIVE_ONLY") && !view.equals("ALL")) {
      throw RestError.invalid("Invalid view_type '" + cut(view) + "'");
    }
    all.sort(Comparator.comparing(Experiment::creationTime).reversed());
    ArrayNode list = object().arrayNode();
    ObjectNode out = object();
    page(all, p, 1000, 50_000, out).forEach(e -> list.add(experimentJson(e)));
    out.set("experiments", list);
    return out;
  }

  /** One page of {@code all} by offset; sets {@code next_page_token} on {@code out}. */
  private static <T> List<T> page(List<T> all, JsonNode p, int dflt, int max, ObjectNode out) {
    long size = longOr(p, "max_results", dflt);
    if (size < 1 || size > max) {
      throw RestError.invalid("max_results must be between 1 and " + max + ", not " + size);
    }
    String token = optString(p, "page_token");
    int from = 0;
    if (token != null && !token.isEmpty()) {
      try {
        from = Integer.parseInt(token);
      } catch (NumberFormatException e) {
        from = -1;
      }
      if (from < 0) {
        throw RestError.invalid("Invalid page_token '" + cut(token) + "'");
      }
    }
    int to = (int) Math.min(all.size(), (long) from + size);
    if (to < all.size()) {
      out.put("next_page_token", Integer.toString(to));
    }
    return from >= all.size() ? List.of() : all.subList(from, to);
  }

  private static Pattern likePattern(String like) {
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < like.length(); i++) {
      char c = like.charAt(i);
      re.append(c == '%' ? ".*" : c == '_' ? "." : Pattern.quote(String.valueOf(c)));
    }
    return Pattern.compile(re.toString(), Pattern.DOTALL);
  }

  /**
   * The experiment a client names by id. "0" is the experiment named "Default", as in MLflow, where
   * it always exists: it is created on first use and from then on shown as "0" everywhere ({@link
   * #wireId}); its workspace id is accepted too.
   */
  Experiment experimentById(String id) {
    if (id.equals(DEFAULT_EXPERIMENT_ID)) {
      return tracker.createExperiment(DEFAULT_EXPERIMENT_NAME);
    }
    for (Experiment e : tracker.experiments()) {
      if (e.id().equals(id)) {
        return e;
      }
    }
    throw RestError.notFound("No experiment with id '" + cut(id) + "'");
  }

  /** The id a client sees for a workspace experiment id: "0" for the default experiment. */
  private String wireId(String experimentId) {
    String defaultId = defaultExperimentId;
    if (defaultId == null) {
      defaultExperimentId = defaultId = experimentById(DEFAULT_EXPERIMENT_ID).id();
    }
    return experimentId.equals(defaultId) ? DEFAULT_EXPERIMENT_ID : experimentId;
  }

  private ObjectNode experimentJson(Experiment e) {
    ObjectNode o = object();
    o.put("experiment_id", wireId(e.id()));
    o.put("name", e.name());
    o.put("artifact_location", "mlflow-artifacts:/" + e.id());
    o.put("lifecycle_stage", "active");
    o.put("creation_time", e.creationTime().toEpochMilli());
    o.put("last_update_time", e.creationTime().toEpochMilli());
    o.putArray("tags");
    return o;
  }

  // ---------------------------------------------------------------- runs

  private static String runId(JsonNode p) {
    String id = optString(p, "run_id");
    if (id == null || id.isEmpty()) {
      id = optString(p, "run_uuid");
    }
    if (id == null || id.isEmpty()) {
      throw RestError.invalid("Missing value for required parameter 'run_id'");
    }
    return id;
  }

  private RunInfo requireRun(String runId) {
    return tracker
        .findRun(runId)
        .orElseThrow(() -> RestError.notFound("Run with id=" + cut(runId) + " not found"));
  }

  /**
   * Drops the handles of runs that are no longer running: ended through their handle, or (checked
   * in the store once the map holds {@value #HANDLE_SWEEP} handles) ended or deleted by other
   * means, so the map holds about as many handles as there are running runs. A dropped handle of a
   * run still running is resumed again on its next write.
   */
  private void sweepHandles() {
    handles.values().removeIf(r -> r.status() != RunStatus.RUNNING);
    if (handles.size() >= HANDLE_SWEEP) {
      handles
          .keySet()
          .removeIf(
              id ->
                  tracker
                      .findRun(id)
                      .filter(i -> i.status() == RunStatus.RUNNING && !i.deleted())
                      .isEmpty());
    }
  }

  /** How many handles are cached; for tests. */
  int cachedHandles() {
    return handles.size();
  }

  /** A handle to write to a running run, resumed by this tracker if another one started it. */
  private Run writable(String runId) {
    Run h = handles.get(runId);
    if (h != null && h.status() == RunStatus.RUNNING) {
      return h;
    }
    if (h != null) {
      handles.remove(runId, h);
    }
    RunInfo info = requireRun(runId);
    if (info.deleted()) {
      throw RestError.invalid("The run " + runId + " must be in the 'active' state; it is deleted");
    }
    if (info.status() != RunStatus.RUNNING) {
      throw RestError.invalid(
          "Run "
              + runId
              + " has ended ("
              + info.status()
              + "); an mlops4j workspace stores nothing more in an ended run");
    }
    return handles.compute(
        runId,
        (k, old) -> old != null && old.status() == RunStatus.RUNNING ? old : tracker.resumeRun(k));
  }

  private ObjectNode createRun(JsonNode p, String who) {
    String expId = Objects.requireNonNullElse(optString(p, "experiment_id"), DEFAULT_EXPERIMENT_ID);
    Experiment e = experimentById(expId);
    Map<String, String> tags = clientTags(keyValues(p, "tags"));
    optLong(p, "start_time"); // type-checked; the run starts now
    optString(p, "user_id");
    String name = optString(p, "run_name");
    if (name == null || name.isEmpty()) {
      name = tags.get("mlflow.runName");
    }
    RunBuilder b = tracker.newRun(e.name()).tags(tags).tag(Tracker.USER_TAG, who);
    if (name != null && !name.isEmpty()) {
      b.name(name);
    }
    Run run = b.start();
    sweepHandles();
    handles.put(run.id(), run);
    return wrap("run", runJson(requireRun(run.id())));
  }

  private ObjectNode updateRun(JsonNode p) {
    String id = runId(p);
    String status = optString(p, "status");
    optLong(p, "end_time"); // type-checked; the run ends now
    String name = optString(p, "run_name");
    RunInfo info = requireRun(id);
    if (name != null && !name.isEmpty() && !name.equals(info.runName())) {
      throw RestError.invalid("Renaming a run is not supported by an mlops4j workspace");
    }
    if (status != null) {
      RunStatus target = parseStatus(status);
      if (info.status() == RunStatus.RUNNING && target != RunStatus.RUNNING) {
        Run h = writable(id);
        switch (target) {
          case FINISHED -> h.close();
          case FAILED -> h.fail(new ReportedFailure());
          case KILLED -> h.kill();
          default -> throw new IllegalStateException(target.name());
        }
        handles.remove(id);
      } else if (info.status() != target) {
        throw RestError.invalid(
            "Run " + id + " has ended as " + info.status() + " and cannot become " + target);
      }
    }
    return wrap("run_info", runJson(requireRun(id)).get("info"));
  }

  /** Recorded in the error tag of a run an MLflow client ended as FAILED. */
  private static final class ReportedFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ReportedFailure() {
      super("ended as FAILED by an MLflow client", null, false, false);
    }
  }

  private static RunStatus parseStatus(String s) {
    return switch (s) {
      case "RUNNING", "SCHEDULED" -> RunStatus.RUNNING;
      case "FINISHED" -> RunStatus.FINISHED;
      case "FAILED" -> RunStatus.FAILED;
      case "KILLED" -> RunStatus.KILLED;
      default -> throw RestError.invalid("Invalid run status '" + cut(s) + "'");
    };
  }

  private ObjectNode deleteRun(JsonNode p, boolean delete) {
    String id = runId(p);
    requireRun(id);
    if (delete) {
      tracker.deleteRun(id);
      // A cached handle must not let a client go on logging to the deleted run.
      handles.remove(id);
    } else {
      tracker.restoreRun(id);
    }
    return object();
  }

  private ObjectNode searchRuns(JsonNode p) {
    RunQuery.Builder q = RunQuery.builder();
    List<String> names = new ArrayList<>();
    for (String id : strings(p, "experiment_ids")) {
      names.add(experimentById(id).name());
    }
    q.experiments(names.toArray(String[]::new));
    String filter = optString(p, "filter");
    if (filter != null) {
      q.filter(filter);
    }
    List<String> order = strings(p, "order_by");
    if (!order.isEmpty()) {
      q.orderBy(order.toArray(String[]::new));
    }
    long max = longOr(p, "max_results", RunQuery.DEFAULT_MAX_RESULTS);
    if (max < 1 || max > RunQuery.MAX_RESULTS_LIMIT) {
      throw RestError.invalid(
          "max_results must be between 1 and " + RunQuery.MAX_RESULTS_LIMIT + ", not " + max);
    }
    q.maxResults((int) max);
    String token = optString(p, "page_token");
    if (token != null && !token.isEmpty()) {
      q.pageToken(token);
    }
    String view = optString(p, "run_view_type");
    if (view != null) {
      try {
        q.viewType(ViewType.valueOf(view));
      } catch (IllegalArgumentException e) {
        throw RestError.invalid("Invalid run_view_type '" + cut(view) + "'");
      }
    }
    RunPage page = tracker.searchRuns(q.build());
    ObjectNode out = object();
    ArrayNode runs = out.putArray("runs");
    page.runs().forEach(r -> runs.add(runJson(r)));
    if (page.nextPageToken() != null) {
      out.put("next_page_token", page.nextPageToken());
    }
    return out;
  }

  private ObjectNode logMetric(JsonNode p) {
    String id = runId(p);
    String key = metricKey(string(p, "key"));
    double value = dbl(p, "value");
    long ts = longOr(p, "timestamp", System.currentTimeMillis());
    long step = longOr(p, "step", 0);
    writable(id).logMetric(key, value, step, Instant.ofEpochMilli(ts));
    flush();
    return object();
  }

  /** A metric key checked against the tracker's limits, so a batch is refused before writing. */
  private String metricKey(String key) {
    return tracker.limits().checkKey(key, "Metric");
  }

  private void flush() {
    if (!tracker.flush(flushTimeout)) {
      throw new RestError(
          RestError.Code.TEMPORARILY_UNAVAILABLE,
          "Metrics were queued but not stored within " + flushTimeout + "; try reading later");
    }
  }

  private ObjectNode logParam(JsonNode p) {
    String id = runId(p);
    String key = string(p, "key");
    String value = Objects.requireNonNullElse(optString(p, "value"), "");
    writable(id).logParam(key, value);
    return object();
  }

  /** The namespace of the tags mlops4j itself sets ({@link Tracker#USER_TAG}, ...). */
  static final String RESERVED_TAG_PREFIX = "mlops.";

  /**
   * The tags an exporter writes on the target server ({@link MlflowExport#RUN_ID_TAG}, ...), so an
   * export into another mlops4j workspace's REST API works.
   */
  static final String EXPORT_TAG_PREFIX = "mlops.export.";

  /**
   * Refuses a tag key in mlops4j's own namespace, which a client could otherwise use to forge the
   * user, end reason or import provenance of a run or model.
   */
  static String clientTag(String key) {
    if (key.startsWith(RESERVED_TAG_PREFIX) && !key.startsWith(EXPORT_TAG_PREFIX)) {
      throw RestError.invalid(
          "Tag key '"
              + cut(key)
              + "' is reserved: keys starting with '"
              + RESERVED_TAG_PREFIX
              + "' are set by mlops4j itself (except '"
              + EXPORT_TAG_PREFIX
              + "...')");
    }
    return key;
  }

  private static Map<String, String> clientTags(Map<String, String> tags) {
    tags.keySet().forEach(MlflowRestApi::clientTag);
    return tags;
  }

  private ObjectNode setTag(JsonNode p) {
    String id = runId(p);
    String key = clientTag(string(p, "key"));
    String value = Objects.requireNonNullElse(optString(p, "value"), "");
    writable(id).setTag(key, value);
    return object();
  }

  private ObjectNode deleteTag(JsonNode p) {
    String id = runId(p);
    String key = clientTag(string(p, "key"));
    if (!requireRun(id).tags().containsKey(key)) {
      throw RestError.notFound("No tag with name: " + cut(key) + " in run with id " + id);
    }
    writable(id).deleteTag(key);
    return object();
  }

  private ObjectNode logBatch(JsonNode p) {
    String id = runId(p);
    List<JsonNode> metrics = objects(p, "metrics");
    List<JsonNode> params = objects(p, "params");
    List<JsonNode> tags = objects(p, "tags");
    if (metrics.size() > MAX_BATCH_METRICS
        || params.size() > MAX_BATCH_PARAMS
        || tags.size() > MAX_BATCH_TAGS
        || metrics.size() + params.size() + tags.size() > MAX_BATCH_TOTAL) {
      throw RestError.invalid(
          "A batch logging request can contain at most "
              + MAX_BATCH_METRICS
              + " metrics, "
              + MAX_BATCH_PARAMS
              + " params and "
              + MAX_BATCH_TAGS
              + " tags, "
              + MAX_BATCH_TOTAL
              + " in all; got "
              + metrics.size()
              + ", "
              + params.size()
              + " and "
              + tags.size());
    }
    // Everything is checked before anything is stored.
    int n = metrics.size();
    String[] keys = new String[n];
    double[] values = new double[n];
    long[] steps = new long[n];
    long[] times = new long[n];
    long now = System.currentTimeMillis();
    for (int i = 0; i < n; i++) {
      JsonNode m = metrics.get(i);
      keys[i] = metricKey(string(m, "key"));
      values[i] = dbl(m, "value");
      steps[i] = longOr(m, "step", 0);
      times[i] = longOr(m, "timestamp", now);
    }
    Map<String, String> paramMap = keyValues(params);
    Map<String, String> tagMap = clientTags(keyValues(tags));
    TrackingLimits limits = tracker.limits();
    paramMap.forEach(
        (k, v) -> {
          limits.checkKey(k, "Param");
          limits.checkValue(v, limits.maxParamValueLength(), "Param", k);
        });
    tagMap.forEach(
        (k, v) -> {
          limits.checkKey(k, "Tag");
          if (k.equals(Run.NAME_TAG)) {
            limits.checkName(v, "Run name (tag " + Run.NAME_TAG + ")");
          } else {
            limits.checkValue(v, limits.maxTagValueLength(), "Tag", k);
          }
        });
    Run run = writable(id);
    if (!paramMap.isEmpty()) {
      run.logParams(paramMap);
    }
    if (!tagMap.isEmpty()) {
      run.setTags(tagMap);
    }
    for (int i = 0; i < n; i++) {
      run.logMetric(keys[i], values[i], steps[i], Instant.ofEpochMilli(times[i]));
    }
    if (n > 0) {
      flush();
    }
    return object();
  }

  private static Map<String, String> keyValues(JsonNode p, String field) {
    return keyValues(objects(p, field));
  }

  private static Map<String, String> keyValues(List<JsonNode> list) {
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode kv : list) {
      String key = string(kv, "key");
      String value = Objects.requireNonNullElse(optString(kv, "value"), "");
      String old = out.put(key, value);
      if (old != null && !old.equals(value)) {
        throw RestError.invalid("Key '" + cut(key) + "' is given twice with different values");
      }
    }
    return out;
  }

  /** Points per get-history page by default and at most, as MLflow's server. */
  static final int HISTORY_PAGE = 25_000;

  /**
   * A page of {@link Tracker#metricHistory(String, String, int, String)}: the page token is the
   * tracker's, so a request reads one page of the series, never the whole series.
   */
  private ObjectNode metricHistory(JsonNode p) {
    String id = runId(p);
    String key = string(p, "metric_key");
    requireRun(id);
    long size = longOr(p, "max_results", HISTORY_PAGE);
    if (size < 1 || size > HISTORY_PAGE) {
      throw RestError.invalid(
          "max_results must be between 1 and " + HISTORY_PAGE + ", not " + size);
    }
    String token = optString(p, "page_token");
    MetricHistoryPage page;
    try {
      page = tracker.metricHistory(id, key, (int) size, token);
    } catch (IllegalArgumentException e) {
      throw RestError.invalid("Invalid page_token '" + cut(String.valueOf(token)) + "'");
    }
    ObjectNode out = object();
    ArrayNode list = out.putArray("metrics");
    for (MetricPoint m : page.points()) {
      list.add(metricJson(m));
    }
    if (page.nextPageToken() != null) {
      out.put("next_page_token", page.nextPageToken());
    }
    return out;
  }

  private static ObjectNode metricJson(MetricPoint m) {
    ObjectNode o = object();
    o.put("key", m.key());
    o.put("value", m.value());
    o.put("timestamp", m.timestamp().toEpochMilli());
    o.put("step", m.step());
    return o;
  }

  ObjectNode runJson(RunInfo r) {
    ObjectNode run = object();
    ObjectNode info = run.putObject("info");
    info.put("run_id", r.runId());
    info.put("run_uuid", r.runId());
    info.put("run_name", r.runName());
    info.put("experiment_id", wireId(r.experimentId()));
    info.put("user_id", r.tags().getOrDefault(Tracker.USER_TAG, r.userId()));
    info.put("status", r.status().name());
    info.put("start_time", r.startTime().toEpochMilli());
    r.endTime().ifPresent(t -> info.put("end_time", t.toEpochMilli()));
    info.put("artifact_uri", r.artifactUri());
    info.put("lifecycle_stage", r.deleted() ? "deleted" : "active");
    ObjectNode data = run.putObject("data");
    ArrayNode metrics = data.putArray("metrics");
    r.metrics().values().forEach(m -> metrics.add(metricJson(m)));
    ArrayNode params = data.putArray("params");
    r.params().forEach((k, v) -> params.addObject().put("key", k).put("value", v));
    ArrayNode tags = data.putArray("tags");
    r.tags().forEach((k, v) -> tags.addObject().put("key", k).put("value", v));
    run.putObject("inputs");
    return run;
  }

  // ---------------------------------------------------------------- artifacts

  private ObjectNode listRunArtifacts(JsonNode p) {
    RunInfo run = requireRun(runId(p));
    String path = Objects.requireNonNullElse(optString(p, "path"), "");
    String dir = path.isEmpty() ? "" : checkArtifactPath(path);
    ObjectNode out = object();
    out.put("root_uri", run.artifactUri());
    ArrayNode files = out.putArray("files");
    children(run, dir)
        .forEach(
            (name, info) -> {
              ObjectNode f = files.addObject();
              f.put("path", dir.isEmpty() ? name : dir + "/" + name);
              f.put("is_dir", info == null);
              if (info != null) {
                f.put("file_size", info.sizeBytes());
              }
            });
    return out;
  }

  /** The files (with their info) and directories (null) directly under {@code dir}, by name. */
  private static Map<String, @Nullable ArtifactInfo> children(RunInfo run, String dir) {
    String prefix = dir.isEmpty() ? "" : dir + "/";
    Map<String, @Nullable ArtifactInfo> out = new TreeMap<>();
    for (ArtifactInfo a : run.artifacts()) {
      if (!a.path().startsWith(prefix)) {
        continue;
      }
      String rest = a.path().substring(prefix.length());
      int slash = rest.indexOf('/');
      if (slash < 0) {
        out.put(rest, a);
      } else {
        out.put(rest.substring(0, slash), null);
      }
    }
    return out;
  }

  /**
   * The {@code mlflow-artifacts} proxy: {@code PUT} uploads, {@code GET} with a path downloads,
   * {@code GET} without one lists ({@code ?path=}). Paths are {@code <experiment id>/<run
   * id>/artifacts/<artifact path>}.
   */
  private MlflowResponse artifacts(MlflowRequest r, String method, String rawSuffix) {
    if (rawSuffix.isEmpty() || rawSuffix.equals("/")) {
      if (!method.equals("GET")) {
        throw notAnEndpoint(r);
      }
      String path =
          Objects.requireNonNullElse(
              optString(RestJson.params(r.query(), new byte[0]), "path"), "");
      return MlflowResponse.json(200, RestJson.write(listProxy(path)));
    }
    String path = RestJson.decode(rawSuffix.substring(1), false);
    ArtifactLocation loc = locate(path, false);
    switch (method) {
      case "GET" -> {
        for (ArtifactInfo a : loc.run.artifacts()) {
          if (a.path().equals(loc.path)) {
            return MlflowResponse.stream(
                tracker.openArtifact(loc.run.runId(), a.path()), a.sizeBytes());
          }
        }
        throw RestError.notFound("No artifact '" + cut(loc.path) + "' in run " + loc.run.runId());
      }
      case "PUT" -> {
        Run run = writable(loc.run.runId());
        Path tmp = null;
        try {
          tmp = Files.createTempFile("mlflow-upload", ".bin");
          copyBounded(r.body(), tmp);
          run.logArtifact(tmp, loc.path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        } finally {
          deleteQuietly(tmp);
        }
        return MlflowResponse.json(200, "{}");
      }
      default -> throw notAnEndpoint(r);
    }
  }

  private ObjectNode listProxy(String path) {
    ObjectNode out = object();
    ArrayNode files = out.putArray("files");
    if (path.isEmpty()) {
      return out;
    }
    ArtifactLocation loc = locate(path, true);
    children(loc.run, loc.path)
        .forEach(
            (name, info) -> {
              ObjectNode f = files.addObject();
              f.put("path", name);
              f.put("is_dir", info == null);
              if (info != null) {
                f.put("file_size", info.sizeBytes());
              }
            });
    return out;
  }

  private void copyBounded(InputStream in, Path tmp) throws IOException {
    try (OutputStream out = Files.newOutputStream(tmp)) {
      byte[] buf = new byte[65536];
      long total = 0;
      for (int n; (n = in.read(buf)) >= 0; ) {
        total += n;
        if (total > maxArtifactBytes) {
          throw RestError.invalid(
              "Artifact upload is over the limit of " + maxArtifactBytes + " bytes");
        }
        out.write(buf, 0, n);
      }
    }
  }

  private static void deleteQuietly(@Nullable Path tmp) {
    if (tmp != null) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException e) {
        LOG.warn("Could not delete the temporary file {}", tmp, e);
      }
    }
  }

  private record ArtifactLocation(RunInfo run, String path) {}

  /**
   * Splits {@code <experiment id>/<run id>/artifacts[/<path>]} and checks the artifact path: no
   * empty, {@code .} or {@code ..} segment, no backslash, no control character.
   */
  private ArtifactLocation locate(String path, boolean dirAllowed) {
    String[] parts = path.split("/", 4);
    if (parts.length < 3 || !parts[2].equals("artifacts") || (parts.length < 4 && !dirAllowed)) {
      throw RestError.invalid(
          "Artifact path '"
              + cut(path)
              + "' is not of the form <experiment id>/<run id>/artifacts/<path>");
    }
    RunInfo run = requireRun(parts[1]);
    if (!run.experimentId().equals(parts[0])) {
      throw RestError.notFound(
          "Run " + run.runId() + " is not in experiment '" + cut(parts[0]) + "'");
    }
    String rest = parts.length < 4 ? "" : parts[3];
    if (rest.endsWith("/")) {
      rest = rest.substring(0, rest.length() - 1);
    }
    if (rest.isEmpty()) {
      if (!dirAllowed) {
        throw RestError.invalid("Artifact path '" + cut(path) + "' names no file");
      }
      return new ArtifactLocation(run, "");
    }
    return new ArtifactLocation(run, checkArtifactPath(rest));
  }

  static String checkArtifactPath(String path) {
    if (path.length() > 1000) {
      throw RestError.invalid("Artifact path is " + path.length() + " characters, over 1000");
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\\') {
        throw RestError.invalid(
            "Invalid artifact path '" + cut(path) + "': no control characters or backslashes");
      }
    }
    if (path.startsWith("/") || path.matches("^[A-Za-z]:.*")) {
      throw RestError.invalid("Invalid artifact path '" + cut(path) + "': must be relative");
    }
    for (String seg : path.split("/", -1)) {
      if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
        throw RestError.invalid(
            "Invalid artifact path '"
                + cut(path)
                + "': no empty, '.' or '..' segments (it must stay inside the run)");
      }
    }
    return path;
  }

  // ---------------------------------------------------------------- registry

  private ModelRegistry registry(String who) {
    return registry.withActor(who);
  }

  private RegisteredModel model(JsonNode p) {
    String name = string(p, "name");
    return registry
        .findModel(name)
        .orElseThrow(
            () -> RestError.notFound("Registered Model with name=" + cut(name) + " not found"));
  }

  private ObjectNode createModel(JsonNode p, String who) {
    String name = string(p, "name");
    String description = Objects.requireNonNullElse(optString(p, "description"), "");
    Map<String, String> tags = clientTags(keyValues(p, "tags"));
    tags.forEach(ModelRegistry::checkTag); // all checked before the model is created
    if (registry.findModel(name).isPresent()) {
      throw new RestError(
          RestError.Code.RESOURCE_ALREADY_EXISTS,
          "Registered Model (name=" + cut(name) + ") already exists.");
    }
    ModelRegistry reg = registry(who);
    reg.createModel(name, description);
    tags.forEach((k, v) -> reg.setModelTag(name, k, v));
    return wrap("registered_model", modelJson(registry.findModel(name).orElseThrow()));
  }

  private ObjectNode updateModel(JsonNode p, String who) {
    RegisteredModel m = model(p);
    String description = optString(p, "description");
    if (description != null) {
      registry(who).setModelDescription(m.name(), description);
    }
    return wrap("registered_model", modelJson(registry.findModel(m.name()).orElseThrow()));
  }

  private ObjectNode deleteModel(JsonNode p, String who) {
    registry(who).deleteModel(model(p).name());
    return object();
  }

  private ObjectNode searchModels(JsonNode p) {
    String filter = Objects.requireNonNullElse(optString(p, "filter"), "");
    List<RegisteredModel> models;
    if (filter.isBlank()) {
      models = registry.listModels();
    } else {
      Matcher m = NAME_FILTER.matcher(filter);
      if (!m.matches()) {
        throw RestError.invalid(
            "Only filters of the form name = '...' or name LIKE '...' are supported on registered"
                + " models, not '"
                + cut(filter)
                + "'");
      }
      String value = m.group(2) != null ? m.group(2) : m.group(3);
      models =
          m.group(1).equals("=")
              ? registry.findModel(value).map(List::of).orElse(List.of())
              : registry.searchModels(value, Map.of());
    }
    strings(p, "order_by");
    ObjectNode out = object();
    ArrayNode list = object().arrayNode();
    page(models, p, 100, 1000, out).forEach(m -> list.add(modelJson(m)));
    out.set("registered_models", list);
    return out;
  }

  private ObjectNode modelJson(RegisteredModel m) {
    ObjectNode o = object();
    o.put("name", m.name());
    o.put("creation_timestamp", m.creationTime().toEpochMilli());
    o.put("last_updated_timestamp", m.lastUpdatedTime().toEpochMilli());
    o.put("description", m.description());
    ArrayNode latest = o.putArray("latest_versions");
    latestByStage(registry.versions(m.name())).values().forEach(v -> latest.add(versionJson(v)));
    ArrayNode tags = o.putArray("tags");
    m.tags().forEach((k, v) -> tags.addObject().put("key", k).put("value", v));
    ArrayNode aliases = o.putArray("aliases");
    new TreeMap<>(m.aliases())
        .forEach((a, v) -> aliases.addObject().put("alias", a).put("version", v.toString()));
    return o;
  }

  private static Map<String, ModelVersion> latestByStage(List<ModelVersion> versions) {
    Map<String, ModelVersion> out = new TreeMap<>();
    for (ModelVersion v : versions) {
      out.merge(stage(v), v, (a, b) -> a.version() >= b.version() ? a : b);
    }
    return out;
  }

  private static String stage(ModelVersion v) {
    if (v.status() == ModelStatus.ARCHIVED) {
      return "Archived";
    }
    return v.tags().getOrDefault(MlflowModels.STAGE_TAG, "None");
  }

  private ObjectNode latestVersions(JsonNode p) {
    RegisteredModel m = model(p);
    List<String> stages = strings(p, "stages");
    TreeSet<String> wanted = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    wanted.addAll(stages);
    ObjectNode out = object();
    ArrayNode list = out.putArray("model_versions");
    latestByStage(registry.versions(m.name()))
        .forEach(
            (stage, v) -> {
              if (wanted.isEmpty() || wanted.contains(stage)) {
                list.add(versionJson(v));
              }
            });
    return out;
  }

  private ModelVersion version(JsonNode p) {
    String name = string(p, "name");
    String version = string(p, "version");
    int n;
    try {
      n = Integer.parseInt(version);
    } catch (NumberFormatException e) {
      throw RestError.invalid("Model version must be an integer, not '" + cut(version) + "'");
    }
    return registry
        .getVersion(name, n)
        .orElseThrow(
            () ->
                RestError.notFound(
                    "Model Version (name=" + cut(name) + ", version=" + n + ") not found"));
  }

  private ObjectNode versionJson(ModelVersion v) {
    ObjectNode o = object();
    o.put("name", v.modelName());
    o.put("version", Integer.toString(v.version()));
    o.put("creation_timestamp", v.createdTime().toEpochMilli());
    o.put("last_updated_timestamp", v.createdTime().toEpochMilli());
    o.put("user_id", v.createdBy());
    o.put("current_stage", stage(v));
    o.put("description", v.description());
    o.put("source", v.tags().getOrDefault(MlflowModels.SOURCE_TAG, ""));
    v.runId().ifPresent(id -> o.put("run_id", id));
    o.put("status", "READY");
    ArrayNode tags = o.putArray("tags");
    v.tags()
        .forEach(
            (k, val) -> {
              if (!k.equals(MlflowModels.SOURCE_TAG) && !k.equals(MlflowModels.STAGE_TAG)) {
                tags.addObject().put("key", k).put("value", val);
              }
            });
    ArrayNode aliases = o.putArray("aliases");
    v.aliases().stream().sorted().forEach(aliases::add);
    return o;
  }

  private static final Pattern RUNS_URI = Pattern.compile("runs:/([^/]+)(?:/(.*))?");
  private static final Pattern PROXY_URI =
      Pattern.compile("mlflow-artifacts:/+([^/]+)/([^/]+)/artifacts(?:/(.*))?");

  /**
   * Registers a version from an artifact of a run of this workspace: {@code runs:/<run id>/<path>}
   * or this server's {@code mlflow-artifacts:/<experiment>/<run>/artifacts/<path>}. One file is
   * stored as it is (format {@code mlflow-model-file}); a directory (an MLflow model) as a zip of
   * its files in path order (format {@code mlflow-model-zip}).
   */
  private ObjectNode createVersion(JsonNode p, String who) {
    String name = string(p, "name");
    String source = string(p, "source");
    String runIdParam = optString(p, "run_id");
    String description = Objects.requireNonNullElse(optString(p, "description"), "");
    Map<String, String> tags = clientTags(keyValues(p, "tags"));
    optString(p, "run_link");
    if (registry.findModel(name).isEmpty()) {
      throw RestError.notFound("Registered Model with name=" + cut(name) + " not found");
    }
    String runId;
    String path;
    Matcher m = RUNS_URI.matcher(source);
    Matcher px = PROXY_URI.matcher(source);
    if (m.matches()) {
      runId = m.group(1);
      path = Objects.requireNonNullElse(m.group(2), "");
    } else if (px.matches()) {
      runId = px.group(2);
      path = Objects.requireNonNullElse(px.group(3), "");
    } else {
      throw RestError.invalid(
          "Model version source '"
              + cut(source)
              + "' must be an artifact of a run of this workspace: runs:/<run id>/<path> or"
              + " mlflow-artifacts:/<experiment id>/<run id>/artifacts/<path>");
    }
    if (runIdParam != null && !runIdParam.isEmpty() && !runIdParam.equals(runId)) {
      throw RestError.invalid(
          "run_id '"
              + cut(runIdParam)
              + "' differs from the run of the source '"
              + cut(source)
              + "'");
    }
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    String dir = path.isEmpty() ? "" : checkArtifactPath(path);
    RunInfo run = requireRun(runId);
    List<ArtifactInfo> files = new ArrayList<>();
    ArtifactInfo single = null;
    for (ArtifactInfo a : run.artifacts()) {
      if (a.path().equals(dir)) {
        single = a;
      } else if (dir.isEmpty() || a.path().startsWith(dir + "/")) {
        files.add(a);
      }
    }
    if (single == null && files.isEmpty()) {
      throw RestError.notFound("Run " + runId + " has no artifact at '" + cut(dir) + "'");
    }
    Path tmp = null;
    try {
      tmp = Files.createTempFile("mlflow-model", ".bin");
      String format;
      if (single != null) {
        try (InputStream in = tracker.openArtifact(runId, single.path())) {
          Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        format = MlflowModels.FILE_FORMAT;
      } else {
        String sourceRun = runId;
        SortedMap<String, MlflowModels.Content> entries = new TreeMap<>();
        for (ArtifactInfo a : files) {
          String artifactPath = a.path();
          entries.put(
              dir.isEmpty() ? artifactPath : artifactPath.substring(dir.length() + 1),
              () -> tracker.openArtifact(sourceRun, artifactPath));
        }
        MlflowModels.zip(tmp, entries);
        format = MlflowModels.ZIP_FORMAT;
      }
      ModelArtifact artifact = ModelArtifact.file(tmp, format).description(description);
      for (Map.Entry<String, String> t : tags.entrySet()) {
        artifact = artifact.tag(t.getKey(), t.getValue());
      }
      artifact = artifact.tag(MlflowModels.SOURCE_TAG, source);
      ModelVersion v = registry(who).register(name, artifact, runId);
      return wrap("model_version", versionJson(v));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  private ObjectNode searchVersions(JsonNode p) {
    String filter = Objects.requireNonNullElse(optString(p, "filter"), "");
    List<ModelVersion> out = new ArrayList<>();
    if (filter.isBlank()) {
      registry.listModels().forEach(m -> out.addAll(registry.versions(m.name())));
    } else {
      Matcher m = VERSION_FILTER.matcher(filter);
      if (!m.matches()) {
        throw RestError.invalid(
            "Only filters of the form name = '...' or run_id = '...' are supported on model"
                + " versions, not '"
                + cut(filter)
                + "'");
      }
      String value = m.group(2) != null ? m.group(2) : m.group(3);
      if (m.group(1).equals("name")) {
        if (registry.findModel(value).isPresent()) {
          out.addAll(registry.versions(value));
        }
      } else {
        registry.listModels().stream()
            .flatMap(rm -> registry.versions(rm.name()).stream())
            .filter(v -> v.runId().filter(value::equals).isPresent())
            .forEach(out::add);
      }
    }
    strings(p, "order_by");
    out.sort(
        Comparator.comparing(ModelVersion::modelName)
            .thenComparing(ModelVersion::version, Comparator.reverseOrder()));
    ObjectNode res = object();
    ArrayNode list = object().arrayNode();
    page(out, p, 10_000, 200_000, res).forEach(v -> list.add(versionJson(v)));
    res.set("model_versions", list);
    return res;
  }

  private ObjectNode updateVersion(JsonNode p, String who) {
    ModelVersion v = version(p);
    String description = optString(p, "description");
    if (description != null) {
      registry(who).setVersionDescription(v.modelName(), v.version(), description);
    }
    return wrap(
        "model_version",
        versionJson(registry.getVersion(v.modelName(), v.version()).orElseThrow()));
  }

  /**
   * Stages map as far as they go: {@code Archived} archives the version (refused while an alias
   * points to it); any other stage restores an archived version and is kept with the version. With
   * {@code archive_existing_versions}, every other version in the target stage is archived; the
   * request is refused before anything changes when an alias points to one of them.
   */
  private ObjectNode transitionStage(JsonNode p, String who) {
    ModelVersion v = version(p);
    String stage = canonicalStage(string(p, "stage"));
    boolean archiveOthers = bool(p, "archive_existing_versions");
    ModelRegistry reg = registry(who);
    if (stage.equals("Archived")) {
      if (v.status() != ModelStatus.ARCHIVED) {
        refuseAliased(v);
        reg.archive(v.modelName(), v.version());
      }
    } else {
      List<ModelVersion> others = new ArrayList<>();
      if (archiveOthers && !stage.equals("None")) {
        for (ModelVersion o : registry.versions(v.modelName())) {
          if (o.version() != v.version() && stage(o).equals(stage)) {
            refuseAliased(o);
            others.add(o);
          }
        }
      }
      for (ModelVersion o : others) {
        if (o.status() != ModelStatus.ARCHIVED) {
          reg.archive(o.modelName(), o.version());
        }
      }
      if (v.status() == ModelStatus.ARCHIVED) {
        reg.restore(v.modelName(), v.version());
      }
      for (ModelVersion o : others) {
        reg.setVersionTag(o.modelName(), o.version(), MlflowModels.STAGE_TAG, null);
      }
      reg.setVersionTag(
          v.modelName(), v.version(), MlflowModels.STAGE_TAG, stage.equals("None") ? null : stage);
    }
    return wrap(
        "model_version",
        versionJson(registry.getVersion(v.modelName(), v.version()).orElseThrow()));
  }

  /** Refuses, before any change, to archive a version an alias points to. */
  private void refuseAliased(ModelVersion v) {
    RegisteredModel m =
        registry
            .findModel(v.modelName())
            .orElseThrow(
                () -> RestError.notFound("Registered Model " + cut(v.modelName()) + " not found"));
    for (Map.Entry<String, Integer> a : m.aliases().entrySet()) {
      if (a.getValue() == v.version()) {
        throw RestError.invalid(
            "Version "
                + v.version()
                + " of model "
                + cut(v.modelName())
                + " cannot be archived while the alias '"
                + cut(a.getKey())
                + "' points to it; move or delete the alias first");
      }
    }
  }

  private static String canonicalStage(String s) {
    for (String known : List.of("None", "Staging", "Production", "Archived")) {
      if (known.equalsIgnoreCase(s)) {
        return known;
      }
    }
    throw RestError.invalid(
        "Invalid Model Version stage: "
            + cut(s)
            + ". Value must be one of None, Staging,"
            + " Production, Archived.");
  }

  private ObjectNode setAlias(JsonNode p, String who) {
    ModelVersion v = version(p);
    String alias = string(p, "alias");
    registry(who).setAlias(v.modelName(), alias, v.version());
    return object();
  }

  private ObjectNode deleteAlias(JsonNode p, String who) {
    RegisteredModel m = model(p);
    String alias = string(p, "alias");
    if (!registry(who).deleteAlias(m.name(), alias)) {
      throw RestError.notFound(
          "Registered model alias " + cut(alias) + " of model " + cut(m.name()) + " not found");
    }
    return object();
  }

  private ObjectNode getAlias(JsonNode p) {
    RegisteredModel m = model(p);
    String alias = string(p, "alias");
    Integer version = m.aliases().get(alias);
    Optional<ModelVersion> v =
        version == null ? Optional.empty() : registry.getVersion(m.name(), version);
    return wrap(
        "model_version",
        versionJson(
            v.orElseThrow(
                () ->
                    RestError.notFound(
                        "Registered model alias "
                            + cut(alias)
                            + " of model "
                            + cut(m.name())
                            + " not found"))));
  }

  /**
   * Builds an {@link MlflowRestApi}; {@link #tracker} and {@link #registry} are required.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private @Nullable Tracker tracker;
    private @Nullable ModelRegistry registry;
    private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private long maxArtifactBytes = DEFAULT_MAX_ARTIFACT_BYTES;
    private Duration flushTimeout = Duration.ofSeconds(30);

    private Builder() {}

    /** The tracker the runs are read from and written to (not closed by the API). */
    public Builder tracker(Tracker tracker) {
      this.tracker = Objects.requireNonNull(tracker, "tracker");
      return this;
    }

    /** The registry of the models (not closed by the API). */
    public Builder registry(ModelRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** Largest JSON request body in bytes, 1 KiB to 1 GiB (default 16 MiB). */
    public Builder maxBodyBytes(long bytes) {
      this.maxBodyBytes = Checks.inRange(bytes, 1024, 1L << 30, "maxBodyBytes");
      return this;
    }

    /** Largest uploaded artifact in bytes, at least 1 (default 1 GiB). */
    public Builder maxArtifactBytes(long bytes) {
      this.maxArtifactBytes = Checks.atLeast(bytes, 1, "maxArtifactBytes");
      return this;
    }

    /**
     * How long a request that logs metrics waits for them to be stored (default 30 s); past it the
     * answer is {@code TEMPORARILY_UNAVAILABLE} and the points stay queued.
     */
    public Builder flushTimeout(Duration timeout) {
      this.flushTimeout = Checks.positive(timeout, "flushTimeout");
      return this;
    }

    /**
     * Builds the API.
     *
     * @throws IllegalStateException if the tracker or the registry is missing
     */
    public MlflowRestApi build() {
      if (tracker == null) {
        throw Checks.missing("MlflowRestApi.Builder", "tracker", "tracker(Tracker)");
      }
      if (registry == null) {
        throw Checks.missing("MlflowRestApi.Builder", "registry", "registry(ModelRegistry)");
      }
      return new MlflowRestApi(this);
    }
  }
}
