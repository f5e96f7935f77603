package io.github.mlops4j.registry;

import io.github.mlops4j.tracking.RunInfo;
import io.github.mlops4j.tracking.RunInput;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where a model version came from: the tracking run that produced it, that run's params and the
 * dataset versions it used.
 *
 * @param version the model version
 * @param run the producing run, or null when the version has no run or the run is gone
 * @since 0.1.0
 */
public record ModelLineage(ModelVersion version, @Nullable RunInfo run) {
  public ModelLineage {
    Objects.requireNonNull(version, "version");
  }

  /** The datasets the producing run used, empty without a run. */
  public List<RunInput> datasets() {
    return run == null ? List.of() : run.inputs();
  }

  /** The producing run's params, empty without a run. */
  public Map<String, String> params() {
    return run == null ? Map.of() : run.params();
  }
}
