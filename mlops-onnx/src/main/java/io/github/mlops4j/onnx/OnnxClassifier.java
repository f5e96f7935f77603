package io.github.mlops4j.onnx;

import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.github.mlops4j.registry.internal.DenseClassifier;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tribuo.Example;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.MutableOutputInfo;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;

/**
 * A classifier: class probabilities from a float tensor {@code [N, C]} (column j is label j) or a
 * ZipMap sequence of maps (int64 key j is label j; a string key is the label itself), and the
 * predicted label from the graph's label tensor (int64 j is label j, a string is the label), or the
 * most probable label when the graph has none.
 */
final class OnnxClassifier extends OnnxModel<Label> implements DenseClassifier {
  private static final long serialVersionUID = 1L;

  private final List<String> labels;

  OnnxClassifier(
      String name,
      int version,
      List<String> labels,
      OrtEnvironment env,
      OrtSession session,
      OrtSession.SessionOptions options,
      OnnxBinding binding) {
    super(name, version, outputInfo(labels), true, env, session, options, binding);
    this.labels = List.copyOf(labels);
  }

  private static ImmutableOutputInfo<Label> outputInfo(List<String> labels) {
    if (labels.size() < 2) {
      throw new IllegalArgumentException(
          "a classifier needs at least 2 labels, " + labels.size() + " given");
    }
    MutableOutputInfo<Label> info = new LabelFactory().generateInfo();
    labels.forEach(l -> info.observe(new Label(l)));
    return info.generateImmutableOutputInfo();
  }

  @Override
  List<Prediction<Label>> decode(OrtSession.Result result, List<Example<Label>> batch)
      throws OrtException {
    int n = batch.size();
    int c = labels.size();
    float[] probabilities = new float[n * c];
    int[] chosen = new int[n];
    decode(result, n, probabilities, chosen);
    List<Prediction<Label>> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String label = labels.get(chosen[i]);
      Map<String, Label> byLabel = new LinkedHashMap<>();
      double chosenScore = Double.NaN;
      for (int j = 0; j < c; j++) {
        double p = probabilities[i * c + j];
        byLabel.put(labels.get(j), new Label(labels.get(j), p));
        if (labels.get(j).equals(label)) {
          chosenScore = p;
        }
      }
      Example<Label> example = batch.get(i);
      out.add(
          new Prediction<>(new Label(label, chosenScore), byLabel, example.size(), example, true));
    }
    return out;
  }

  @Override
  public List<String> denseColumns() {
    return binding.columns();
  }

  @Override
  public List<String> denseLabels() {
    return labels;
  }

  @Override
  public void predictDense(double[] data, int n, int[] chosen, double[] scores) {
    float[] probabilities = new float[n * labels.size()];
    run(
        data,
        n,
        result -> {
          decode(result, n, probabilities, chosen);
          return probabilities;
        });
    for (int i = 0; i < probabilities.length; i++) {
      scores[i] = probabilities[i];
    }
  }

  /**
   * Reads one run's outputs for {@code n} rows: each row's class probabilities into {@code
   * probabilities} ({@code n} rows of one value per label) and the index of its label into {@code
   * chosen}.
   */
  private void decode(OrtSession.Result result, int n, float[] probabilities, int[] chosen)
      throws OrtException {
    int c = labels.size();
    OnnxValue scores = get(result, binding.scores());
    if (binding.zipMap()) {
      List<? extends OnnxValue> maps = ((OnnxSequence) scores).getValue();
      if (maps.size() != n) {
        throw new IllegalStateException(
            "the ZipMap output holds " + maps.size() + " maps for " + n + " rows");
      }
      for (int i = 0; i < n; i++) {
        for (Map.Entry<?, ?> e : ((OnnxMap) maps.get(i)).getValue().entrySet()) {
          probabilities[i * c + classIndex(e.getKey())] = ((Number) e.getValue()).floatValue();
        }
      }
    } else {
      FloatBuffer fb = ((OnnxTensor) scores).getFloatBuffer();
      if (fb.remaining() != n * c) {
        throw new IllegalStateException(
            "output '"
                + binding.scores()
                + "' holds "
                + fb.remaining()
                + " values for "
                + n
                + " rows of "
                + c
                + " classes");
      }
      fb.get(probabilities);
    }
    String labelOutput = binding.label();
    if (labelOutput != null) {
      OnnxTensor t = (OnnxTensor) get(result, labelOutput);
      if (t.getInfo().type == ai.onnxruntime.OnnxJavaType.INT64) {
        LongBuffer lb = t.getLongBuffer();
        for (int i = 0; i < n; i++) {
          chosen[i] = classIndex(lb.get(i));
        }
      } else {
        Object v = t.getValue();
        for (int i = 0; i < n; i++) {
          Object s = v instanceof String[][] rows ? rows[i][0] : ((String[]) v)[i];
          chosen[i] = classIndex(s);
        }
      }
    } else {
      for (int i = 0; i < n; i++) {
        int best = 0;
        for (int j = 1; j < c; j++) {
          if (probabilities[i * c + j] > probabilities[i * c + best]) {
            best = j;
          }
        }
        chosen[i] = best;
      }
    }
  }

  /** The label index of a class key: an int64 index, or a string label. */
  private int classIndex(Object key) {
    int index;
    if (key instanceof Long l) {
      index = l >= 0 && l < labels.size() ? l.intValue() : -1;
    } else {
      index = labels.indexOf(String.valueOf(key));
    }
    if (index < 0) {
      throw new IllegalStateException(
          "the graph answered class "
              + cut(String.valueOf(key))
              + ", which is none of the "
              + labels.size()
              + " registered labels");
    }
    return index;
  }

  static OnnxValue get(OrtSession.Result result, String name) {
    return result
        .get(name)
        .orElseThrow(() -> new IllegalStateException("the run gave no output '" + name + "'"));
  }
}
