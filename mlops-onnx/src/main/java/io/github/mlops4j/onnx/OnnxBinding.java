package io.github.mlops4j.onnx;

import ai.onnxruntime.MapInfo;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.SequenceInfo;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How a graph's inputs and outputs map to a model's features and outputs, derived the same way at
 * registration and at every load from the graph and the stored signature.
 *
 * <p>Inputs: either one tensor {@code [N, F]} whose columns are the features in signature order
 * (the layout converters emit, e.g. {@code float_input}), or one tensor {@code [N, 1]} or {@code
 * [N]} per feature, named like the feature. Each input is float, double, int64 or int32 ({@link
 * OnnxInputs} converts the request's doubles); a string input is refused with what to do instead.
 * Outputs of a classifier: the first float tensor {@code [N, C]} or sequence of maps (ZipMap) is
 * the class probabilities, the first int64 or string tensor {@code [N]} the predicted label; of a
 * regressor, the output named in the signature or else the first float tensor.
 *
 * @param columns the features in column order (columns layout), or the features in graph input
 *     order (one input per feature)
 * @param singleInput the input of the columns layout, or null for one input per feature
 * @param inputRanks the rank of each input of the per-feature layout, by name
 * @param inputTypes the element type of each input, by name
 * @param scores the probabilities output (classification) or the value output (regression)
 * @param zipMap whether {@code scores} is a sequence of maps
 * @param label the label output of a classifier, or null
 */
record OnnxBinding(
    List<String> columns,
    @Nullable String singleInput,
    Map<String, Integer> inputRanks,
    Map<String, OnnxJavaType> inputTypes,
    String scores,
    boolean zipMap,
    @Nullable String label) {

  /** The element type of the graph input that feeds feature {@code column}. */
  OnnxJavaType typeOf(String column) {
    return inputTypes.getOrDefault(singleInput != null ? singleInput : column, OnnxJavaType.FLOAT);
  }

  /** True if feature {@code column} feeds an int32 or int64 graph input. */
  boolean integer(String column) {
    OnnxJavaType t = typeOf(column);
    return t == OnnxJavaType.INT32 || t == OnnxJavaType.INT64;
  }

  /** Output names to fetch from a run. */
  Set<String> fetched() {
    Set<String> out = new HashSet<>();
    out.add(scores);
    if (label != null) {
      out.add(label);
    }
    return out;
  }

  /**
   * Binds a session's graph to {@code features} (in order) and the outputs of {@code kind}.
   *
   * @param regressionOutput the output named in a regression signature, or null
   * @throws IllegalArgumentException saying what does not fit
   */
  static OnnxBinding of(
      OrtSession session,
      List<String> features,
      OnnxKind kind,
      int classes,
      @Nullable String regressionOutput)
      throws OrtException {
    Map<String, NodeInfo> inputs = session.getInputInfo();
    @Nullable String single = null;
    Map<String, Integer> ranks = new java.util.LinkedHashMap<>();
    Map<String, OnnxJavaType> types = new java.util.LinkedHashMap<>();
    if (inputs.size() == 1 && !features.contains(inputs.keySet().iterator().next())) {
      NodeInfo in = inputs.values().iterator().next();
      TensorInfo t = numericTensor(in);
      types.put(in.getName(), t.type);
      long[] shape = t.getShape();
      if (shape.length != 2) {
        throw new IllegalArgumentException(
            "input '" + in.getName() + "' has shape " + shape(shape) + "; expected [N, features]");
      }
      if (shape[1] >= 0 && shape[1] != features.size()) {
        throw new IllegalArgumentException(
            "input '"
                + in.getName()
                + "' has "
                + shape[1]
                + " columns, but "
                + features.size()
                + " feature names were given");
      }
      single = in.getName();
    } else {
      if (!inputs.keySet().equals(new HashSet<>(features))) {
        throw new IllegalArgumentException(
            "the graph's inputs "
                + inputs.keySet()
                + " are not the features "
                + cutList(features)
                + "; name one input per feature, or use one [N, features] input");
      }
      for (NodeInfo in : inputs.values()) {
        TensorInfo t = numericTensor(in);
        types.put(in.getName(), t.type);
        long[] shape = t.getShape();
        if (shape.length < 1 || shape.length > 2 || (shape.length == 2 && shape[1] > 1)) {
          throw new IllegalArgumentException(
              "input '"
                  + in.getName()
                  + "' has shape "
                  + shape(shape)
                  + "; expected [N] or [N, 1]");
        }
        ranks.put(in.getName(), shape.length);
      }
    }
    List<String> columns = single != null ? features : new ArrayList<>(inputs.keySet());
    Map<String, NodeInfo> outputs = session.getOutputInfo();
    if (kind == OnnxKind.REGRESSION) {
      String value = null;
      for (NodeInfo out : outputs.values()) {
        if (isFloatTensor(out.getInfo())
            && (regressionOutput == null || regressionOutput.equals(out.getName()))) {
          value = out.getName();
          break;
        }
      }
      if (value == null) {
        throw new IllegalArgumentException(
            "the graph has no float tensor output"
                + (regressionOutput == null ? "" : " named '" + regressionOutput + "'")
                + "; outputs: "
                + describe(outputs));
      }
      return new OnnxBinding(columns, single, ranks, types, value, false, null);
    }
    String scores = null;
    boolean zipMap = false;
    String label = null;
    for (NodeInfo out : outputs.values()) {
      ValueInfo info = out.getInfo();
      if (scores == null && isFloatTensor(info) && ((TensorInfo) info).getShape().length == 2) {
        long c = ((TensorInfo) info).getShape()[1];
        if (c >= 0 && c != classes) {
          throw new IllegalArgumentException(
              "output '"
                  + out.getName()
                  + "' has "
                  + c
                  + " classes, but "
                  + classes
                  + " labels were given");
        }
        scores = out.getName();
      } else if (scores == null && info instanceof SequenceInfo s && s.sequenceOfMaps) {
        MapInfo m = s.mapInfo;
        if (m.valueType != OnnxJavaType.FLOAT) {
          throw new IllegalArgumentException(
              "output '" + out.getName() + "' maps to " + m.valueType + ", not to floats");
        }
        scores = out.getName();
        zipMap = true;
      } else if (label == null
          && info instanceof TensorInfo t
          && (t.type == OnnxJavaType.INT64 || t.type == OnnxJavaType.STRING)
          && (t.getShape().length == 1 || (t.getShape().length == 2 && t.getShape()[1] == 1))) {
        label = out.getName();
      }
    }
    if (scores == null) {
      throw new IllegalArgumentException(
          "the graph has no class probability output (a float tensor [N, classes] or a sequence"
              + " of maps); outputs: "
              + describe(outputs));
    }
    return new OnnxBinding(columns, single, ranks, types, scores, zipMap, label);
  }

  private static TensorInfo numericTensor(NodeInfo in) {
    if (in.getInfo() instanceof TensorInfo s && s.type == OnnxJavaType.STRING) {
      throw new IllegalArgumentException(
          "input '"
              + cut(in.getName())
              + "' is a string tensor; requests reach a graph as numbers, so string inputs are"
              + " not served. Export the graph without its string encoder (encode the category"
              + " outside it, e.g. one-hot columns named like 'plan@gold') and register the"
              + " encoded columns");
    }
    if (!(in.getInfo() instanceof TensorInfo t && OnnxInputs.SUPPORTED.contains(t.type))) {
      throw new IllegalArgumentException(
          "input '"
              + cut(in.getName())
              + "' is "
              + in.getInfo()
              + "; supported inputs are float, double, int64 and int32 tensors");
    }
    return t;
  }

  private static String cut(String name) {
    return name.length() <= 100
        ? name
        : name.substring(0, 100) + "... (" + name.length() + " chars)";
  }

  private static boolean isFloatTensor(ValueInfo info) {
    return info instanceof TensorInfo t && t.type == OnnxJavaType.FLOAT;
  }

  static String shape(long[] shape) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < shape.length; i++) {
      b.append(i == 0 ? "" : ", ").append(shape[i] < 0 ? "N" : String.valueOf(shape[i]));
    }
    return b.append(']').toString();
  }

  private static String describe(Map<String, NodeInfo> nodes) {
    List<String> parts = new ArrayList<>();
    for (NodeInfo n : nodes.values()) {
      parts.add(n.getName() + ": " + n.getInfo());
      if (parts.size() == 8) {
        parts.add("... (" + nodes.size() + " in all)");
        break;
      }
    }
    return String.join("; ", parts);
  }

  private static String cutList(List<String> names) {
    String s = names.toString();
    return s.length() <= 200 ? s : s.substring(0, 200) + "... (" + names.size() + " names)";
  }
}
