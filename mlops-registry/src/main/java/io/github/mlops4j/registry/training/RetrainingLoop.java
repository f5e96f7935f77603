package io.github.mlops4j.registry.training;

import io.github.mlops4j.Subscription;
import io.github.mlops4j.internal.Checks;
import io.github.mlops4j.registry.ModelArtifact;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.registry.validation.GateResult;
import io.github.mlops4j.registry.validation.Holdout;
import io.github.mlops4j.registry.validation.MetricNames;
import io.github.mlops4j.registry.validation.ModelEvaluator;
import io.github.mlops4j.registry.validation.RuleResult;
import io.github.mlops4j.registry.validation.ValidationGate;
import io.github.mlops4j.tracking.Run;
import io.github.mlops4j.tracking.Tracker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntPredicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tribuo.Dataset;
import org.tribuo.Model;
import org.tribuo.Output;

/**
 * Retrains a model when triggered, inside a tracked run; registers the result as a new version with
 * the {@code challenger} alias; gates it against the {@code champion}; promotes it when the gate
 * passes or leaves it as the challenger. Every step goes to the listeners.
 *
 * <pre>{@code
 * RetrainingLoop<Label> loop = RetrainingLoop.<Label>builder()
 *     .registry(registry).tracker(tracker).model("churn")
 *     .data(() -> loadLastWeek())
 *     .training((data, run) -> new LogisticRegressionTrainer().train(data))
 *     .holdout(() -> Holdout.csvBuilder(holdoutCsv, "churn", new LabelFactory()).build())
 *     .gate(gate)
 *     .minInterval(Duration.ofHours(6))
 *     .build();
 * // from the monitoring module's DriftListener:
 * monitor.addListener(r -> loop.onDrift(r.toString(), r.driftedColumns()));
 * }</pre>
 *
 * <p>Triggers: {@link #trigger(String)} (by hand), {@link #onDrift} (a drift report), {@link
 * #onPerformance} (a live metric past its bound) and {@link #tick()} (the schedule, measured with
 * the loop's clock; call it from the host's scheduler). Guard rails: at most one retraining runs at
 * a time per loop; a trigger arriving meanwhile returns {@link RetrainingOutcome.Status#SKIPPED} at
 * once (triggers are not queued); a trigger within {@link Builder#minInterval} of the previous
 * retraining's start is skipped too. A failed training or a failed gate never moves the champion.
 * Use one loop per model per process. Thread-safe; owns no threads.
 *
 * <p><b>Several replicas.</b> Loops of one model in several processes that share the registry's
 * store (PostgreSQL, or one SQLite file) retrain one at a time: a retraining first takes the
 * model's <em>lease</em>, a row of the registry's store written in a transaction with the loop's
 * clock. A trigger while another loop holds an unexpired lease returns {@code SKIPPED} naming the
 * {@linkplain Builder#leaseHolder holder} and since/until when it holds it; the minimum interval is
 * measured from the latest start of any loop (another replica, or an earlier process under the same
 * holder name), so a replica that sees the same drift after the first retraining finished does not
 * retrain again, <em>provided the minimum interval is set</em>: with the default zero the lease
 * only keeps retrainings from overlapping. Give replicas a {@link Builder#minInterval} of at least
 * the monitoring window plus the time its results may arrive late. The lease lasts {@link
 * Builder#leaseTtl} and is renewed at each step boundary (before registering, before the promotion
 * check and the gate, before promoting) and released at the end; a replica that dies holding it
 * blocks the others until it expires. A loop that finds at a step boundary that its lease expired
 * and was taken by another replica stops there: nothing more is registered or promoted, and the
 * outcome is {@link RetrainingOutcome.Status#FAILED} with a message saying the lease was lost.
 *
 * <p>Models that are not Tribuo models (an ONNX file exported by a Python job, say) are retrained
 * with {@link Builder#trainingArtifact}: the function gives the artifact to register, and the gate
 * evaluates the registered version through the registry's format loader.
 *
 * @param <T> the output type
 * @since 0.1.0
 */
public final class RetrainingLoop<T extends Output<T>> {
  /** Run tag holding the trigger of a retraining run. */
  public static final String TRIGGER_TAG = "mlops.retraining.trigger";

  private static final Logger LOG = LoggerFactory.getLogger(RetrainingLoop.class);

