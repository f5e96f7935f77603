package io.github.mlops4j.onnx;

import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A plain {@code OrtSession.run} on the fixture rows, the reference the service must equal. */
final class RawOnnx {
  private RawOnnx() {}

  /** Runs the file on the rows as one float tensor [N, 4]; each output as float[N][k]. */
  static Map<String, float[][]> run(Path file, List<Map<String, Double>> rows) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    float[] data = new float[rows.size() * Fixtures.FEATURES.size()];
    for (int i = 0; i < rows.size(); i++) {
      for (int j = 0; j < Fixtures.FEATURES.size(); j++) {
        data[i * 4 + j] = rows.get(i).get(Fixtures.FEATURES.get(j)).floatValue();
      }
    }
    try (OnnxTensor input =
        OnnxTensor.createTensor(env, FloatBuffer.wrap(data), new long[] {rows.size(), 4})) {
      return run(file, Map.of("float_input", input), rows.size());
    }
  }

  /** Runs the file on these input tensors of {@code n} rows; each output as float[n][k]. */
  static Map<String, float[][]> run(Path file, Map<String, OnnxTensor> inputs, int n)
      throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(file.toString(), new OrtSession.SessionOptions());
        OrtSession.Result result = session.run(inputs)) {
      Map<String, float[][]> out = new HashMap<>();
      for (Map.Entry<String, OnnxValue> e : result) {
        out.put(e.getKey(), values(e.getValue(), n));
      }
      return out;
    }
  }

  /**
   * Runs the file on a table of values (rows of columns) given as one tensor {@code input} [N, F]
   * of {@code type} (float, double, int64 or int32), or, when {@code input} is null, as one tensor
   * per column named after it, of shape [N] ({@code rank1}) or [N, 1].
   */
  static Map<String, float[][]> run(
      Path file,
      List<String> columns,
      List<double[]> rows,
      ai.onnxruntime.OnnxJavaType type,
      @org.jspecify.annotations.Nullable String input,
      boolean rank1)
      throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    int n = rows.size();
    Map<String, OnnxTensor> tensors = new java.util.LinkedHashMap<>();
    try {
      if (input != null) {
        tensors.put(
            input, tensor(env, rows, 0, columns.size(), type, new long[] {n, columns.size()}));
      } else {
        for (int c = 0; c < columns.size(); c++) {
          tensors.put(
              columns.get(c),
              tensor(env, rows, c, 1, type, rank1 ? new long[] {n} : new long[] {n, 1}));
        }
      }
      return run(file, tensors, n);
    } finally {
      tensors.values().forEach(OnnxTensor::close);
    }
  }

  private static OnnxTensor tensor(
      OrtEnvironment env,
      List<double[]> rows,
      int from,
      int width,
      ai.onnxruntime.OnnxJavaType type,
      long[] shape)
      throws OrtException {
    int n = rows.size();
    switch (type) {
      case DOUBLE -> {
        double[] d = new double[n * width];
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < width; j++) {
            d[i * width + j] = rows.get(i)[from + j];
          }
        }
        return OnnxTensor.createTensor(env, java.nio.DoubleBuffer.wrap(d), shape);
      }
      case INT64 -> {
        long[] d = new long[n * width];
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < width; j++) {
            d[i * width + j] = Math.round(rows.get(i)[from + j]);
          }
        }
        return OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(d), shape);
      }
      case INT32 -> {
        int[] d = new int[n * width];
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < width; j++) {
            d[i * width + j] = Math.toIntExact(Math.round(rows.get(i)[from + j]));
          }
        }
        return OnnxTensor.createTensor(env, java.nio.IntBuffer.wrap(d), shape);
      }
      case FLOAT -> {
        float[] d = new float[n * width];
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < width; j++) {
            d[i * width + j] = (float) rows.get(i)[from + j];
          }
        }
        return OnnxTensor.createTensor(env, FloatBuffer.wrap(d), shape);
      }
      default -> throw new IllegalArgumentException(type.toString());
    }
  }

  private static float[][] values(OnnxValue v, int n) throws OrtException {
    float[][] out = new float[n][];
    if (v instanceof OnnxSequence s) {
      List<? extends OnnxValue> maps = s.getValue();
      for (int i = 0; i < n; i++) {
        Map<?, ?> m = ((OnnxMap) maps.get(i)).getValue();
        out[i] = new float[] {(Float) m.get(0L), (Float) m.get(1L)};
      }
      return out;
    }
    OnnxTensor t = (OnnxTensor) v;
    long count = t.getInfo().getNumElements();
    int width = (int) (count / n);
    for (int i = 0; i < n; i++) {
      out[i] = new float[width];
      for (int j = 0; j < width; j++) {
        out[i][j] =
            t.getInfo().type == ai.onnxruntime.OnnxJavaType.INT64
                ? t.getLongBuffer().get(i * width + j)
                : t.getFloatBuffer().get(i * width + j);
      }
    }
    return out;
  }
}
