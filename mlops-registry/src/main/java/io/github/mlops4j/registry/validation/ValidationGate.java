package io.github.mlops4j.registry.validation;

import io.github.mlops4j.internal.Checks;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.registry.RegistryException;
import io.github.mlops4j.tracking.Tracker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import org.jspecify.annotations.Nullable;
import org.tribuo.Model;
import org.tribuo.Output;

/**
 * Rules a candidate model must meet before it replaces the champion, checked on one holdout.
 *
 * <pre>{@code
 * ValidationGate gate = ValidationGate.builder()
 *     .require("accuracy", atLeast(0.85))
 *     .require("macro_f1", notWorseThanChampionBy(0.01))
 *     .requireOnEverySlice("recall:yes", atLeast(0.7))
 *     .significance(0.05)
 *     .build();
 * GateResult r = gate.promoteIfPassed(registry, "churn", candidateVersion, "champion", holdout);
 * }</pre>
 *
 * <p>Absolute rules compare the candidate's value with the bound. Champion rules compare candidate
 * and champion on the same rows with a paired test at the gate's significance level alpha; with
 * {@code d} the difference oriented so that positive is better:
 *
 * <ul>
 *   <li>accuracy-type metrics ({@code accuracy}; {@code recall:<label>} on that label's rows) use
 *       McNemar's test on per-row correctness (exact binomial below 25 discordant rows, chi-square
 *       with continuity correction from 25);
 *   <li>every other metric uses a paired percentile bootstrap interval of {@code d} at level {@code
 *       1 - alpha}, seeded.
 * </ul>
 *
 * <p>{@code notWorseThanChampionBy(m)} fails only when the candidate is worse by more than m beyond
 * noise: with m = 0 on an accuracy-type metric, {@code d < 0} and McNemar's {@code p < alpha};
 * otherwise the upper end of the {@code 1 - alpha} interval of d (a paired Wald interval for
 * accuracy-type metrics, the bootstrap interval for the others) is below {@code -m}. {@code
 * betterThanChampionBy(m)} passes only when the candidate is better by more than m beyond noise:
 * with m = 0 on an accuracy-type metric, {@code d > 0} and {@code p < alpha}; otherwise the
 * interval's lower end is above {@code m}. Two models with equal predictions on the rows are
 * therefore never declared different. A champion rule on a metric that is undefined on the rows
 * (for example an AUC on rows of one class) fails.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class ValidationGate {
  private final List<Requirement> requirements;
  private final double significance;
  private final long seed;
  private final int resamples;
  private final Executor executor;
  private final int parallelism;
  private final @Nullable Tracker tracker;

  private record Requirement(String metric, Rule rule, boolean everySlice) {}

  private ValidationGate(Builder b) {
    this.requirements = List.copyOf(b.requirements);
    this.significance = b.significance;
    this.seed = b.seed;
    this.resamples = b.resamples;
    this.executor = b.executor;
    this.parallelism = b.parallelism;
    this.tracker = b.tracker;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** True if a rule compares with the champion. */
  public boolean needsChampion() {
    return requirements.stream().anyMatch(r -> r.rule().relative());
  }

  /**
   * Gates two in-memory models on a holdout. With a null champion, champion rules pass with the
   * detail "no champion" (the first model of a name has nothing to beat).
   *
   * @throws ValidationException on bad input: unknown metric, data not matching the model, empty
   *     slice, slice rules without slices
   */
  public <T extends Output<T>> GateResult evaluate(
      Model<T> candidate, @Nullable Model<T> champion, Holdout<T> holdout) {
    Evaluation c = ModelEvaluator.evaluate(candidate, holdout);
    Evaluation k = champion == null ? null : ModelEvaluator.evaluate(champion, holdout);
    return evaluate(c, k);
  }

  /**
   * Gates two evaluations of the same holdout (same rows in the same order).
   *
   * @throws IllegalArgumentException if they come from different holdouts
   */
  public GateResult evaluate(Evaluation candidate, @Nullable Evaluation champion) {
    Objects.requireNonNull(candidate, "candidate");
    if (champion != null
        && (champion.holdout() != candidate.holdout()
            && !champion.dataset().digest().equals(candidate.dataset().digest()))) {
      throw new IllegalArgumentException(
          "Candidate and champion were evaluated on different"
              + " holdouts ('"
              + candidate.holdout().name()
              + "' and '"
              + champion.holdout().name()
              + "'); a paired comparison needs the same rows");
    }
    if (champion != null && !champion.scores().names.equals(candidate.scores().names)) {
      throw new ValidationException(
          "Candidate and champion predict different "
              + (candidate.scores().kind == Scores.Kind.LABEL ? "labels " : "dimensions ")
              + candidate.scores().names
              + " and "
              + champion.scores().names
              + "; a paired comparison needs the same ones");
    }
    if (champion != null && !champion.slices().keySet().equals(candidate.slices().keySet())) {
      throw new IllegalArgumentException(
          "Candidate and champion were evaluated with different"
              + " slices "
              + candidate.slices().keySet()
              + " and "
              + champion.slices().keySet()
              + "; evaluate both on the same Holdout");
    }
    for (Requirement r : requirements) {
      Metrics.parse(candidate.scores(), r.metric());
    }
    boolean sliceRules = requirements.stream().anyMatch(Requirement::everySlice);
    if (sliceRules && candidate.slices().isEmpty()) {
      throw new ValidationException(
          "The gate has every-slice rules but holdout '"
              + candidate.holdout().name()
              + "' defines no slices; add sliceBy(..) or slice(..)");
    }
    List<RuleResult> out = new ArrayList<>();
    for (Requirement r : requirements) {
      if (!r.everySlice()) {
        out.add(
            check(
                r,
                null,
                candidate.scores(),
                champion == null ? null : champion.scores(),
                candidate.metrics().getOrDefault(r.metric(), Double.NaN),
                champion == null
                    ? Double.NaN
                    : champion.metrics().getOrDefault(r.metric(), Double.NaN)));
      }
    }
    Map<String, Scores[]> subsets = new HashMap<>();
    for (String slice : candidate.slices().keySet()) {
      for (Requirement r : requirements) {
        if (!r.everySlice()) {
          continue;
        }
        Scores[] pair =
            subsets.computeIfAbsent(
                slice,
                s -> {
                  int[] rows = Objects.requireNonNull(candidate.sliceRows().get(s), s);
                  return new Scores[] {
                    candidate.scores().subset(rows),
                    champion == null ? null : champion.scores().subset(rows)
                  };
                });
        double observed =
            candidate.slices().get(slice).metrics().getOrDefault(r.metric(), Double.NaN);
        double champ =
            champion == null
                ? Double.NaN
                : Objects.requireNonNull(champion.slices().get(slice), "same holdout, same slices")
                    .metrics()
                    .getOrDefault(r.metric(), Double.NaN);
        out.add(check(r, slice, pair[0], pair[1], observed, champ));
      }
    }
    return new GateResult(
        candidate.modelName().orElse(null),
        candidate.version().isPresent() ? candidate.version().getAsInt() : null,
        champion != null && champion.version().isPresent() ? champion.version().getAsInt() : null,
        candidate.dataset(),
        significance,
        seed,
        resamples,
        out,
        false);
  }

  private RuleResult check(
      Requirement req,
      @Nullable String slice,
      Scores cand,
      @Nullable Scores champ,
      double observed,
      double championValue) {
    Rule rule = req.rule();
    String metric = req.metric();
    if (!rule.relative()) {
      boolean ok =
          Double.isFinite(observed)
              && (rule.kind() == Rule.Kind.AT_LEAST
                  ? observed >= rule.value()
                  : observed <= rule.value());
      String detail =
          !Double.isFinite(observed)
              ? "undefined on these rows"
              : ok
                  ? "within bound"
                  : "observed "
                      + GateResult.num(observed)
                      + " is "
                      + (rule.kind() == Rule.Kind.AT_LEAST ? "below " : "above ")
                      + rule.value();
      return new RuleResult(
          metric, slice, rule, observed, null, null, "none", null, null, null, ok, detail);
    }
    if (champ == null) {
      return new RuleResult(
          metric,
          slice,
          rule,
          observed,
          null,
          null,
          "none",
          null,
          null,
          null,
          true,
          "no champion to compare with");
    }
    double sign = MetricNames.lowerIsBetter(metric) ? -1 : 1;
    double m = rule.value();
    Double champValue = Double.isFinite(championValue) ? championValue : null;
    double d = sign * (observed - championValue);
    Double diff = Double.isFinite(d) ? d : null;
    boolean better = rule.kind() == Rule.Kind.BETTER_THAN_CHAMPION_BY;
    if (MetricNames.accuracyType(metric) && m != 0) {
      // a margin: is the difference beyond it? McNemar only tests for a difference from zero
      PairedTests.Interval ci =
          PairedTests.accuracyDifference(
              cand, champ, Metrics.parse(cand, metric).index(), significance);
      return intervalResult(
          req, slice, observed, champValue, diff, ci, "paired-wald", "undefined on these rows");
    }
    if (MetricNames.accuracyType(metric)) {
      Metrics.Id id = Metrics.parse(cand, metric);
      PairedTests.McNemar t = PairedTests.mcnemar(cand, champ, id.index());
      boolean significant = t.pValue() < significance;
      boolean ok;
      String detail;
      if (diff == null) {
        ok = false;
        detail = "undefined on these rows";
      } else if (better) {
        ok = d > m && significant;
        detail =
            ok
                ? "better by " + GateResult.num(d) + " (significant)"
                : d <= m
                    ? "improvement " + GateResult.num(d) + " is not over the margin " + m
                    : "improvement " + GateResult.num(d) + " is not significant at " + significance;
      } else {
        ok = !(d < -m && significant);
        detail =
            ok
                ? (d < -m
                    ? "shortfall " + GateResult.num(-d) + " is not significant at " + significance
                    : "not worse beyond the margin")
                : "worse by " + GateResult.num(-d) + " (significant), over the margin " + m;
      }
      return new RuleResult(
          metric,
          slice,
          rule,
          observed,
          champValue,
          diff,
          t.exact() ? "mcnemar-exact" : "mcnemar-chi2",
          t.pValue(),
          null,
          null,
          ok,
          detail + " [b=" + t.candidateOnly() + ", c=" + t.championOnly() + "]");
    }
    PairedTests.Interval ci =
        PairedTests.bootstrap(
            cand,
            champ,
            Metrics.parse(cand, metric),
            sign,
            resamples,
            seed,
            significance,
            executor,
            parallelism);
    return intervalResult(
        req, slice, observed, champValue, diff, ci, "bootstrap", "undefined on every resample");
  }

  /**
   * A champion rule decided by the interval of the difference (positive = candidate better): {@code
   * betterThanChampionBy(m)} passes iff its lower end is above m, {@code notWorseThanChampionBy(m)}
   * fails iff its upper end is below -m; undefined fails.
   */
  private static RuleResult intervalResult(
      Requirement req,
      @Nullable String slice,
      double observed,
      @Nullable Double champValue,
      @Nullable Double diff,
      PairedTests.Interval ci,
      String test,
      String undefined) {
    double m = req.rule().value();
    boolean ok;
    String detail;
    if (diff == null || ci.used() == 0) {
      return new RuleResult(
          req.metric(),
          slice,
          req.rule(),
          observed,
          champValue,
          diff,
          test,
          null,
          null,
          null,
          false,
          undefined);
    }
    if (req.rule().kind() == Rule.Kind.BETTER_THAN_CHAMPION_BY) {
      ok = ci.lower() > m;
      detail =
          ok
              ? "interval of the improvement lies above the margin " + m
              : "interval of the improvement reaches down to "
                  + GateResult.num(ci.lower())
                  + ", not above the margin "
                  + m;
    } else {
      ok = !(ci.upper() < -m);
      detail =
          ok
              ? "interval of the difference reaches "
                  + GateResult.num(ci.upper())
                  + ", not below -"
                  + m
              : "interval of the difference lies below -" + m;
    }
    return new RuleResult(
        req.metric(),
        slice,
        req.rule(),
        observed,
        champValue,
        diff,
        test,
        null,
        ci.lower(),
        ci.upper(),
        ok,
        detail);
  }

  /**
   * Evaluates a registered candidate against the version behind {@code championAlias}, records both
   * evaluations (tracking runs in experiment {@value ModelEvaluator#EXPERIMENT} and evaluation
   * records on the versions) and returns the result. Aliases and the audit trail are not touched.
   *
   * @throws ValidationException if the alias does not exist, or on bad input
   */
  public <T extends Output<T>> GateResult evaluate(
      ModelRegistry registry,
      String model,
      int candidateVersion,
      String championAlias,
      Holdout<T> holdout) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(championAlias, "championAlias");
    Objects.requireNonNull(holdout, "holdout");
    ModelVersion candidate =
        ModelEvaluator.resolve(registry, model, Integer.toString(candidateVersion));
    Integer championVersion = registry.aliases(model).get(championAlias);
    if (championVersion == null) {
      throw new ValidationException(
          "Model '"
              + model
              + "' has no alias '"
              + championAlias
              + "' (its aliases are "
              + registry.aliases(model)
              + "); point it at the current"
              + " champion with registry.setAlias(\""
              + model
              + "\", \""
              + championAlias
              + "\", version) before gating against it");
    }
    ModelVersion champion =
        ModelEvaluator.resolve(registry, model, Integer.toString(championVersion));
    Evaluation c = ModelEvaluator.evaluate(registry, candidate, holdout);
    Evaluation k = ModelEvaluator.evaluate(registry, champion, holdout);
    GateResult result = evaluate(c, k);
    record(registry, c, k, result);
    return result;
  }

  private void record(
      ModelRegistry registry, Evaluation candidate, Evaluation champion, GateResult result) {
    Tracker t = tracker;
    Tracker owned = null;
    if (t == null) {
      owned = Tracker.builder().store(registry.store()).captureEnvironment(false).build();
      t = owned;
    }
    try {
      Map<String, String> tags =
          Map.of(
              "mlops.gate.passed",
              Boolean.toString(result.passed()),
              "mlops.gate.role",
              "candidate",
              "mlops.gate.champion",
              Integer.toString(champion.version().orElse(0)));
      ModelEvaluator.record(registry, t, candidate, tags);
      if (champion.version().orElse(-1) != candidate.version().orElse(-2)) {
        ModelEvaluator.record(registry, t, champion, Map.of("mlops.gate.role", "champion"));
      }
      t.flush(Duration.ofSeconds(30));
    } finally {
      if (owned != null) {
        owned.close();
      }
    }
  }

  /**
   * Evaluates, gates and, if every rule passed, moves {@code alias} from the champion to the
   * candidate with a compare-and-set whose audit comment is the gate's {@link
   * GateResult#summary()}. A failed gate changes no alias and writes no audit entry.
   *
   * @throws ValidationException if the alias does not exist, or on bad input
   * @throws RegistryException if the alias moved while the gate ran (run the gate again)
   */
  public <T extends Output<T>> GateResult promoteIfPassed(
      ModelRegistry registry,
      String model,
      int candidateVersion,
      String alias,
      Holdout<T> holdout) {
    GateResult result = evaluate(registry, model, candidateVersion, alias, holdout);
    return result.passed() ? promote(registry, result, alias) : result;
  }

  /**
   * Promotes the candidate of a passed {@code result} of {@link #evaluate(ModelRegistry, String,
   * int, String, Holdout)}: moves {@code alias} from the result's champion version to its candidate
   * with a compare-and-set whose audit comment is the gate's {@link GateResult#summary()}. With
   * {@link #promoteIfPassed} it is the second half; called on its own it lets the host act between
   * the gate and the promotion (a {@code RetrainingLoop} checks that it still holds its lease).
   *
   * @return the result marked {@linkplain GateResult#wasPromoted() promoted}; unchanged when the
   *     candidate already is the champion
   * @throws IllegalArgumentException if the result did not pass, or does not name a registered
   *     candidate and champion
   * @throws RegistryException if the alias moved since the gate ran (run the gate again)
   */
  public GateResult promote(ModelRegistry registry, GateResult result, String alias) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(alias, "alias");
    if (!result.passed()) {
      throw new IllegalArgumentException(
          "The gate failed (" + result.summary() + "); only a passed result can be promoted");
    }
    String model = result.model().orElse(null);
    OptionalInt candidate = result.candidateVersion();
    OptionalInt championVersion = result.championVersion();
    if (model == null || candidate.isEmpty() || championVersion.isEmpty()) {
      throw new IllegalArgumentException(
          "The result does not name a registered candidate and champion; promote a result of"
              + " evaluate(registry, model, candidateVersion, alias, holdout)");
    }
    int candidateVersion = candidate.getAsInt();
    int champion = championVersion.getAsInt();
    if (champion == candidateVersion) {
      return result;
    }
    boolean moved =
        registry
            .withComment(result.summary())
            .compareAndSetAlias(model, alias, champion, candidateVersion);
    if (!moved) {
      throw new RegistryException(
          model,
          candidateVersion,
          "Alias '"
              + alias
              + "' of '"
              + model
              + "' no longer points at v"
              + champion
              + " (it moved while the gate ran); nothing was"
              + " promoted. Run the gate again against the new champion");
    }
    return result.promoted();
  }

  /** Configures a {@link ValidationGate}; setters check their arguments at once. */
  public static final class Builder {
    private final List<Requirement> requirements = new ArrayList<>();
    private double significance = 0.05;
    private long seed = 1L;
    private int resamples = 1000;
    private Executor executor = ForkJoinPool.commonPool();
    private int parallelism = Math.max(1, Runtime.getRuntime().availableProcessors());
    private @Nullable Tracker tracker;

    private Builder() {}

    /** Requires {@code rule} on {@code metric} over all rows (see {@link MetricNames}). */
    public Builder require(String metric, Rule rule) {
      requirements.add(
          new Requirement(checkMetric(metric), Objects.requireNonNull(rule, "rule"), false));
      return this;
    }

    /** Requires {@code rule} on {@code metric} on every slice of the holdout. */
    public Builder requireOnEverySlice(String metric, Rule rule) {
      requirements.add(
          new Requirement(checkMetric(metric), Objects.requireNonNull(rule, "rule"), true));
      return this;
    }

    private static String checkMetric(String metric) {
      Objects.requireNonNull(metric, "metric");
      if (metric.isBlank()) {
        throw new IllegalArgumentException("Metric name must not be blank");
      }
      return metric;
    }

    /** Significance level alpha of the paired tests, in (0, 0.5] (default 0.05). */
    public Builder significance(double alpha) {
      Checks.aboveAndAtMost(alpha, 0, 0.5, "significance");
      this.significance = alpha;
      return this;
    }

    /** Seed of the bootstrap resampling (default 1); the same seed gives the same intervals. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Bootstrap resamples (default 1,000; 100 to 1,000,000). */
    public Builder bootstrapResamples(int resamples) {
      Checks.inRange(resamples, 100, 1_000_000, "bootstrapResamples");
      this.resamples = resamples;
      return this;
    }

    /**
     * Where bootstrap resamples run (default the common fork-join pool) and in how many parallel
     * tasks (default the number of processors).
     */
    public Builder executor(Executor executor, int parallelism) {
      this.executor = Objects.requireNonNull(executor, "executor");
      Checks.atLeast(parallelism, 1, "parallelism");
      this.parallelism = parallelism;
      return this;
    }

    /**
     * The tracker evaluations are logged with when gating registry versions (default: one opened on
     * the registry's store for the call).
     */
    public Builder tracker(Tracker tracker) {
      this.tracker = Objects.requireNonNull(tracker, "tracker");
      return this;
    }

    /**
     * Builds the gate.
     *
     * @throws IllegalStateException if no rule was added
     */
    public ValidationGate build() {
      if (requirements.isEmpty()) {
        throw Checks.missing(
            "ValidationGate.Builder",
            "a rule",
            "require(metric, rule) or requireOnEverySlice(metric, rule)");
      }
      return new ValidationGate(this);
    }
  }
}
