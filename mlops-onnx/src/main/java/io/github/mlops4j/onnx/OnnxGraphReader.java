package io.github.mlops4j.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.github.mlops4j.registry.FeatureSpec;
import io.github.mlops4j.registry.ModelSignature;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads the signature of an ONNX file for {@link OnnxArtifact}, in a class of its own so that
 * {@code OnnxArtifact} loads without onnxruntime (catching {@code OrtException} needs the class). A
 * feature that feeds an int32 or int64 graph input is of type {@link FeatureSpec.Type#INTEGER}
 * (serving then refuses a value that is not a whole number as invalid input), any other {@link
 * FeatureSpec.Type#REAL}.
 */
final class OnnxGraphReader {
  private OnnxGraphReader() {}

  static ModelSignature signature(
      Path file, @Nullable List<String> columns, OnnxKind k, List<String> outputs, byte[] bytes) {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
      try (OrtSession session = env.createSession(bytes, options)) {
        List<String> features =
            columns != null ? columns : new ArrayList<>(session.getInputInfo().keySet());
        OnnxBinding binding =
            OnnxBinding.of(
                session,
                features,
                k,
                outputs.size(),
                k == OnnxKind.REGRESSION && !outputs.isEmpty() ? outputs.get(0) : null);
        List<FeatureSpec> inputs = new ArrayList<>();
        for (String f : binding.columns()) {
          inputs.add(
              new FeatureSpec(
                  f, binding.integer(f) ? FeatureSpec.Type.INTEGER : FeatureSpec.Type.REAL));
        }
        List<String> labels = k == OnnxKind.CLASSIFICATION ? outputs : List.of(binding.scores());
        return new ModelSignature(inputs, k.outputType(), labels);
      }
    } catch (OrtException | IllegalArgumentException e) {
      throw new OnnxModelException(
          null,
          null,
          "The ONNX file "
              + file.getFileName()
              + " cannot be registered: "
              + OnnxModel.cut(String.valueOf(e.getMessage())),
          e);
    }
  }
}
