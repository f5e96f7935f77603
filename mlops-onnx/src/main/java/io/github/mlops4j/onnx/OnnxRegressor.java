package io.github.mlops4j.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.tribuo.Example;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.MutableOutputInfo;
import org.tribuo.Prediction;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

/**
 * A regressor: the first column of a float output {@code [N]} or {@code [N, k]}, as one dimension.
 */
final class OnnxRegressor extends OnnxModel<Regressor> {
  private static final long serialVersionUID = 1L;

  private final String dimension;

  OnnxRegressor(
      String name,
      int version,
      String dimension,
      OrtEnvironment env,
      OrtSession session,
      OrtSession.SessionOptions options,
      OnnxBinding binding) {
    super(name, version, outputInfo(dimension), false, env, session, options, binding);
    this.dimension = dimension;
  }

  private static ImmutableOutputInfo<Regressor> outputInfo(String dimension) {
    MutableOutputInfo<Regressor> info = new RegressionFactory().generateInfo();
    info.observe(new Regressor(dimension, 0.0));
    return info.generateImmutableOutputInfo();
  }

  @Override
  List<Prediction<Regressor>> decode(OrtSession.Result result, List<Example<Regressor>> batch)
      throws OrtException {
    int n = batch.size();
    FloatBuffer fb = ((OnnxTensor) OnnxClassifier.get(result, binding.scores())).getFloatBuffer();
    if (fb.remaining() == 0 || fb.remaining() % n != 0) {
      throw new IllegalStateException(
          "output '"
              + binding.scores()
              + "' holds "
              + fb.remaining()
              + " values for "
              + n
              + " rows");
    }
    int width = fb.remaining() / n;
    List<Prediction<Regressor>> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Example<Regressor> example = batch.get(i);
      out.add(
          new Prediction<>(new Regressor(dimension, fb.get(i * width)), example.size(), example));
    }
    return out;
  }
}
