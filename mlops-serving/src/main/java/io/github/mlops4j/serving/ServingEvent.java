package io.github.mlops4j.serving;

import java.time.Instant;

/**
 * A lifecycle change of an {@link InferenceService}, delivered to its listener.
 *
 * @since 0.1.0
 */
public sealed interface ServingEvent {
  /** The model name. */
  String model();

  /** When it happened (the service's clock). */
  Instant timestamp();

  /** A version was loaded and warmed and is ready to take traffic. */
  record VersionLoaded(String model, int version, java.time.Duration loadTime, Instant timestamp)
      implements ServingEvent {}

  /** A target (an alias, or a route) moved from one version to another. */
  record Swapped(String model, String target, int fromVersion, int toVersion, Instant timestamp)
      implements ServingEvent {}

  /** A version failed to load or warm; it takes no traffic, the previous one keeps serving. */
  record LoadFailed(String model, int version, String reason, Instant timestamp)
      implements ServingEvent {}

  /** A version finished draining after it stopped taking traffic and was released. */
  record VersionReleased(String model, int version, Instant timestamp) implements ServingEvent {}

  /**
   * The canary passed a rollback bound and takes no more traffic.
   *
   * @param reason the bound it passed, with the observed value
   * @param aliasRolledBack true if the registry alias was also moved back
   */
  record CanaryRolledBack(
      String model, int canaryVersion, String reason, boolean aliasRolledBack, Instant timestamp)
      implements ServingEvent {}

  /** Events or shadow predictions were dropped because a bounded queue was full. */
  record Dropped(String model, String what, long count, Instant timestamp)
      implements ServingEvent {}
}
