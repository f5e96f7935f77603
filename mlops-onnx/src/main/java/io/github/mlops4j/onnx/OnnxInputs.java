package io.github.mlops4j.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.Map;
import java.util.Set;

/**
 * The input tensors of one run, made from the examples' values (doubles) in the element type of
 * each graph input: float (rounded to the nearest float, as converters do), double (exact), int64
 * and int32. An integer input takes only whole numbers within its type's range: any other value is
 * refused with an {@link IllegalArgumentException} naming the feature, the row and the value,
 * rather than truncated.
 */
final class OnnxInputs {
  /** The element types of inputs the binding accepts. */
  static final Set<OnnxJavaType> SUPPORTED =
      Set.of(OnnxJavaType.FLOAT, OnnxJavaType.DOUBLE, OnnxJavaType.INT64, OnnxJavaType.INT32);

  private OnnxInputs() {}

  /**
   * Puts the input tensors of {@code n} rows into {@code into} (the caller closes them, also when
   * this throws).
   *
   * @param data row-major values, {@code n} rows of {@code binding.columns().size()}
   * @throws IllegalArgumentException if a value does not fit an integer input
   */
  static void create(
      OrtEnvironment env, OnnxBinding binding, double[] data, int n, Map<String, OnnxTensor> into)
      throws OrtException {
    int f = binding.columns().size();
    String single = binding.singleInput();
    if (single != null) {
      OnnxJavaType type = binding.inputTypes().getOrDefault(single, OnnxJavaType.FLOAT);
      into.put(single, tensor(env, binding, type, data, 0, f, n, new long[] {n, f}));
      return;
    }
    for (int c = 0; c < f; c++) {
      String input = binding.columns().get(c);
      long[] shape =
          binding.inputRanks().getOrDefault(input, 2) == 1 ? new long[] {n} : new long[] {n, 1};
      OnnxJavaType type = binding.inputTypes().getOrDefault(input, OnnxJavaType.FLOAT);
      into.put(input, tensor(env, binding, type, data, c, 1, n, shape));
    }
  }

  /** The tensor of columns {@code [from, from + width)} of {@code data}, in {@code type}. */
  private static OnnxTensor tensor(
      OrtEnvironment env,
      OnnxBinding binding,
      OnnxJavaType type,
      double[] data,
      int from,
      int width,
      int n,
      long[] shape)
      throws OrtException {
    int f = binding.columns().size();
    int size = n * width;
    switch (type) {
      case DOUBLE -> {
        double[] out = new double[size];
        for (int i = 0; i < n; i++) {
          System.arraycopy(data, i * f + from, out, i * width, width);
        }
        return OnnxTensor.createTensor(env, DoubleBuffer.wrap(out), shape);
      }
      case INT64 -> {
        long[] out = new long[size];
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < width; j++) {
            out[i * width + j] =
                (long) whole(binding, data[i * f + from + j], i, from + j, Long.MIN_VALUE, 0x1p63);
          }
        }
        return OnnxTensor.createTensor(env, LongBuffer.wrap(out), shape);
      }
      case INT32 -> {
        int[] out = new int[size];
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < width; j++) {
            out[i * width + j] =
                (int)
                    whole(binding, data[i * f + from + j], i, from + j, Integer.MIN_VALUE, 0x1p31);
          }
        }
        return OnnxTensor.createTensor(env, IntBuffer.wrap(out), shape);
      }
      default -> {
        float[] out = new float[size];
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < width; j++) {
            out[i * width + j] = (float) data[i * f + from + j];
          }
        }
        return OnnxTensor.createTensor(env, FloatBuffer.wrap(out), shape);
      }
    }
  }

  /**
   * {@code v} if it is a whole number in {@code [min, maxExclusive)}.
   *
   * @throws IllegalArgumentException otherwise
   */
  private static double whole(
      OnnxBinding binding, double v, int row, int column, double min, double maxExclusive) {
    if (v == Math.rint(v) && v >= min && v < maxExclusive) {
      return v;
    }
    String feature = binding.columns().get(column);
    String single = binding.singleInput();
    String input = single != null ? single : feature;
    String type = maxExclusive > 0x1p31 ? "int64" : "int32";
    throw new IllegalArgumentException(
        "feature '"
            + OnnxModel.cut(feature)
            + "' of row "
            + row
            + " is "
            + v
            + ", but graph input '"
            + OnnxModel.cut(input)
            + "' is "
            + type
            + ": send a whole number"
            + (v == Math.rint(v) ? " within the " + type + " range" : " (it is not rounded)"));
  }
}
