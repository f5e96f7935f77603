package io.github.mlops4j.serving.metrics;

import java.util.List;
import java.util.function.LongSupplier;

/**
 * Where an {@link io.github.mlops4j.serving.InferenceService} records its meters: the metrics seam,
 * in the way Caffeine's {@code StatsCounter} is. Give one to {@code
 * InferenceService.Builder#meters}; {@link MicrometerServingMeters#of} records in a Micrometer
 * registry, and another metrics library plugs in by implementing these three small interfaces.
 *
 * <pre>{@code
 * InferenceService churn = InferenceService.builder()
 *     .registry(registry).model("churn").alias("champion")
 *     .meters(MicrometerServingMeters.of(meterRegistry))
 *     .build();
 * }</pre>
 *
 * <p><b>Lifecycle.</b> Each service calls {@link #open} once, while it is built, and closes what it
 * got when it closes. Each version the service loads gets its own {@link VersionMeters} from {@link
 * Service#version}, closed when the version retires (after an alias move, once it is no longer
 * among the serving and the two most recently replaced versions). One {@code ServingMeters} may be
 * given to many services, of one model or of several.
 *
 * <p><b>Contract for implementers.</b> The recording methods run on the predict path, from many
 * threads at once: they must be thread-safe, cheap (resolve meters in {@code open} and {@code
 * version}, not per call) and must not throw (an exception reaches the caller of {@code predict}).
 * Methods added in later versions will have default implementations that record nothing, so an
 * implementation keeps compiling.
 *
 * <p>The JUnit 5 suite {@code io.github.mlops4j.serving.testing.ServingMetersContract}, published
 * in mlops-serving's test jar, checks these rules; extend it to test an implementation.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface ServingMeters {
  /** Meters that record nothing: the default of a service. */
  static ServingMeters noop() {
    return NoopMeters.INSTANCE;
  }

  /**
   * Called once by each service of {@code model} while it is built.
   *
   * @param model the registered model name the service serves
   * @param inFlight the number of {@code predict} calls the service is running now (cheap to read,
   *     thread-safe; a gauge samples it)
   * @return the service's meters, closed when the service closes
   */
  Service open(String model, LongSupplier inFlight);

  /** The outcome of one predict call; {@link #tag()} is its meter tag value. */
  enum Outcome {
    /** The prediction was returned. */
    OK,
    /** The input was invalid. */
    INVALID,
    /** Rejected by the concurrency bound or a full queue. */
    OVERLOADED,
    /** The deadline passed. */
    DEADLINE,
    /** The model or the service failed. */
    ERROR;

    private final String tag = name().toLowerCase(java.util.Locale.ROOT);

    /** The lower-case tag value: {@code ok, invalid, overloaded, deadline, error}. */
    public String tag() {
      return tag;
    }
  }

  /** The meters of one service. */
  interface Service extends AutoCloseable {
    /**
     * The meters of one loaded version, called once per version before it takes traffic.
     *
     * @param version the registry version number
     * @param routes the names of the routes calls of this version are recorded under ({@code
     *     primary}, {@code canary}, {@code shadow}, ...); {@link VersionMeters#record} gives an
     *     index into this list
     * @return the version's meters, closed when the version retires
     */
    VersionMeters version(int version, List<String> routes);

    /** Counts one swap to a new version. */
    void swapped();

    /** Counts one version that failed to load or warm. */
    void loadFailed();

    /** Counts one shadow prediction dropped because its queue was full. */
    void shadowDropped();

    /** Counts one listener event dropped because its queue was full. */
    void eventDropped();

    /** Counts one listener call that threw. */
    void listenerFailed();

    /** Counts one automatic canary rollback. */
    void canaryRolledBack();

    /**
     * Releases everything this service recorded into, including the versions not closed yet. Called
     * once, when the service closes; must be idempotent.
     */
    @Override
    void close();
  }

  /** The meters of one version of one service. */
  interface VersionMeters extends AutoCloseable {
    /**
     * Records one predict call.
     *
     * @param route index into the routes given to {@link Service#version}
     * @param outcome how the call ended
     * @param nanos how long it took, in nanoseconds
     */
    void record(int route, Outcome outcome, long nanos);

    /** Counts {@code count} values filled by the validation policy in one request. */
    void filled(int count);

    /** Counts {@code count} unknown fields dropped by the validation policy in one request. */
    void dropped(int count);

    /**
     * Releases the version's meters when it retires. Recording afterwards may still happen (a call
     * that started before) and may be lost. Idempotent.
     */
    @Override
    void close();
  }
}
