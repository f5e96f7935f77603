package io.github.mlops4j.serving.internal;

import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.Prediction;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The batch path of {@link InferenceService} for the batch package: every request of a list with
 * its own outcome, one model call per version the requests were routed to. Installed once by {@code
 * InferenceService}. Not API.
 */
public final class BatchAccess {
  /** One request's outcome: its prediction, or what predicting it threw (exactly one is set). */
  public record RowResult(@Nullable Prediction prediction, @Nullable RuntimeException error) {}

  /**
   * The predictions of a chunk's {@link DenseRow}s, made in one model call: row {@code i} has the
   * prediction id {@code idPrefix + Long.toHexString(firstId + i)}, the version {@code version},
   * the output {@code outputs.get(i)} and the scores {@code scores.get(i)}, exactly what its {@code
   * Prediction} would have held.
   */
  public record DenseResult(
      String idPrefix,
      long firstId,
      int version,
      List<String> outputs,
      List<Map<String, Double>> scores) {
    /** The prediction id of row {@code i}. */
    public String id(int i) {
      return idPrefix + Long.toHexString(firstId + i);
    }
  }

  /** What {@code InferenceService} installs. */
  public interface Scorer {
    /** The outcome of each request, in order; see {@code InferenceService.predictAll}. */
    List<RowResult> predictEach(InferenceService service, List<? extends Map<String, ?>> requests);

    /** See {@link BatchAccess#predictDense}. */
    @Nullable DenseResult predictDense(InferenceService service, List<DenseRow> rows);
  }

  private static volatile @Nullable Scorer scorer;

  private BatchAccess() {}

  /**
   * Installs the scorer; only once, and only from {@code InferenceService} (this class is public
   * for the module's own packages, so any other caller is refused).
   *
   * @throws IllegalStateException if one is installed already, or the caller is not {@code
   *     InferenceService}
   */
  public static synchronized void install(Scorer s) {
    Class<?> caller =
        StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass();
    if (caller != InferenceService.class) {
      throw new IllegalStateException("Only InferenceService installs the batch path");
    }
    if (scorer != null) {
      throw new IllegalStateException("BatchAccess is installed already");
    }
    scorer = Objects.requireNonNull(s, "scorer");
  }

  /**
   * The outcome of each request of {@code requests}, in order: each routed, validated, predicted,
   * counted and published as {@code predict} does, the requests of each version in one model call.
   */
  public static List<RowResult> predictEach(
      InferenceService service, List<? extends Map<String, ?>> requests) {
    Scorer s = scorer; // installed when InferenceService was initialized, before any instance
    if (s == null) {
      throw new IllegalStateException("InferenceService is not initialized");
    }
    return s.predictEach(service, requests);
  }

  /**
   * The predictions of {@code rows} (rows of numbers over one names array, as a batch file's chunk
   * gives them) made in one model call, each counted as {@link #predictEach} counts it, without a
   * routing decision, id, {@code Prediction} or result object per row; or null, with nothing
   * predicted or counted, when the service is not in the case this path covers (one version, no
   * feature lookup, shadow, prediction events, observer or timeout), a row is not one the service
   * reads without its full validation, or the model does not answer every row: then {@link
   * #predictEach} answers the rows as always.
   */
  public static @Nullable DenseResult predictDense(InferenceService service, List<DenseRow> rows) {
    Scorer s = scorer;
    if (s == null) {
      throw new IllegalStateException("InferenceService is not initialized");
    }
    return s.predictDense(service, rows);
  }
}
