package io.github.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.registry.FeatureSpec;
import io.github.mlops4j.serving.metrics.ServingMeters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;

/**
 * The plain read of a schema without one-hot groups (a complete request of finite numbers in the
 * remembered order, its example sharing one names array) answers exactly as the full read: one
 * schema reads a long random sequence of requests, and each answer (the example, or the problems
 * refused) equals that of a new schema, which remembers no order and so always reads in full. Most
 * requests are the caller's usual map; the others change a value (NaN, infinite, a boolean, a text,
 * null, a fraction or a huge number for the integer feature), leave a feature out, add an unknown
 * or an ignored field, or use equal but distinct name objects or another order.
 */
class InputSchemaPlainPathProperties {
  private static final List<FeatureSpec> INPUTS =
      List.of(
          new FeatureSpec("a", FeatureSpec.Type.REAL),
          new FeatureSpec("b", FeatureSpec.Type.REAL),
          new FeatureSpec("c", FeatureSpec.Type.REAL),
          new FeatureSpec("n", FeatureSpec.Type.INTEGER));

  /** Name constants, as a caller's code holds them. */
  private static final String[] NAMES = {"a", "b", "c", "n", "user", "zz"};

  private static final Object[] VALUES = {
    1.5,
    -2.0,
    0.0,
    3,
    7L,
    2.5,
    1L << 60,
    Double.NaN,
    Double.NEGATIVE_INFINITY,
    true,
    "red",
    null,
    4.0f
  };

  @Test
  void thePlainReadAnswersAsTheFullReadDoes() {
    InputSchemaOrderProperties.assertAnswersAsANewSchema(
        20_261_207L,
        300,
        InputSchemaPlainPathProperties::schema,
        usualRequest(),
        InputSchemaPlainPathProperties::request);
  }

  @Test
  void theUsualRequest_isReadPlainly_onceItsOrderIsKnown() {
    InputSchema schema = schema();
    Map<String, Object> usual = usualRequest();
    Example<Label> first = encode(schema, usual, ValidationPolicy.REJECT, true);
    Example<Label> second = encode(schema, usual, ValidationPolicy.REJECT, true);
    Example<Label> full = encode(schema, usual, ValidationPolicy.REJECT, false);
    assertThat(features(second)).isEqualTo(features(first)).isEqualTo(features(full));
    Example<Label> third = encode(schema, usual, ValidationPolicy.REJECT, true);
    assertThat(((SortedExample<Label>) third).names())
        .as("one names array shared by the plain reads")
        .isSameAs(((SortedExample<Label>) second).names());
    assertThat(((SortedExample<Label>) full).names())
        .isNotSameAs(((SortedExample<Label>) second).names());
  }

  @Test
  void examplesNameTheirFeaturesWithTheModelsOwnStrings() {
    // equal to the signature's names but other objects, as a model read from a file holds them
    List<String> modelNames = new ArrayList<>();
    for (FeatureSpec f : INPUTS) {
      modelNames.add(new String(f.name().toCharArray()));
    }
    InputSchema schema = new InputSchema("m", 1, INPUTS, Set.of("user"), modelNames);
    Map<String, Object> usual = usualRequest();
    for (boolean plain : new boolean[] {false, true, true}) {
      List<String> named = new ArrayList<>();
      for (Feature f : encode(schema, usual, ValidationPolicy.REJECT, plain)) {
        named.add(f.getName());
      }
      assertThat(named).hasSameSizeAs(modelNames);
      for (int i = 0; i < named.size(); i++) {
        assertThat(named.get(i)).as("plain read: %s", plain).isSameAs(modelNames.get(i));
      }
    }
  }

  private static InputSchema schema() {
    return new InputSchema("m", 1, INPUTS, Set.of("user"), Set.of());
  }

  /** The caller's usual request: every feature, with the name constants. */
  private static Map<String, Object> usualRequest() {
    return new HashMap<>(Map.of(NAMES[0], 0.5, NAMES[1], 1.0, NAMES[2], -3.25, NAMES[3], 2));
  }

  /** A request drawn from {@code d}'s bits: the usual one changed, or a random one. */
  private static Map<String, Object> request(int d) {
    int bits = d >>> 3;
    Map<String, Object> m = (d & 4) != 0 ? new LinkedHashMap<>() : new HashMap<>();
    if ((bits & 1) != 0) { // the usual fields, one of them changed
      m.putAll(usualRequest());
      String name = NAMES[(bits >>> 1) % NAMES.length];
      Object value = VALUES[(bits >>> 4) % VALUES.length];
      switch ((bits >>> 9) & 3) {
        case 0 -> m.remove(name);
        case 1 -> {
          m.remove(name);
          m.put(new String(name.toCharArray()), value); // equal, but another object
        }
        default -> m.put(name, value);
      }
      return m;
    }
    int fields = 1 + ((bits >>> 1) & 7);
    bits >>>= 4;
    for (int i = 0; i < fields; i++) {
      String name = NAMES[(bits + 3 * i) % NAMES.length];
      if (((bits >>> i) & 1) != 0) {
        name = new String(name.toCharArray());
      }
      m.put(name, VALUES[(bits / 7 + 5 * i) % VALUES.length]);
    }
    return m;
  }

  private static Example<Label> encode(
      InputSchema schema, Map<String, Object> request, ValidationPolicy policy, boolean plain) {
    return schema.encode(
        request,
        LabelFactory.UNKNOWN_LABEL,
        policy,
        ServingMeters.noop().open("m", () -> 0).version(1, List.of("primary")),
        plain);
  }

  private static List<String> features(Example<Label> e) {
    List<String> out = new ArrayList<>();
    for (Feature f : e) {
      out.add(f.getName() + "=" + f.getValue());
    }
    return out;
  }
}
