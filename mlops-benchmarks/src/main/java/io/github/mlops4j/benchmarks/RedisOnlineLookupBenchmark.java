package io.github.mlops4j.benchmarks;

import io.github.mlops4j.features.EntityKey;
import io.github.mlops4j.features.FeatureRow;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.features.FeatureView;
import io.github.mlops4j.features.OnlineFeatures;
import io.github.mlops4j.features.OnlineRecord;
import io.github.mlops4j.features.ValueType;
import io.github.mlops4j.redis.RedisOnlineStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Online lookup through the Redis online store ({@code mlops-redis}) against raw Lettuce reads of
 * the same entities on the same server, in the same run.
 *
 * <p>Setup: a redis-server on the same machine at {@code $REDIS_URI} (default {@code
 * redis://127.0.0.1:6379}; it is flushed). An embedded workspace (offline rows) with view {@code
 * bench}: one STRING key, {@value #FEATURES} DOUBLE features, TTL 30 days, {@value #ENTITIES}
 * entities materialized to Redis. The feature store's cache is off (size 0, staleness 0) so every
 * lookup goes to Redis. For the baselines, each entity is also a plain Redis hash {@code raw:<id>}
 * of {@value #FEATURES} fields ({@code f0..f49} = the double as text), what a hand-written client
 * would store.
 *
 * <ul>
 *   <li>{@code rawHgetall} (baseline): one {@code HGETALL raw:<id>} on a String-codec connection,
 *       sync.
 *   <li>{@code storeRead}: {@code RedisOnlineStore.read} of one entity (one {@code HMGET}, record
 *       decoding).
 *   <li>{@code online}: {@code FeatureStore.online} of one entity and its {@value #FEATURES}
 *       features: key encoding, store read, value decoding, TTL status, result.
 *   <li>{@code rawPipelined100} (baseline): 100 {@code HGETALL} on a connection with auto-flush
 *       off, one flush, all answers awaited.
 *   <li>{@code online100}: {@code FeatureStore.online} of 100 entities (one script call).
 * </ul>
 *
 * <p>Targets: {@code online} p99 &lt;= 1.5 x {@code rawHgetall} p99; {@code online100} &lt;= 1.5 x
 * {@code rawPipelined100}.
 *
 * <p>Run (from the repository root, with a server running, e.g. {@code redis-server --port 6390
 * --save '' --appendonly no}): {@code REDIS_URI=redis://127.0.0.1:6390 java -jar
 * mlops-benchmarks/target/benchmarks.jar RedisOnlineLookupBenchmark -f 1}.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
@State(Scope.Benchmark)
public class RedisOnlineLookupBenchmark {
  static final int FEATURES = 50;
  static final int ENTITIES = 10_000;
  static final int BATCH = 100;
  static final int BATCHES = 64;

  Path dir;
  RedisClient client;
  StatefulRedisConnection<String, String> rawSync;
  StatefulRedisConnection<String, String> rawPipe;
  RedisCommands<String, String> sync;
  RedisAsyncCommands<String, String> pipe;
  RedisOnlineStore store;
  FeatureStore features;
  List<String> refs;
  String[] ids;
  List<Map<String, Object>> single;
  EntityKey[] keys;
  List<List<Map<String, Object>>> batches;
  List<String[]> rawBatches;
  int next;
  int nextBatch;

  @Setup(Level.Trial)
  public void setUp() {
    String uri = System.getenv().getOrDefault("REDIS_URI", "redis://127.0.0.1:6379");
    client = RedisClient.create(uri);
    rawSync = client.connect();
    rawPipe = client.connect();
    rawPipe.setAutoFlushCommands(false);
    sync = rawSync.sync();
    pipe = rawPipe.async();
    sync.flushall();

    dir = BenchmarkSupport.tempDir("redis-lookup");
    store = RedisOnlineStore.builder().uri(uri).namespace("bench").build();
    Instant now = Instant.now();
    features =
        FeatureStore.builder()
            .workspace(dir)
            .onlineStore(store)
            .cacheMaximumSize(0)
            .cacheMaxStaleness(Duration.ZERO)
            .build();
    FeatureView.Builder view =
        FeatureView.builder("bench").entity("id", ValueType.STRING).ttl(Duration.ofDays(30));
    refs = new ArrayList<>();
    for (int f = 0; f < FEATURES; f++) {
      view.feature("f" + f, ValueType.DOUBLE);
      refs.add("bench:f" + f);
    }
    features.apply(view.build());
    SplittableRandom random = new SplittableRandom(5);
    ids = new String[ENTITIES];
    List<FeatureRow> rows = new ArrayList<>();
    for (int i = 0; i < ENTITIES; i++) {
      ids[i] = "customer-" + i;
      Map<String, Object> values = new HashMap<>();
      Map<String, String> raw = new HashMap<>();
      for (int f = 0; f < FEATURES; f++) {
        double v = random.nextDouble();
        values.put("f" + f, v);
        raw.put("f" + f, Double.toString(v));
      }
      rows.add(FeatureRow.of(Map.of("id", ids[i]), now.minusSeconds(60), values));
      sync.hset("raw:" + ids[i], raw);
    }
    features.write("bench", rows);
    features.materialize(now.minusSeconds(1));

    // The store's own keys, decoded from Redis (the layout is <namespace>:<view>:<base64url>).
    Map<String, EntityKey> byRedisKey = new HashMap<>();
    for (String k : sync.keys("bench:bench:*")) {
      byRedisKey.put(
          k,
          EntityKey.fromBytes(Base64.getUrlDecoder().decode(k.substring("bench:bench:".length()))));
    }
    if (byRedisKey.size() != ENTITIES) {
      throw new IllegalStateException("materialized " + byRedisKey.size() + " entities");
    }
    keys = byRedisKey.values().toArray(new EntityKey[0]);

    single = new ArrayList<>();
    for (String id : ids) {
      single.add(Map.of("id", id));
    }
    batches = new ArrayList<>();
    rawBatches = new ArrayList<>();
    for (int b = 0; b < BATCHES; b++) {
      List<Map<String, Object>> batch = new ArrayList<>();
      String[] raw = new String[BATCH];
      for (int i = 0; i < BATCH; i++) {
        String id = ids[random.nextInt(ENTITIES)];
        batch.add(Map.of("id", id));
        raw[i] = "raw:" + id;
      }
      batches.add(batch);
      rawBatches.add(raw);
    }
    // Both paths must read the same values, or the comparison is meaningless.
    OnlineFeatures one = features.online(single.get(7), refs);
    Map<String, String> raw = sync.hgetall("raw:" + ids[7]);
    for (int f = 0; f < FEATURES; f++) {
      if (!Double.toString((Double) one.get(0, "bench:f" + f)).equals(raw.get("f" + f))) {
        throw new IllegalStateException("feature f" + f + " differs");
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    features.close();
    store.close();
    rawSync.close();
    rawPipe.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    BenchmarkSupport.deleteRecursively(dir);
  }

  private int nextEntity() {
    int i = next;
    next = i + 1 == ENTITIES ? 0 : i + 1;
    return i;
  }

  private int nextBatch() {
    int i = nextBatch;
    nextBatch = (i + 1) & (BATCHES - 1);
    return i;
  }

  @Benchmark
  public Map<String, String> rawHgetall() {
    return sync.hgetall("raw:" + ids[nextEntity()]);
  }

  @Benchmark
  public Map<EntityKey, OnlineRecord> storeRead() {
    return store.read("bench", List.of(keys[nextEntity()]));
  }

  @Benchmark
  public OnlineFeatures online() {
    return features.online(single.get(nextEntity()), refs);
  }

  @Benchmark
  public List<Map<String, String>> rawPipelined100()
      throws InterruptedException, ExecutionException {
    String[] batch = rawBatches.get(nextBatch());
    List<RedisFuture<Map<String, String>>> futures = new ArrayList<>(batch.length);
    for (String k : batch) {
      futures.add(pipe.hgetall(k));
    }
    rawPipe.flushCommands();
    List<Map<String, String>> out = new ArrayList<>(batch.length);
    for (RedisFuture<Map<String, String>> f : futures) {
      out.add(f.get());
    }
    return out;
  }

  @Benchmark
  public OnlineFeatures online100() {
    return features.online(batches.get(nextBatch()), refs);
  }
}
