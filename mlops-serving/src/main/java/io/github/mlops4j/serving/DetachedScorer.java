package io.github.mlops4j.serving;

import io.github.mlops4j.registry.ModelSignature;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.serving.internal.DetachedScoring;
import io.github.mlops4j.serving.metrics.ServingMeters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.Output;

/** {@link DetachedScoring}'s scorer: one {@link LoadedVersion} without a service around it. */
final class DetachedScorer<T extends Output<T>> implements DetachedScoring.Scorer {
  static {
    DetachedScoring.install(DetachedScorer::open);
  }

  private final String model;
  private final LoadedVersion<T> lv;
  private final ValidationPolicy policy;

  private DetachedScorer(String model, LoadedVersion<T> lv, ValidationPolicy policy) {
    this.model = model;
    this.lv = lv;
    this.policy = policy;
  }

  private static DetachedScoring.Scorer open(
      ModelVersion mv,
      DetachedScoring.ModelSource source,
      ValidationPolicy policy,
      Set<String> ignored) {
    ModelSignature signature = mv.signature().orElse(null);
    return open(
        mv,
        signature,
        OutputAdapter.forType(signature == null ? "Label" : signature.outputType()),
        source,
        policy,
        ignored);
  }

  private static <T extends Output<T>> DetachedScorer<T> open(
      ModelVersion mv,
      @Nullable ModelSignature signature,
      OutputAdapter<T> adapter,
      DetachedScoring.ModelSource source,
      ValidationPolicy policy,
      Set<String> ignored) {
    Model<T> m = source.load(adapter.type());
    InputSchema schema = InputSchema.of(mv.modelName(), mv.version(), signature, m, ignored);
    ServingMeters.VersionMeters meters =
        ServingMeters.noop().open(mv.modelName(), () -> 0).version(mv.version(), List.of("batch"));
    LoadedVersion<T> lv =
        new LoadedVersion<>(mv.version(), signature, m, adapter, schema, meters, null, () -> {});
    return new DetachedScorer<>(mv.modelName(), lv, policy);
  }

  @Override
  public List<String> inputs() {
    ModelSignature s = lv.signature != null ? lv.signature : ModelSignature.of(lv.model);
    return s.inputNames();
  }

  @Override
  public List<DetachedScoring.Outcome> score(List<? extends Map<String, ?>> rows) {
    int n = rows.size();
    List<@Nullable Example<T>> examples = new ArrayList<>(n);
    List<DetachedScoring.@Nullable Outcome> out = new ArrayList<>(n);
    List<Example<T>> valid = new ArrayList<>(n);
    for (Map<String, ?> row : rows) {
      try {
        Example<T> e = lv.encode(row, policy);
        examples.add(e);
        valid.add(e);
        out.add(null);
      } catch (RuntimeException e) {
        examples.add(null);
        out.add(new DetachedScoring.Outcome(null, Map.of(), e));
      }
    }
    List<LoadedVersion.Scored<T>> scored =
        valid.isEmpty() ? List.of() : LoadedVersion.predictBatch(lv.model, valid);
    int next = 0;
    List<DetachedScoring.Outcome> result = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      DetachedScoring.Outcome early = out.get(i);
      Example<T> example = examples.get(i);
      if (early != null || example == null) {
        result.add(java.util.Objects.requireNonNull(early));
        continue;
      }
      result.add(judge(example, scored.get(next++)));
    }
    return result;
  }

  private DetachedScoring.Outcome judge(Example<T> example, LoadedVersion.Scored<T> s) {
    org.tribuo.@Nullable Prediction<T> p = s.prediction();
    if (s.error() != null || p == null || !lv.adapter.usable(p)) {
      return new DetachedScoring.Outcome(null, Map.of(), lv.failure(model, example, s.error()));
    }
    try {
      return new DetachedScoring.Outcome(lv.adapter.output(p), lv.adapter.scores(p), null);
    } catch (RuntimeException e) {
      return new DetachedScoring.Outcome(
          null,
          Map.of(),
          new ServingException(
              "Version "
                  + lv.version
                  + " of '"
                  + model
                  + "' gave an output that cannot be reported: "
                  + io.github.mlops4j.serving.internal.Texts.abbreviate(String.valueOf(e), 300),
              e));
    }
  }
}
