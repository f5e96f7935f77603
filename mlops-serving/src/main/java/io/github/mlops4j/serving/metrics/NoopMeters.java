package io.github.mlops4j.serving.metrics;

import java.util.List;
import java.util.function.LongSupplier;

/** {@link ServingMeters#noop()}: records nothing, at every level. */
final class NoopMeters
    implements ServingMeters, ServingMeters.Service, ServingMeters.VersionMeters {
  static final NoopMeters INSTANCE = new NoopMeters();

  private NoopMeters() {}

  @Override
  public Service open(String model, LongSupplier inFlight) {
    return this;
  }

  @Override
  public VersionMeters version(int version, List<String> routes) {
    return this;
  }

  @Override
  public void record(int route, Outcome outcome, long nanos) {}

  @Override
  public void filled(int count) {}

  @Override
  public void dropped(int count) {}

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

  @Override
  public String toString() {
    return "ServingMeters.noop()";
  }
}