  private final ModelRegistry registry;
  private final Tracker tracker;
  private final String model;
  private final @Nullable TrainingFunction<T> training;
  private final @Nullable ArtifactTrainingFunction<T> artifactTraining;
  private final Supplier<? extends Dataset<T>> data;
  private final Supplier<Holdout<T>> holdout;
  private final ValidationGate gate;
  private final String championAlias;
  private final String challengerAlias;
  private final String experiment;
  private final Clock clock;
  private final Duration minInterval;
  private final @Nullable IntPredicate promotionCheck;
  private final @Nullable Duration every;
  private final List<RetrainingListener> listeners;
  private final RetrainingLease lease;
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile @Nullable Instant lastStart;
  private volatile Instant nextDue;

  private RetrainingLoop(Builder<T> b) {
    this.registry = Objects.requireNonNull(b.registry, "registry");
    this.tracker = Objects.requireNonNull(b.tracker, "tracker");
    this.model = Objects.requireNonNull(b.model, "model");
    this.training = b.training;
    this.artifactTraining = b.artifactTraining;
    this.data = Objects.requireNonNull(b.data, "data");
    this.holdout = Objects.requireNonNull(b.holdout, "holdout");
    this.gate = Objects.requireNonNull(b.gate, "gate");
    this.championAlias = b.championAlias;
    this.challengerAlias = b.challengerAlias;
    this.experiment = b.experiment;
    this.clock = b.clock;
    this.minInterval = b.minInterval;
    this.promotionCheck = b.promotionCheck;
    this.every = b.every;
    this.listeners = new CopyOnWriteArrayList<>(b.listeners);
    String holder = b.leaseHolder;
    this.lease =
        new RetrainingLease(
            registry.store(),
            model,
            holder != null ? holder : RetrainingLease.defaultHolder(),
            b.leaseTtl);
    Instant now = clock.instant();
    this.nextDue = every == null ? Instant.MAX : now.plus(every);
  }

  public static <T extends Output<T>> Builder<T> builder() {
    return new Builder<>();
  }

  /** Adds a listener; close the returned subscription to remove it (closing twice is harmless). */
  public Subscription addListener(RetrainingListener listener) {
    Objects.requireNonNull(listener, "listener");
    listeners.add(listener);
    return Subscription.onClose(() -> listeners.remove(listener));
  }

  /** Retrains now, for {@code reason} (recorded as {@code manual: <reason>}). */
  public RetrainingOutcome trigger(String reason) {
    Objects.requireNonNull(reason, "reason");
    return run("manual: " + reason, "manual");
  }

  /**
   * Retrains because monitoring found drift in {@code driftedColumns}; wire the monitoring module's
   * drift listener to this method.
   */
  public RetrainingOutcome onDrift(String detail, Collection<String> driftedColumns) {
    Objects.requireNonNull(detail, "detail");
    List<String> columns = new ArrayList<>(new TreeSet<>(driftedColumns));
    return run("drift in " + columns + (detail.isBlank() ? "" : ": " + detail), "drift");
  }

  /**
   * Retrains if a live metric is past its bound: below it for metrics where higher is better, above
   * it for log-loss, RMSE and MAE. Otherwise returns SKIPPED.
   */
  public RetrainingOutcome onPerformance(String metric, double observed, double bound) {
    Objects.requireNonNull(metric, "metric");
    boolean lower = MetricNames.lowerIsBetter(metric);
    boolean breached = lower ? observed > bound : observed < bound;
    String reason =
        String.format(
            Locale.ROOT,
            "performance: %s %s %s %s",
            metric,
            Double.toString(observed),
            lower ? ">" : "<",
            Double.toString(bound));
    if (!breached) {
      return skipped(reason, metric + " " + observed + " is within the bound " + bound);
    }
    return run(reason, "performance");
  }

  /**
   * Runs the scheduled retraining if it is due by the loop's clock; call it periodically (for
   * example from a {@code ScheduledExecutorService} of the host). SKIPPED when nothing is due or no
   * schedule was configured.
   */
  public RetrainingOutcome tick() {
    Instant now = clock.instant();
    if (every == null) {
      return skipped("schedule", "no schedule configured");
    }
    if (now.isBefore(nextDue)) {
      return new RetrainingOutcome(
          RetrainingOutcome.Status.SKIPPED,
          "schedule",
          null,
          null,
          null,
          "not due until " + nextDue);
    }
    nextDue = now.plus(every);
    return run("schedule: every " + every, "schedule");
  }

