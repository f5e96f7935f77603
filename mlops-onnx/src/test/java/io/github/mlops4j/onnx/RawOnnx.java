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
    try (OrtSession session = env.createSession(file.toString(), new OrtSession.SessionOptions());
        OnnxTensor input =
            OnnxTensor.createTensor(env, FloatBuffer.wrap(data), new long[] {rows.size(), 4});
        OrtSession.Result result = session.run(Map.of("float_input", input))) {
      Map<String, float[][]> out = new HashMap<>();
      for (Map.Entry<String, OnnxValue> e : result) {
        out.put(e.getKey(), values(e.getValue(), rows.size()));
      }
      return out;
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
