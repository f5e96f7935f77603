package io.github.mlops4j.spring;

import io.github.mlops4j.serving.metrics.ServingMeters;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The meters of a service built before the application's {@code MeterRegistry} bean exists: it
 * records nothing until {@link #bind} names the meters the bean method would have given the
 * builder, then opens them with the service's model and in-flight count, gives every version loaded
 * so far its meters, adds the counts made before (a version that failed to load), and hands every
 * later call straight to them. No prediction is made before the bean method binds it (warm-up calls
 * are not recorded by any meters).
 */
final class LateMeters implements ServingMeters {
  private @Nullable Late service; // guarded by this
  private @Nullable ServingMeters target; // guarded by this

  @Override
  public synchronized Service open(String model, LongSupplier inFlight) {
    Late s = new Late(model, inFlight);
    service = s;
    ServingMeters t = target;
    if (t != null) {
      s.bind(t);
    }
    return s;
  }

  /** Records into {@code meters} from now on (once; later calls are ignored). */
  synchronized void bind(ServingMeters meters) {
    if (target != null) {
      return;
    }
    target = meters;
    Late s = service;
    if (s != null) {
      s.bind(meters);
    }
  }

  /** The counters of {@link Service}. */
  private enum Count {
    SWAPPED,
    LOAD_FAILED,
    SHADOW_DROPPED,
    EVENT_DROPPED,
    LISTENER_FAILED,
    CANARY_ROLLED_BACK
  }

  private static final class Late implements Service {
    private final String model;
    private final LongSupplier inFlight;
    private volatile @Nullable Service delegate;
    private final List<LateVersion> versions = new ArrayList<>(); // guarded by this
    private final Map<Count, Integer> pending = new EnumMap<>(Count.class); // guarded by this
    private boolean closed; // guarded by this

    Late(String model, LongSupplier inFlight) {
      this.model = model;
      this.inFlight = inFlight;
    }

    synchronized void bind(ServingMeters meters) {
      if (closed || delegate != null) {
        return;
      }
      Service d = meters.open(model, inFlight);
      for (LateVersion v : versions) {
        v.bind(d);
      }
      versions.clear();
      pending.forEach(
          (c, n) -> {
            for (int i = 0; i < n; i++) {
              count(d, c);
            }
          });
      pending.clear();
      delegate = d;
    }

    private static void count(Service d, Count c) {
      switch (c) {
        case SWAPPED -> d.swapped();
        case LOAD_FAILED -> d.loadFailed();
        case SHADOW_DROPPED -> d.shadowDropped();
        case EVENT_DROPPED -> d.eventDropped();
        case LISTENER_FAILED -> d.listenerFailed();
        case CANARY_ROLLED_BACK -> d.canaryRolledBack();
      }
    }

    private void count(Count c) {
      Service d = delegate;
      if (d == null) {
        synchronized (this) {
          d = delegate;
          if (d == null) {
            pending.merge(c, 1, Integer::sum);
            return;
          }
        }
      }
      count(d, c);
    }

    @Override
    public synchronized VersionMeters version(int version, List<String> routes) {
      LateVersion v = new LateVersion(version, List.copyOf(routes));
      Service d = delegate;
      if (d != null) {
        v.bind(d);
      } else if (!closed) {
        versions.add(v);
      }
      return v;
    }

    @Override
    public void swapped() {
      count(Count.SWAPPED);
    }

    @Override
    public void loadFailed() {
      count(Count.LOAD_FAILED);
    }

    @Override
    public void shadowDropped() {
      count(Count.SHADOW_DROPPED);
    }

    @Override
    public void eventDropped() {
      count(Count.EVENT_DROPPED);
    }

    @Override
    public void listenerFailed() {
      count(Count.LISTENER_FAILED);
    }

    @Override
    public void canaryRolledBack() {
      count(Count.CANARY_ROLLED_BACK);
    }

    @Override
    public synchronized void close() {
      closed = true;
      versions.clear();
      Service d = delegate;
      if (d != null) {
        d.close();
      }
    }
  }

  private static final class LateVersion implements VersionMeters {
    private final int version;
    private final List<String> routes;
    private volatile @Nullable VersionMeters delegate;
    private boolean closed; // guarded by this

    LateVersion(int version, List<String> routes) {
      this.version = version;
      this.routes = routes;
    }

    synchronized void bind(Service service) {
      if (!closed && delegate == null) {
        delegate = service.version(version, routes);
      }
    }

    @Override
    public void record(int route, Outcome outcome, long nanos) {
      VersionMeters d = delegate;
      if (d != null) {
        d.record(route, outcome, nanos);
      }
    }

    @Override
    public void filled(int count) {
      VersionMeters d = delegate;
      if (d != null) {
        d.filled(count);
      }
    }

    @Override
    public void dropped(int count) {
      VersionMeters d = delegate;
      if (d != null) {
        d.dropped(count);
      }
    }

    @Override
    public synchronized void close() {
      closed = true;
      VersionMeters d = delegate;
      if (d != null) {
        d.close();
      }
    }
  }
}