  private RetrainingOutcome skipped(String trigger, String why) {
    emit(RetrainingEvent.Step.SKIPPED, trigger, null, null, why);
    return new RetrainingOutcome(RetrainingOutcome.Status.SKIPPED, trigger, null, null, null, why);
  }

  private RetrainingOutcome run(String trigger, String kind) {
    if (!running.compareAndSet(false, true)) {
      return skipped(trigger, "a retraining of '" + model + "' is already running");
    }
    try {
      Instant now = clock.instant();
      Instant last = lastStart;
      if (last != null && now.isBefore(last.plus(minInterval))) {
        return skipped(trigger, tooSoon(last, null));
      }
      String token = UUID.randomUUID().toString();
      RetrainingLease.Acquisition taken;
      try {
        taken = lease.acquire(token, now, minInterval);
      } catch (RuntimeException e) {
        LOG.warn("Taking the retraining lease of '{}' failed: {}", model, e.toString());
        String why =
            "could not take the retraining lease of '"
                + model
                + "', nothing ran, "
                + championAlias
                + " unchanged: "
                + e;
        emit(RetrainingEvent.Step.FAILED, trigger, null, null, why);
        return new RetrainingOutcome(
            RetrainingOutcome.Status.FAILED, trigger, null, null, null, why);
      }
      if (taken instanceof RetrainingLease.Held held) {
        return skipped(
            trigger,
            "a retraining of '" + model + "' is running on " + held.row().describeHolder());
      }
      if (taken instanceof RetrainingLease.TooSoon soon) {
        return skipped(trigger, tooSoon(soon.lastStart(), soon.lastHolder()));
      }
      RetrainingLease.Row previous = ((RetrainingLease.Acquired) taken).previous();
      if (previous.token() != null) {
        LOG.warn(
            "Took over the retraining lease of '{}' from {}: it expired without being released",
            model,
            previous.describeHolder());
      }
      lastStart = now;
      try {
        return retrain(trigger, kind, token);
      } finally {
        release(token);
      }
    } finally {
      running.set(false);
    }
  }

  private String tooSoon(Instant last, RetrainingLease.@Nullable Name holder) {
    return "the previous retraining started at "
        + last
        + (holder == null ? "" : " on replica " + holder.quoted())
        + ", less than the minimum interval "
        + minInterval
        + " ago";
  }

  /**
   * Renews the lease before {@code step}.
   *
   * @throws LeaseLostException if another acquisition took it meanwhile
   */
  private void keepLease(String token, String step) {
    Instant now = clock.instant();
    RetrainingLease.Row row = lease.renew(token, now);
    if (row != null) {
      throw new LeaseLostException(
          "the retraining lease of '"
              + model
              + "' was lost before "
              + step
              + " (it expired and "
              + (row.heldAt(now)
                  ? "is now held by " + row.describeHolder()
                  : "was taken over by another replica")
              + "); stopped there");
    }
  }

  private void release(String token) {
    try {
      lease.release(token);
    } catch (RuntimeException e) {
      LOG.warn(
          "Releasing the retraining lease of '{}' failed, it expires by itself: {}",
          model,
          e.toString());
    }
  }

