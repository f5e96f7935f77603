package io.github.mlops4j.serving.monitoring;

import io.github.mlops4j.internal.Checks;
import io.github.mlops4j.internal.FailureLog;
import io.github.mlops4j.monitoring.Monitor;
import io.github.mlops4j.monitoring.PredictionTask;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.PredictionEvent;
import io.github.mlops4j.serving.PredictionListener;
import io.github.mlops4j.serving.internal.BuilderSettings;
import io.github.mlops4j.serving.internal.Texts;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds a {@link Monitor} from an {@link InferenceService}: each sampled prediction's inputs (after
 * feature enrichment) go to {@link Monitor#observe(Map)}, and its prediction to {@link
 * Monitor#recordPrediction} under the prediction id, so labels recorded later with {@link
 * Monitor#recordLabel} and {@code Prediction.id()} join it.
 *
 * <pre>{@code
 * Monitor monitor = Monitor.builder().model("loan_default").reference(trainingProfile)
 *     .ignoreColumns("applicant_id")                      // the entity key is not a feature
 *     .predictions(PredictionTask.BINARY_CLASSIFICATION).build();
 * InferenceService service = InferenceService.builder().registry(registry).model("loan_default")
 *     .listener(MonitorListener.builder(monitor).score("default").build())
 *     .build();
 * Prediction p = service.predict(request);
 * service.awaitEvents(Duration.ofSeconds(5));             // delivery is asynchronous
 * monitor.recordLabel(p.id(), true);                      // joins
 * }</pre>
 *
 * <p><b>What is recorded as the prediction</b> depends on the monitor's {@link
 * Monitor#predictionTask() task}: for {@code BINARY_CLASSIFICATION} the score of the label named
 * with {@link Builder#score} (required); for {@code MULTICLASS_CLASSIFICATION} the predicted class
 * ({@link PredictionEvent#output()}); for {@code REGRESSION} the predicted value (the output, or
 * the score named with {@link Builder#score} for a model with several outputs). A monitor without a
 * task only observes inputs. The prediction is recorded before the inputs are observed, so a row
 * the monitor refuses does not lose the join.
 *
 * <p><b>Routes.</b> Shadow predictions are skipped by default: they carry the id of the primary
 * prediction they mirror, so recording both would replace one by the other. Feed a shadow version
 * to its own monitor with {@code routes("shadow")}.
 *
 * <p><b>It cannot break serving.</b> Every failure (a row the monitor refuses, a missing score, a
 * closed monitor) is caught and counted ({@link #failures()}); the first is logged with its stack
 * trace, later ones at most once a minute (by the {@link Builder#clock clock}) with the number not
 * logged. Calls run on the service's event thread, one at a time.
 *
 * <p>mlops-monitoring is an optional dependency of mlops-serving: add it to your build to use this
 * class.
 *
 * @since 0.1.0
 */
// Optional dependency: callers of this class require it themselves (see module-info).
@SuppressWarnings("exports")
public final class MonitorListener implements PredictionListener {
  private static final Logger LOG = LoggerFactory.getLogger(MonitorListener.class);
  private static final String SHADOW = "shadow";

  private final Monitor monitor;
  private final @Nullable PredictionTask task;
  private final @Nullable String score;
  private final @Nullable Set<String> routes;
  private final boolean includeShadow;
  private final Set<String> categorical;
  private final FailureLog failures;
  private final LongAdder observed = new LongAdder();
  private final LongAdder recorded = new LongAdder();
  private final LongAdder skipped = new LongAdder();

  private MonitorListener(Builder b) {
    this.monitor = b.monitor;
    this.categorical = Set.copyOf(b.monitor.schema().categoricalColumns());
    this.task = b.monitor.predictionTask().orElse(null);
    this.score = b.score;
    this.routes = b.routes;
    this.includeShadow = b.includeShadow;
    this.failures = new FailureLog(b.clock, FailureLog.DEFAULT_INTERVAL, FailureLog.Sink.warn(LOG));
  }

  /** A builder feeding {@code monitor}. */
  public static Builder builder(Monitor monitor) {
    return new Builder(monitor);
  }

  @Override
  public void onPrediction(PredictionEvent event) {
    if (!fed(event.route())) {
      skipped.increment();
      return;
    }
    if (task != null && !event.output().isEmpty()) {
      try {
        record(event);
        recorded.increment();
      } catch (RuntimeException e) {
        failures.failed(
            "Monitor '"
                + monitor.model()
                + "': recording prediction "
                + Texts.abbreviate(event.id())
                + " failed",
            e);
      }
    }
    try {
      monitor.observe(folded(event.inputs()));
      observed.increment();
    } catch (RuntimeException e) {
      failures.failed(
          "Monitor '"
              + monitor.model()
              + "': observing the inputs of prediction "
              + Texts.abbreviate(event.id())
              + " failed",
          e);
    }
  }

  /**
   * The inputs as the monitor's schema names them: a categorical field that the client sent in its
   * one-hot form ({@code region@east = 1}, the others 0) becomes the field itself ({@code region =
   * "east"}), as the raw form would have given it.
   */
  private Map<String, ?> folded(Map<String, ?> inputs) {
    if (categorical.isEmpty()) {
      return inputs;
    }
    Map<String, Object> folded = null;
    for (Map.Entry<String, ?> e : inputs.entrySet()) {
      String key = e.getKey();
      int at = key.lastIndexOf('@');
      if (at <= 0 || !categorical.contains(key.substring(0, at))) {
        continue;
      }
      if (folded == null) {
        folded = new HashMap<>(inputs);
      }
      folded.remove(key);
      Object v = e.getValue();
      if (Boolean.TRUE.equals(v) || (v instanceof Number n && n.doubleValue() == 1)) {
        folded.put(key.substring(0, at), key.substring(at + 1));
      }
    }
    return folded == null ? inputs : folded;
  }

  private boolean fed(String route) {
    if (routes != null) {
      return routes.contains(route);
    }
    return includeShadow || !route.equals(SHADOW);
  }

  private void record(PredictionEvent event) {
    switch (Objects.requireNonNull(task)) {
      case BINARY_CLASSIFICATION ->
          monitor.recordPrediction(event.id(), score(event, Objects.requireNonNull(score)));
      case MULTICLASS_CLASSIFICATION -> monitor.recordPrediction(event.id(), event.output());
      case REGRESSION ->
          monitor.recordPrediction(
              event.id(), score == null ? Double.parseDouble(event.output()) : score(event, score));
    }
  }

  private static double score(PredictionEvent event, String name) {
    Double s = event.scores().get(name);
    if (s == null) {
      throw new IllegalArgumentException(
          "The prediction has no score '"
              + Texts.abbreviate(name)
              + "'; its scores are "
              + Texts.abbreviate(event.scores().keySet().toString()));
    }
    return s;
  }

  /** The monitor fed. */
  public Monitor monitor() {
    return monitor;
  }

  /** Predictions whose inputs the monitor accepted. */
  public long observed() {
    return observed.sum();
  }

  /** Predictions recorded for the label join. */
  public long predictionsRecorded() {
    return recorded.sum();
  }

  /** Predictions skipped because of their route (shadow by default). */
  public long skipped() {
    return skipped.sum();
  }

  /**
   * Calls to the monitor that threw (a refused row, a missing score, a closed monitor): each is
   * counted here, none reaches the service.
   */
  public long failures() {
    return failures.failures();
  }

  @Override
  public String toString() {
    return "MonitorListener{" + monitor.model() + "}";
  }

  /** Configures a {@link MonitorListener}. */
  public static final class Builder {
    private final Monitor monitor;
    private @Nullable String score;
    private @Nullable Set<String> routes;
    private boolean includeShadow;
    private Clock clock = Clock.systemUTC();

    private Builder(Monitor monitor) {
      this.monitor = Objects.requireNonNull(monitor, "monitor");
    }

    /**
     * The score recorded as the prediction: the positive class's label for binary classification
     * (required there, for example {@code "default"} or {@code "yes"}), or the output dimension for
     * a regression model with several.
     */
    public Builder score(String label) {
      Objects.requireNonNull(label, "label");
      if (label.isBlank()) {
        throw new IllegalArgumentException("score label must not be blank");
      }
      this.score = label;
      return this;
    }

    /**
     * Whether shadow predictions are fed too (default false). They carry the id of the primary
     * prediction they mirror, so with both fed the later recorded replaces the earlier for the
     * label join.
     */
    public Builder includeShadow(boolean include) {
      this.includeShadow = include;
      return this;
    }

    /**
     * Feeds only the predictions of these routes ({@code primary}, {@code canary}, an A/B arm's
     * name, {@code shadow}); overrides {@link #includeShadow}. By default every route but {@code
     * shadow}.
     */
    public Builder routes(String... routes) {
      Objects.requireNonNull(routes, "routes");
      if (routes.length == 0) {
        throw new IllegalArgumentException("routes must not be empty");
      }
      this.routes = BuilderSettings.nameSet("route", routes);
      return this;
    }

    /** The clock of the failure log's interval (default UTC system clock). */
    public Builder clock(Clock clock) {
      this.clock = BuilderSettings.clock(clock);
      return this;
    }

    /**
     * Builds the listener.
     *
     * @throws IllegalStateException if the monitor tracks binary classification and no {@link
     *     #score} was named
     */
    public MonitorListener build() {
      PredictionTask task = monitor.predictionTask().orElse(null);
      if (task == PredictionTask.BINARY_CLASSIFICATION && score == null) {
        throw Checks.missing(
            "MonitorListener.Builder",
            "the positive class's score (monitor '"
                + monitor.model()
                + "' tracks BINARY_CLASSIFICATION)",
            "score(label), e.g. MonitorListener.builder(monitor).score(\"yes\")");
      }
      return new MonitorListener(this);
    }
  }
}
