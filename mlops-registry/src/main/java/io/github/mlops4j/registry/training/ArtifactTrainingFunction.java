package io.github.mlops4j.registry.training;

import io.github.mlops4j.registry.ModelArtifact;
import io.github.mlops4j.tracking.Run;
import org.tribuo.Dataset;
import org.tribuo.Output;

/**
 * The host's training code for models that are not Tribuo models: given fresh data, returns the
 * artifact to register, for example an ONNX file exported by a Python job ({@code
 * OnnxArtifact.of(file)...toArtifact()} of {@code mlops-onnx}). The registry must be able to load
 * the artifact's format as a Tribuo model of {@code T} (a {@link
 * io.github.mlops4j.registry.ModelFormatLoader}), since the gate evaluates the registered version.
 * It runs inside the retraining's tracked run, which it may use to log params and metrics.
 *
 * @param <T> the output type
 * @since 0.1.0
 */
@FunctionalInterface
public interface ArtifactTrainingFunction<T extends Output<T>> {
  /** Trains on {@code data} and gives the artifact; throwing fails the retraining. */
  ModelArtifact train(Dataset<T> data, Run run);
}