  private RetrainingOutcome retrain(String trigger, String kind, String token) {
    emit(RetrainingEvent.Step.TRIGGERED, trigger, null, null, "retraining '" + model + "'");
    Run run = null;
    Integer version = null;
    try {
      run =
          tracker.newRun(experiment).name(model + "-retraining").tag(TRIGGER_TAG, trigger).start();
      run.logParam("model", model);
      run.logParam("trigger", kind);
      Dataset<T> fresh = data.get();
      run.logParam("train_rows", Integer.toString(fresh.size()));
      TrainingFunction<T> tribuo = training;
      Model<T> trained = null;
      ModelArtifact artifact = null;
      if (tribuo != null) {
        trained =
            Objects.requireNonNull(tribuo.train(fresh, run), "the training function returned null");
      } else {
        artifact =
            Objects.requireNonNull(
                Objects.requireNonNull(artifactTraining, "artifactTraining").train(fresh, run),
                "the training function returned null");
      }
      emit(
          RetrainingEvent.Step.TRAINED,
          trigger,
          null,
          run.id(),
          "trained on " + fresh.size() + " rows");
      keepLease(token, "registering");
      ModelRegistry audited =
          registry.withComment("retrained (" + trigger + ") in run " + run.id());
      ModelVersion v =
          trained != null
              ? audited.register(model, trained, run.id())
              : audited.register(model, Objects.requireNonNull(artifact), run.id());
      version = v.version();
      audited.setAlias(model, challengerAlias, v.version());
      emit(
          RetrainingEvent.Step.REGISTERED,
          trigger,
          version,
          run.id(),
          v + " is the " + challengerAlias);
      if (promotionCheck != null) {
        keepLease(token, "the promotion check");
      }
      if (promotionCheck != null && !promotionCheck.test(v.version())) {
        emit(
            RetrainingEvent.Step.REJECTED,
            trigger,
            version,
            run.id(),
            v
                + " stays the "
                + challengerAlias
                + ": the promotion check refused it; "
                + championAlias
                + " unchanged");
        run.setTag("mlops.promotion.check", "refused");
        closeQuietly(run);
        return new RetrainingOutcome(
            RetrainingOutcome.Status.REJECTED,
            trigger,
            version,
            run.id(),
            null,
            "the promotion check refused v" + version);
      }
      keepLease(token, "gating");
      Holdout<T> h = holdout.get();
      GateResult result;
      boolean promoted;
      Integer champion = registry.aliases(model).get(championAlias);
      if (champion == null) {
        result =
            trained != null
                ? gate.evaluate(trained, null, h)
                : gate.evaluate(ModelEvaluator.evaluate(registry, v, h), null);
        if (result.passed()) {
          keepLease(token, "promoting");
        }
        promoted =
            result.passed()
                && registry
                    .withComment(result.summary() + " (first " + championAlias + ")")
                    .setAliasIfAbsent(model, championAlias, v.version());
      } else {
        result = gate.evaluate(registry, model, v.version(), championAlias, h);
        if (result.passed()) {
          keepLease(token, "promoting");
          result = gate.promote(registry, result, championAlias);
        }
        promoted = result.passed();
      }
      recordGate(run, result);
      emit(RetrainingEvent.Step.GATE_EVALUATED, trigger, version, run.id(), result.summary());
      if (promoted) {
        emit(
            RetrainingEvent.Step.PROMOTED,
            trigger,
            version,
            run.id(),
            "v" + version + " is the " + championAlias);
      } else {
        emit(
            RetrainingEvent.Step.REJECTED,
            trigger,
            version,
            run.id(),
            "v" + version + " stays the " + challengerAlias + "; " + championAlias + " unchanged");
      }
      closeQuietly(run);
      return new RetrainingOutcome(
          promoted ? RetrainingOutcome.Status.PROMOTED : RetrainingOutcome.Status.REJECTED,
          trigger,
          version,
          run.id(),
          result,
          result.summary());
    } catch (RuntimeException e) {
      String runId = run == null ? null : run.id();
      if (run != null) {
        run.fail(e);
      }
      LOG.warn("Retraining of '{}' ({}) failed: {}", model, trigger, e.toString());
      String why =
          e instanceof LeaseLostException
              ? e.getMessage()
                  + (version == null ? ", nothing registered" : ", v" + version + " not promoted")
                  + ", "
                  + championAlias
                  + " unchanged"
              : "retraining failed, " + championAlias + " unchanged: " + e;
      emit(RetrainingEvent.Step.FAILED, trigger, version, runId, why);
      return new RetrainingOutcome(
          RetrainingOutcome.Status.FAILED, trigger, version, runId, null, why);
    }
  }

  /**
   * Logs the gate's values on the run. After the gate the alias may have moved, so a failure here
   * is logged and must not turn the outcome into a failure.
   */
  private void recordGate(Run run, GateResult result) {
    try {
      for (RuleResult r : result.rules()) {
        if (r.slice() == null && Double.isFinite(r.observed())) {
          String key = "gate/" + r.metric().replaceAll("[^A-Za-z0-9_\\-. ]", "_");
          run.logMetric(key, r.observed());
        }
      }
      run.setTag("mlops.gate.passed", Boolean.toString(result.passed()));
    } catch (RuntimeException e) {
      LOG.warn("Recording the gate of '{}' on run {} failed: {}", model, run.id(), e.toString());
    }
  }

  private void closeQuietly(Run run) {
    try {
      run.close();
    } catch (RuntimeException e) {
      LOG.warn("Closing run {} of '{}' failed: {}", run.id(), model, e.toString());
    }
  }

