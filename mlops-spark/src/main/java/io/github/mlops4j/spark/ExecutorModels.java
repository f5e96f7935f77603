package io.github.mlops4j.spark;

import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.registry.internal.DetachedLoading;
import io.github.mlops4j.serving.internal.DetachedScoring;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The models loaded in this JVM, shared by every task that runs in it: one load per artifact
 * digest, loading rules and scoring settings, however many tasks and partitions score with it. At
 * most {@link #CAPACITY} are kept, the least recently used dropped first (a dropped model is left
 * to the garbage collector; tasks still holding it finish with it).
 */
final class ExecutorModels {
  static final int CAPACITY = 8;

  /**
   * The digest of the artifact, the loading rules it is loaded under and the settings a scorer is
   * built with: two jobs share a loaded model only if all agree (a job with a stricter allowlist or
   * no Java serialization never gets a model another job loaded under laxer rules).
   */
  record Key(
      String digest,
      List<String> allowedModelPackages,
      @Nullable String javaSerialFilter,
      ScoringPayload.Policy policy,
      Set<String> ignored)
      implements java.io.Serializable {
    private static final long serialVersionUID = 2L;

    Key {
      allowedModelPackages = List.copyOf(allowedModelPackages);
      ignored = Set.copyOf(ignored);
    }
  }

  private static final Map<Key, DetachedScoring.Scorer> SCORERS =
      Collections.synchronizedMap(
          new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, DetachedScoring.Scorer> eldest) {
              return size() > CAPACITY;
            }
          });

  private static final AtomicLong LOADS = new AtomicLong();

  private ExecutorModels() {}

  /**
   * The scorer of {@code key}, loaded from the broadcast on first use in this JVM. Concurrent first
   * uses wait for one load (the map's lock is held while loading, which happens once per version
   * and settings).
   */
  static DetachedScoring.Scorer scorer(Key key, Supplier<ScoringPayload> payload) {
    return SCORERS.computeIfAbsent(key, k -> load(k, payload.get()));
  }

  private static DetachedScoring.Scorer load(Key key, ScoringPayload p) {
    if (!key.digest().equals(p.version().digest())
        || !key.allowedModelPackages().equals(p.allowedModelPackages())
        || !Objects.equals(key.javaSerialFilter(), p.javaSerialFilter())) {
      throw new IllegalStateException("The scoring key does not describe its payload");
    }
    ModelVersion v = DetachedLoading.version(p.version());
    DetachedScoring.Scorer s =
        DetachedScoring.open(
            v,
            new DetachedScoring.ModelSource() {
              @Override
              public <T extends org.tribuo.Output<T>> org.tribuo.Model<T> load(Class<T> type) {
                return DetachedLoading.load(
                    v, p.bytes(), p.allowedModelPackages(), p.javaSerialFilter(), type);
              }
            },
            key.policy().toPolicy(),
            key.ignored());
    LOADS.incrementAndGet();
    return s;
  }

  /** How many models this JVM has loaded (for tests). */
  static long loads() {
    return LOADS.get();
  }
}
