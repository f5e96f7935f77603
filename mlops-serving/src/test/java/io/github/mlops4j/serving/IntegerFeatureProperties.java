package io.github.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.longs;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.InvalidInputException.Reason;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.core.Gen;

/**
 * For any double, a service accepts it for an {@code INTEGER} feature iff it is a whole number of
 * magnitude at most 2^53; otherwise it is refused as {@link Reason#NOT_INTEGER} (finite), {@link
 * Reason#NAN} or {@link Reason#INFINITE}, and the model is never called.
 */
class IntegerFeatureProperties {
  @TempDir Path workspace;

  /** Any double, with whole numbers near and beyond 2^53 and small fractions weighted in. */
  private static Gen<Double> values() {
    return doubles()
        .any()
        .mix(longs().between(-(1L << 54), 1L << 54).map(l -> (double) l), 30)
        .mix(longs().between(-(1L << 53) - 8, -(1L << 53) + 8).map(l -> (double) l), 20)
        .mix(longs().between((1L << 53) - 8, (1L << 53) + 8).map(l -> (double) l), 20)
        .mix(doubles().between(-100, 100), 30);
  }

  @Test
  void anIntegerFeatureTakesExactlyTheWholeNumbersWithin2To53() {
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      registry.register("churn", IntegerFeatureTest.integerX1(), null);
      try (InferenceService service =
          InferenceService.builder().registry(registry).model("churn").build()) {
        qt().withFixedSeed(20261206L)
            .withExamples(2_000)
            .forAll(values())
            .checkAssert(
                d -> {
                  boolean whole = d == Math.rint(d) && Math.abs(d) <= 0x1p53;
                  Map<String, Object> r = new HashMap<>(TestModels.request(0, 0.5, 0.25));
                  r.put("x1", d);
                  List<Reason> reasons;
                  try {
                    service.predict(r);
                    reasons = List.of();
                  } catch (InvalidInputException e) {
                    reasons =
                        e.problems().stream().map(InvalidInputException.Problem::reason).toList();
                  }
                  if (whole) {
                    // accepted by the signature: predicted, or (far outside training) blamed on
                    // the input by the model's training range, never as NOT_INTEGER
                    assertThat(reasons).as("x1 = %s", d).doesNotContain(Reason.NOT_INTEGER);
                  } else {
                    assertThat(reasons)
                        .as("x1 = %s", d)
                        .containsExactly(
                            Double.isNaN(d)
                                ? Reason.NAN
                                : Double.isInfinite(d) ? Reason.INFINITE : Reason.NOT_INTEGER);
                  }
                });
      }
    }
  }
}