  private void emit(
      RetrainingEvent.Step step,
      String trigger,
      @Nullable Integer version,
      @Nullable String runId,
      String detail) {
    RetrainingEvent event =
        new RetrainingEvent(model, step, trigger, version, runId, detail, clock.instant());
    for (RetrainingListener l : listeners) {
      try {
        l.onStep(event);
      } catch (RuntimeException e) {
        LOG.warn("Retraining listener {} failed on {}: {}", l, event, e.toString());
      }
    }
  }

  /** Another replica took the lease while this one retrained; ends the retraining as FAILED. */
  private static final class LeaseLostException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LeaseLostException(String message) {
      super(message);
    }
  }

  /**
   * Configures a {@link RetrainingLoop}; setters check their arguments at once.
   *
   * @param <T> the output type
   */
  public static final class Builder<T extends Output<T>> {
    /** The default {@link #leaseTtl}: one hour. */
    public static final Duration DEFAULT_LEASE_TTL = Duration.ofHours(1);

    private static final Duration MAX_LEASE_TTL = Duration.ofDays(30);

    private @Nullable ModelRegistry registry;
    private @Nullable Tracker tracker;
    private @Nullable String model;
    private @Nullable TrainingFunction<T> training;
    private @Nullable ArtifactTrainingFunction<T> artifactTraining;
    private @Nullable Supplier<? extends Dataset<T>> data;
    private @Nullable Supplier<Holdout<T>> holdout;
    private @Nullable ValidationGate gate;
    private String championAlias = "champion";
    private String challengerAlias = "challenger";
    private String experiment = "retraining";
    private Clock clock = Clock.systemUTC();
    private Duration minInterval = Duration.ZERO;
    private @Nullable IntPredicate promotionCheck;
    private @Nullable Duration every;
    private @Nullable String leaseHolder;
    private Duration leaseTtl = DEFAULT_LEASE_TTL;
    private final List<RetrainingListener> listeners = new ArrayList<>();

    private Builder() {}

    public Builder<T> registry(ModelRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** The tracker for retraining runs; it must use the registry's workspace. */
    public Builder<T> tracker(Tracker tracker) {
      this.tracker = Objects.requireNonNull(tracker, "tracker");
      return this;
    }

    /** The registered model's name. */
    public Builder<T> model(String name) {
      Objects.requireNonNull(name, "model");
      if (name.isBlank()) {
        throw new IllegalArgumentException("model name must not be blank");
      }
      this.model = name;
      return this;
    }

    /** The host's training code. */
    public Builder<T> training(TrainingFunction<T> training) {
      this.training = Objects.requireNonNull(training, "training");
      return this;
    }

    /**
     * Training that gives an artifact to register instead of a Tribuo model (an ONNX file, say);
     * give this or {@link #training}, not both.
     */
    public Builder<T> trainingArtifact(ArtifactTrainingFunction<T> training) {
      this.artifactTraining = Objects.requireNonNull(training, "training");
      return this;
    }

    /** Supplies the fresh training data, asked once per retraining. */
    public Builder<T> data(Supplier<? extends Dataset<T>> data) {
      this.data = Objects.requireNonNull(data, "data");
      return this;
    }

    /** Supplies the holdout the gate runs on, asked once per retraining. */
    public Builder<T> holdout(Supplier<Holdout<T>> holdout) {
      this.holdout = Objects.requireNonNull(holdout, "holdout");
      return this;
    }

    public Builder<T> gate(ValidationGate gate) {
      this.gate = Objects.requireNonNull(gate, "gate");
      return this;
    }

    /** The alias of the production version (default {@code champion}). */
    public Builder<T> championAlias(String alias) {
      this.championAlias = Objects.requireNonNull(alias, "championAlias");
      return this;
    }

    /** The alias a new version gets before the gate (default {@code challenger}). */
    public Builder<T> challengerAlias(String alias) {
      this.challengerAlias = Objects.requireNonNull(alias, "challengerAlias");
      return this;
    }

    /** The tracking experiment of retraining runs (default {@code retraining}). */
    public Builder<T> experiment(String experiment) {
      this.experiment = Objects.requireNonNull(experiment, "experiment");
      return this;
    }

    public Builder<T> clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The least time between the starts of two retrainings of the model, whichever loop started
     * them (default zero: none). Checked against this loop's own last start and against the latest
     * start recorded in the lease row by any loop, including a previous process under the same
     * holder name. With several replicas set it to at least the monitoring window plus the time a
     * window's drift report may arrive late: otherwise a replica that sees the drift of the same
     * window after the first retraining finished retrains again.
     */
    public Builder<T> minInterval(Duration interval) {
      Objects.requireNonNull(interval, "minInterval");
      Checks.notNegative(interval, "minInterval");
      this.minInterval = interval;
      return this;
    }

    /** Retrain every {@code period} when {@link RetrainingLoop#tick()} is called (default none). */
    public Builder<T> schedule(Duration period) {
      Objects.requireNonNull(period, "period");
      Checks.positive(period, "schedule period");
      this.every = period;
      return this;
    }

    /**
     * A check the host runs on the registered challenger (its version number) before the gate, for
     * example a canary of live traffic; {@code false} leaves the version as challenger and the
     * champion unchanged (outcome {@code REJECTED}). Runs on the retraining thread.
     */
    public Builder<T> promotionCheck(IntPredicate check) {
      this.promotionCheck = Objects.requireNonNull(check, "check");
      return this;
    }

    /**
     * The name of this replica in the retraining lease and in other replicas' SKIPPED messages
     * (default: the host name and the process id, {@code host/pid}). At most 1000 characters, no
     * control characters; messages show at most 100 of them, with invisible characters escaped. The
     * name is for messages only: loops with the same name (two loops of one process, or a restarted
     * process) still exclude each other through the lease and wait for each other's {@linkplain
     * #minInterval minimum interval}.
     */
    public Builder<T> leaseHolder(String holder) {
      Objects.requireNonNull(holder, "leaseHolder");
      if (holder.isBlank()) {
        throw new IllegalArgumentException("leaseHolder must not be blank");
      }
      if (holder.length() > RetrainingLease.MAX_HOLDER_LENGTH) {
        throw new IllegalArgumentException(
            "leaseHolder must have at most "
                + RetrainingLease.MAX_HOLDER_LENGTH
                + " characters, was "
                + RetrainingLease.quote(holder));
      }
      if (holder.chars().anyMatch(Character::isISOControl)) {
        throw new IllegalArgumentException(
            "leaseHolder must not contain control characters, was "
                + RetrainingLease.quote(holder));
      }
      this.leaseHolder = holder;
      return this;
    }

    /**
     * How long a retraining lease lasts without renewal (default {@link #DEFAULT_LEASE_TTL}, one
     * hour; at most 30 days). The loop renews it at each step boundary, so it must exceed the
     * longest step (usually the training); a replica that dies holding the lease keeps the others
     * waiting at most this long. A step that outlasts it lets another replica take the lease, and
     * this one then stops at the next boundary without registering or promoting.
     */
    public Builder<T> leaseTtl(Duration ttl) {
      Objects.requireNonNull(ttl, "leaseTtl");
      Checks.positive(ttl, "leaseTtl");
      if (ttl.compareTo(MAX_LEASE_TTL) > 0) {
        throw new IllegalArgumentException(
            "leaseTtl must be at most " + MAX_LEASE_TTL + " (30 days), was " + ttl);
      }
      this.leaseTtl = ttl;
      return this;
    }

    public Builder<T> listener(RetrainingListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Builds the loop.
     *
     * @throws IllegalStateException if registry, tracker, model, training, data, holdout or gate is
     *     missing, or the aliases are equal
     */
    public RetrainingLoop<T> build() {
      List<String> missing = new ArrayList<>();
      if (registry == null) {
        missing.add("registry");
      }
      if (tracker == null) {
        missing.add("tracker");
      }
      if (model == null) {
        missing.add("model");
      }
      if (training == null && artifactTraining == null) {
        missing.add("training");
      }
      if (data == null) {
        missing.add("data");
      }
      if (holdout == null) {
        missing.add("holdout");
      }
      if (gate == null) {
        missing.add("gate");
      }
      if (!missing.isEmpty()) {
        List<String> calls = new ArrayList<>();
        for (String m : missing) {
          calls.add(m + "(...)");
        }
        throw Checks.missing("RetrainingLoop.Builder", missing, calls);
      }
      if (training != null && artifactTraining != null) {
        throw new IllegalStateException(
            "RetrainingLoop.Builder: give training(...) or trainingArtifact(...), not both");
      }
      if (championAlias.equals(challengerAlias)) {
        throw new IllegalStateException(
            "champion and challenger aliases must differ, both are '" + championAlias + "'");
      }
      return new RetrainingLoop<>(this);
    }
  }
}
