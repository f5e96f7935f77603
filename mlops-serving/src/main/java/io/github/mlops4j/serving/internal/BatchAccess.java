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

  /** What {@code InferenceService} installs. */
  @FunctionalInterface
  public interface Scorer {
    /** The outcome of each request, in order; see {@code InferenceService.predictAll}. */
    List<RowResult> predictEach(InferenceService service, List<? extends Map<String, ?>> requests);
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
}
