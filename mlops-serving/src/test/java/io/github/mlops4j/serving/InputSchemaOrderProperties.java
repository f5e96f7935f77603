package io.github.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.github.mlops4j.registry.FeatureSpec;
import io.github.mlops4j.serving.metrics.ServingMeters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;

/**
 * The remembered request order of {@link InputSchema} (names found by identity at their place, no
 * hash lookup) gives exactly what looking every name up gives: one schema reads a long random
 * sequence of requests, and each answer (the example, or the problems refused) equals the answer of
 * a new schema that has never seen a request. Requests repeat the same name objects in the same
 * order most of the time, as real callers do, and otherwise mix in equal but distinct name objects,
 * other orders, missing, unknown, ignored and duplicate fields, and bad values.
 */
class InputSchemaOrderProperties {
  private static final List<FeatureSpec> INPUTS =
      List.of(
          new FeatureSpec("a", FeatureSpec.Type.REAL),
          new FeatureSpec("b", FeatureSpec.Type.REAL),
          new FeatureSpec("colour@red", FeatureSpec.Type.REAL),
          new FeatureSpec("colour@blue", FeatureSpec.Type.REAL),
          new FeatureSpec("n", FeatureSpec.Type.INTEGER));

  /** Name constants, as a caller's code holds them. */
  private static final String[] NAMES = {
    "a", "b", "colour", "colour@red", "colour@blue", "n", "user", "zz"
  };

  private static final Object[] VALUES = {
    1.5, -2.0, 0.0, 1.0, 3, Double.NaN, "red", "blue", "green", true, null, List.of()
  };

  @Test
  void rememberedOrderAnswersAsALookupDoes() {
    assertAnswersAsANewSchema(
        20_261_206L, 400, InputSchemaOrderProperties::schema, usualRequest(), d -> request(d));
  }

  /**
   * One schema reads random sequences of requests (three in four the caller's {@code usual} map,
   * else {@code other} of the draw), under both policies; each answer must equal that of a new
   * schema, which has never seen a request (so no remembered order and no plain read).
   */
  static void assertAnswersAsANewSchema(
      long seed,
      int maxRequests,
      Supplier<InputSchema> schema,
      Map<String, Object> usual,
      IntFunction<Map<String, Object>> other) {
    qt().withFixedSeed(seed)
        .withExamples(40)
        .forAll(lists().of(integers().between(0, Integer.MAX_VALUE)).ofSizeBetween(1, maxRequests))
        .checkAssert(
            draws -> {
              InputSchema reused = schema.get();
              for (int d : draws) {
                Map<String, Object> request = (d & 3) != 0 ? usual : other.apply(d);
                for (ValidationPolicy policy :
                    List.of(ValidationPolicy.REJECT, ValidationPolicy.fill(0.0))) {
                  assertThat(answer(reused, request, policy))
                      .as("request %s under %s", request, policy)
                      .isEqualTo(answer(schema.get(), request, policy));
                }
              }
            });
  }

  private static InputSchema schema() {
    return new InputSchema("m", 1, INPUTS, Set.of("user"), Set.of());
  }

  private static Map<String, Object> usualRequest() {
    Map<String, Object> m = new HashMap<>();
    m.put(NAMES[0], 0.5);
    m.put(NAMES[1], 1.0);
    m.put(NAMES[2], "red");
    m.put(NAMES[5], 2);
    return m;
  }

  /** A request drawn from {@code d}'s bits. */
  private static Map<String, Object> request(int d) {
    Map<String, Object> m = (d & 4) != 0 ? new LinkedHashMap<>() : new HashMap<>();
    int bits = d >>> 3;
    int fields = 1 + (bits & 7);
    bits >>>= 3;
    for (int i = 0; i < fields; i++) {
      String name = NAMES[(bits + 3 * i) % NAMES.length];
      if (((bits >>> i) & 1) != 0) {
        name = new String(name.toCharArray()); // equal, but another object
      }
      Object value = VALUES[(bits / 7 + 5 * i) % VALUES.length];
      m.put(name, value);
    }
    return m;
  }

  /** The example's features, or the problems of the refusal. */
  static Object answer(InputSchema schema, Map<String, Object> request, ValidationPolicy policy) {
    try {
      Example<Label> e =
          schema.encode(
              request,
              LabelFactory.UNKNOWN_LABEL,
              policy,
              ServingMeters.noop().open("m", () -> 0).version(1, List.of("primary")));
      List<String> out = new ArrayList<>();
      for (Feature f : e) {
        out.add(f.getName() + "=" + f.getValue());
      }
      return out;
    } catch (InvalidInputException x) {
      return x.problems();
    }
  }
}
