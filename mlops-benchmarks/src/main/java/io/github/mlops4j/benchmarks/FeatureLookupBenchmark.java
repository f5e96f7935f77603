package io.github.mlops4j.benchmarks;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.github.mlops4j.features.FeatureRow;
import io.github.mlops4j.features.FeatureStatus;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.features.FeatureView;
import io.github.mlops4j.features.OnlineFeatures;
import io.github.mlops4j.features.ValueType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Online feature lookup from the warm cache: {@link FeatureStore#online} of one entity and of 100
 * entities, {@value #FEATURES} features each, against the baseline of a raw Caffeine {@code getAll}
 * of the same keys.
 *
 * <p>Setup: an embedded workspace with view {@code bench} (one STRING key, {@value #FEATURES}
 * DOUBLE features, TTL 30 days), {@value #ENTITIES} entities with one row each, materialized; every
 * entity is read once so that the cache is warm, and the cache's staleness bound is set to one hour
 * so that it stays warm for the whole run (with the default of one minute, each entry is re-read
 * from the online store once a minute, on the caller's thread; that cost is not what this benchmark
 * measures). Requests cycle through pre-built key maps (single: 10,000 random entities; batch: 64
 * random batches of 100 keys).
 *
 * <p>What the library does per call beyond the baseline: resolve the (cached) plan of the 50
 * references, check and encode each key, read the clock, decide each entity's status against the
 * TTL, count statuses for freshness, and keep each entity's cache entry and status in the result (a
 * value is resolved from its entry's precomputed {@code FeatureValue}s when it is read; the
 * benchmark reads none, as the baseline reads none of its arrays).
 *
 * <p>Baseline: a {@code LoadingCache<String, Object[]>} holding the same entities (50 boxed doubles
 * each), {@code getAll} of the same key strings (a singleton list for one entity).
 *
 * <p>Run (from the repository root): {@code java -jar mlops-benchmarks/target/benchmarks.jar
 * FeatureLookupBenchmark -f 1}. SampleTime gives the percentiles; Throughput (1 thread) the
 * single-core lookups per second.
 *
 * <p>Refresh-ahead: {@code -p staleness=PT4S} sets a short staleness bound so that every entry is
 * reloaded several times during the run (3 x 2 s warm-up plus 5 x 2 s measurement cover 4 bounds, 8
 * refresh points); {@code -p refresh=default} reloads entries in the background from half the bound
 * on (the library's default), {@code -p refresh=off} turns refresh-ahead off so that expired
 * entries are re-read on the caller's thread (the behaviour before refresh-ahead). Run: {@code java
 * -jar mlops-benchmarks/target/benchmarks.jar 'FeatureLookupBenchmark.(online|caffeine)100Entities'
 * -f 1 -bm sample -p staleness=PT4S -p refresh=default,off}.
 */
@BenchmarkMode({Mode.SampleTime, Mode.Throughput})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
@State(Scope.Benchmark)
public class FeatureLookupBenchmark {
  static final int FEATURES = 50;
  static final int ENTITIES = 10_000;
  static final int BATCH = 100;

  Path workspace;
  FeatureStore features;
  List<String> refs;
  List<Map<String, Object>> single;
  List<List<Map<String, Object>>> batches;
  List<List<String>> singleKeys;
  List<List<String>> batchKeys;
  LoadingCache<String, Object[]> caffeine;
  int next;

  /** The cache's staleness bound (ISO-8601 duration). */
  @Param({"PT1H"})
  public String staleness;

  /** {@code default}: refresh-ahead from half the bound; {@code off}: no refresh-ahead. */
  @Param({"default"})
  public String refresh;

  @Setup(Level.Trial)
  public void setUp() {
    workspace = BenchmarkSupport.tempDir("features");
    // Warm cache by default (staleness 1 h): no entry reaches the bound during the run. With a
    // short
    // bound, entries are reloaded in the background (or, with refresh off, on the caller's thread).
    FeatureStore.Builder builder =
        FeatureStore.builder().workspace(workspace).cacheMaxStaleness(Duration.parse(staleness));
    if (refresh.equals("off")) {
      builder.cacheRefreshAfter(Duration.ZERO);
    } else if (!refresh.equals("default")) {
      throw new IllegalArgumentException("refresh must be default or off, was " + refresh);
    }
    features = builder.build();
    FeatureView.Builder view =
        FeatureView.builder("bench")
            .entity("customer_id", ValueType.STRING)
            .ttl(Duration.ofDays(30));
    refs = new ArrayList<>();
    for (int f = 0; f < FEATURES; f++) {
      view.feature("f" + f, ValueType.DOUBLE);
      refs.add("bench:f" + f);
    }
    features.apply(view.build());
    Instant now = Instant.now();
    List<FeatureRow> rows = new ArrayList<>();
    Map<String, Object[]> baseline = new HashMap<>();
    for (int e = 0; e < ENTITIES; e++) {
      Map<String, Object> values = new HashMap<>();
      Object[] raw = new Object[FEATURES];
      for (int f = 0; f < FEATURES; f++) {
        values.put("f" + f, e + f / 100.0);
        raw[f] = e + f / 100.0;
      }
      rows.add(FeatureRow.of(Map.of("customer_id", key(e)), now.minusSeconds(60), values));
      baseline.put(key(e), raw);
    }
    features.write("bench", rows);
    features.materialize(Instant.now());
    caffeine = Caffeine.newBuilder().maximumSize(100_000).build(baseline::get);

    SplittableRandom random = new SplittableRandom(42);
    single = new ArrayList<>();
    singleKeys = new ArrayList<>();
    for (int e = 0; e < ENTITIES; e++) {
      int k = random.nextInt(ENTITIES);
      single.add(Map.of("customer_id", key(k)));
      singleKeys.add(List.of(key(k)));
    }
    batches = new ArrayList<>();
    batchKeys = new ArrayList<>();
    for (int b = 0; b < 64; b++) {
      List<Map<String, Object>> batch = new ArrayList<>();
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < BATCH; i++) {
        int k = random.nextInt(ENTITIES);
        batch.add(Map.of("customer_id", key(k)));
        keys.add(key(k));
      }
      batches.add(batch);
      batchKeys.add(keys);
    }
    // Warm both caches and check the library returns what was written.
    for (int e = 0; e < ENTITIES; e++) {
      OnlineFeatures r = features.online(Map.of("customer_id", key(e)), refs);
      if (r.value(0, 7).status() != FeatureStatus.PRESENT
          || (Double) r.value(0, 7).value() != e + 0.07) {
        throw new IllegalStateException("entity " + e + " read back as " + r.value(0, 7));
      }
      var unused = caffeine.get(key(e)); // loads the baseline cache
    }
  }

  static String key(int e) {
    return "customer-" + e;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    try {
      features.close();
    } finally {
      BenchmarkSupport.deleteRecursively(workspace);
    }
  }

  private int next(int bound) {
    int i = next++;
    if (next == Integer.MAX_VALUE) {
      next = 0;
    }
    return i % bound;
  }

  @Benchmark
  public OnlineFeatures onlineOneEntity() {
    return features.online(single.get(next(ENTITIES)), refs);
  }

  @Benchmark
  public Map<String, Object[]> caffeineOneEntity() {
    return caffeine.getAll(singleKeys.get(next(ENTITIES)));
  }

  @Benchmark
  public OnlineFeatures online100Entities() {
    return features.online(batches.get(next(batches.size())), refs);
  }

  @Benchmark
  public Map<String, Object[]> caffeine100Entities() {
    return caffeine.getAll(batchKeys.get(next(batchKeys.size())));
  }

  /**
   * {@link #online100Entities} with every value read ({@code value(row, feature)} of each of the
   * 100 x 50 cells): the result resolves values on access, so this is the whole cost for a caller
   * that reads all of them.
   */
  @Benchmark
  public void online100EntitiesReadAll(Blackhole bh) {
    OnlineFeatures result = features.online(batches.get(next(batches.size())), refs);
    for (int row = 0; row < result.size(); row++) {
      for (int f = 0; f < FEATURES; f++) {
        bh.consume(result.value(row, f).value());
      }
    }
  }

  /** {@link #caffeine100Entities} with every value read, the baseline of the variant above. */
  @Benchmark
  public void caffeine100EntitiesReadAll(Blackhole bh) {
    for (Object[] values : caffeine.getAll(batchKeys.get(next(batchKeys.size()))).values()) {
      for (Object v : values) {
        bh.consume(v);
      }
    }
  }
}
