package io.github.mlops4j.serving.internal;

import java.util.List;

/**
 * The meters of one service, resolved once per version so that the predict path does no lookup.
 * Not API.
 */
public interface ServingMeters extends AutoCloseable {
  /** Outcome index: the prediction was returned. */
  int OK = 0;
  /** Outcome index: the input was invalid. */
  int INVALID = 1;
  /** Outcome index: rejected by the concurrency bound or a full queue. */
  int OVERLOADED = 2;
  /** Outcome index: the deadline passed. */
  int DEADLINE = 3;
  /** Outcome index: the model or the service failed. */
  int ERROR = 4;
  /** Outcome tag values by index. */
  List<String> OUTCOMES = List.of("ok", "invalid", "overloaded", "deadline", "error");

  /** Meters that record nothing. */
  ServingMeters NOOP = new ServingMeters() {
    @Override
    public VersionMeters version(int version, List<String> routes) {
      return VersionMeters.NOOP;
    }

    @Override
    public void swapped() {}

    @Override
    public void loadFailed() {}

    @Override
    public void shadowDropped() {}

    @Override
    public void eventDropped() {}

    @Override
    public void listenerFailed() {}

    @Override
    public void canaryRolledBack() {}

    @Override
    public void close() {}
  };

  /**
   * The meters of one version, with one timer per route (by index) and outcome. Release them
   * with {@link VersionMeters#close()} when the version retires.
   */
  VersionMeters version(int version, List<String> routes);

  void swapped();

  void loadFailed();

  void shadowDropped();

  void eventDropped();

  /** Counts one listener call that threw. */
  void listenerFailed();

  void canaryRolledBack();

  /**
   * Removes every meter this service registered that no other service still uses: its gauge,
   * the meters of the versions it has not released yet, and the model's counters. Idempotent.
   */
  @Override
  void close();

  /** The meters of one version. */
  interface VersionMeters extends AutoCloseable {
    /** Records nothing. */
    VersionMeters NOOP = new VersionMeters() {
      @Override
      public void record(int route, int outcome, long nanos) {}

      @Override
      public void filled(int count) {}

      @Override
      public void dropped(int count) {}

      @Override
      public void close() {}
    };

    /**
     * Releases the version's meters: they are removed from the registry once no service uses
     * them. Recording afterwards is harmless and lost. Idempotent.
     */
    @Override
    void close();

    /** Records one call of {@code route} (index) with {@code outcome} (index). */
    void record(int route, int outcome, long nanos);

    /** Counts values filled by the validation policy. */
    void filled(int count);

    /** Counts unknown fields dropped by the validation policy. */
    void dropped(int count);
  }
}
