package io.github.mlops4j.registry;

import com.oracle.labs.mlrg.olcut.util.Pair;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.tribuo.CategoricalInfo;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.VariableInfo;

/**
 * What a model takes and gives: its input features (names and types, in the order of the model's
 * feature domain), its output type and, for classifiers, the output labels.
 *
 * @param inputs input features, no duplicate names
 * @param outputType the output type, e.g. {@code Label} or {@code Regressor}
 * @param outputLabels the output domain (class labels, regression dimension names), possibly empty
 * @since 0.1.0
 */
public record ModelSignature(
    List<FeatureSpec> inputs, String outputType, List<String> outputLabels) {
  public ModelSignature {
    inputs = List.copyOf(Objects.requireNonNull(inputs, "inputs"));
    Objects.requireNonNull(outputType, "outputType");
    outputLabels = List.copyOf(Objects.requireNonNull(outputLabels, "outputLabels"));
    Set<String> names = new HashSet<>();
    for (FeatureSpec f : inputs) {
      if (!names.add(f.name())) {
        throw new IllegalArgumentException("Duplicate input feature '" + f.name() + "'");
      }
    }
  }

  /** Reads the signature of a Tribuo model from its feature and output domains. */
  public static ModelSignature of(Model<?> model) {
    return fromTribuo(model);
  }

  private static <T extends Output<T>> ModelSignature fromTribuo(Model<T> model) {
    ImmutableFeatureMap features = model.getFeatureIDMap();
    List<FeatureSpec> inputs = new ArrayList<>(features.size());
    for (int id = 0; id < features.size(); id++) {
      VariableInfo info = features.get(id);
      inputs.add(
          new FeatureSpec(
              info.getName(),
              info instanceof CategoricalInfo
                  ? FeatureSpec.Type.CATEGORICAL
                  : FeatureSpec.Type.REAL));
    }
    List<String> labels = new ArrayList<>();
    String outputType = "unknown";
    for (Pair<Integer, T> p : model.getOutputIDInfo()) {
      T output = p.getB();
      outputType = output.getClass().getSimpleName();
      labels.add(output.getSerializableForm(false));
    }
    return new ModelSignature(inputs, outputType, labels);
  }

  /** The input feature names, in order. */
  public List<String> inputNames() {
    return inputs.stream().map(FeatureSpec::name).toList();
  }
}
