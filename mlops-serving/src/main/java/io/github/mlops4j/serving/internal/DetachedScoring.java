package io.github.mlops4j.serving.internal;

import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.serving.ValidationPolicy;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.tribuo.Model;
import org.tribuo.Output;

/**
 * Scores rows with one loaded version outside an {@code InferenceService} (a Spark executor): each
 * row validated and encoded as the service does (same {@code InvalidInputException} problems), the
 * rows predicted in one model call, each answer judged and reported as the service reports it. No
 * routing, meters, events or deadlines. Installed by the serving package. Not API.
 */
public final class DetachedScoring {
  /**
   * One row's outcome: its output and scores, or what refused it (exactly one is set).
   *
   * @param error an {@code InvalidInputException} for a row the input is to blame for, another
   *     exception when the version failed
   */
  public record Outcome(
      @Nullable String output, Map<String, Double> scores, @Nullable RuntimeException error) {}

  /** Loads the version's model with the output type the service would ask for. */
  @FunctionalInterface
  public interface ModelSource {
    <T extends Output<T>> Model<T> load(Class<T> outputType);
  }

  /** A version ready to score; thread-safe. */
  public interface Scorer {
    /** The outcome of each row, in order; never throws for a row. */
    List<Outcome> score(List<? extends Map<String, ?>> rows);

    /** The model's input feature names, in the signature's order. */
    List<String> inputs();
  }

  /** What the serving package installs. */
  @FunctionalInterface
  public interface Factory {
    Scorer open(
        ModelVersion version, ModelSource source, ValidationPolicy policy, Set<String> ignored);
  }

  private static volatile @Nullable Factory factory;

  private DetachedScoring() {}

  /**
   * Installs the serving side; once, and only from the serving package.
   *
   * @throws IllegalStateException if installed already or called from elsewhere
   */
  public static synchronized void install(Factory f) {
    Class<?> caller =
        StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass();
    if (!caller.getName().equals("io.github.mlops4j.serving.DetachedScorer")) {
      throw new IllegalStateException("Only the serving package installs detached scoring");
    }
    if (factory != null) {
      throw new IllegalStateException("DetachedScoring is installed already");
    }
    factory = Objects.requireNonNull(f, "factory");
  }

  /**
   * Loads {@code version} through {@code source} and prepares it for scoring.
   *
   * @param ignored fields of a row that are not features (keys, ids)
   * @throws RuntimeException what loading throws, or an {@code IllegalArgumentException} for an
   *     output type that serving does not report
   */
  public static Scorer open(
      ModelVersion version, ModelSource source, ValidationPolicy policy, Set<String> ignored) {
    Factory f = factory;
    if (f == null) {
      try {
        Class.forName(
            "io.github.mlops4j.serving.DetachedScorer",
            true,
            DetachedScoring.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("The serving package is missing", e);
      }
      f = Objects.requireNonNull(factory, "DetachedScorer did not install itself");
    }
    return f.open(version, source, policy, ignored);
  }
}
