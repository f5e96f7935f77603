package io.github.mlops4j.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.features.EntityKey;
import io.github.mlops4j.features.OnlineRecord;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the Redis store adds to the contract: layout, expiry, round trips, hostile keys, races. */
class RedisOnlineStoreTest {
  @RegisterExtension static final RedisServer REDIS = new RedisServer();
  private static final AtomicInteger NAMESPACES = new AtomicInteger();
  private static RedisClient rawClient;
  private static StatefulRedisConnection<byte[], byte[]> rawConnection;
  private static RedisCommands<byte[], byte[]> raw;

  private final List<RedisOnlineStore> opened = new ArrayList<>();
  private RedisOnlineStore store;

  @BeforeAll
  static void connectRaw() {
    rawClient = RedisClient.create(REDIS.uri());
    rawConnection = rawClient.connect(ByteArrayCodec.INSTANCE);
    raw = rawConnection.sync();
  }

  @AfterAll
  static void closeRaw() {
    rawConnection.close();
    rawClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }

  @BeforeEach
  void open() {
    store = open(RedisOnlineStore.builder());
  }

  private RedisOnlineStore open(RedisOnlineStore.Builder b) {
    return open(b, "t" + NAMESPACES.incrementAndGet());
  }

  private RedisOnlineStore open(RedisOnlineStore.Builder b, String namespace) {
    RedisOnlineStore s = b.uri(REDIS.uri()).namespace(namespace).build();
    opened.add(s);
    return s;
  }

  @AfterEach
  void close() {
    opened.forEach(RedisOnlineStore::close);
  }

  private static EntityKey key(byte... bytes) {
    return EntityKey.fromBytes(bytes);
  }

  private static EntityKey key(String s) {
    return key(s.getBytes(StandardCharsets.UTF_8));
  }

  private static OnlineRecord record(EntityKey k, Instant event, long seq, String payload) {
    return new OnlineRecord(k, event, event, seq, payload.getBytes(StandardCharsets.UTF_8));
  }

  private static String payload(OnlineRecord r) {
    return new String(r.values(), StandardCharsets.UTF_8);
  }

  private byte[] redisKey(String view, EntityKey k) {
    return RecordFormat.key(RecordFormat.prefix(store.namespace(), view), k);
  }

  private static long calls(String command) {
    String info = raw.info("commandstats");
    Matcher m = Pattern.compile("cmdstat_" + command + ":calls=(\\d+)").matcher(info);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  @Test
  void layout_isOneHashPerEntity_withOrderAndValues() {
    Instant e = Instant.parse("2030-01-01T00:00:00.123456789Z");
    store.write("v", List.of(record(key("a"), e, 7, "A")));
    byte[] k = redisKey("v", key("a"));
    assertThat(new String(k, StandardCharsets.UTF_8)).isEqualTo(store.namespace() + ":v:YQ");
    Map<byte[], byte[]> hash = raw.hgetall(k);
    assertThat(hash).hasSize(2);
    OnlineRecord back = store.read("v", List.of(key("a"))).get(key("a"));
    assertThat(back.eventTime()).isEqualTo(e);
    assertThat(back.createdTime()).isEqualTo(e);
    assertThat(back.sequence()).isEqualTo(7);
  }

  @Test
  void times_andSequences_roundTripExactly_atTheEndsOfTheirRange() {
    Instant min = Instant.ofEpochSecond(0, Long.MIN_VALUE);
    Instant max = Instant.ofEpochSecond(0, Long.MAX_VALUE);
    OnlineRecord low = new OnlineRecord(key("lo"), min, max, Long.MIN_VALUE, new byte[0]);
    OnlineRecord high = new OnlineRecord(key("hi"), max, min, Long.MAX_VALUE, new byte[] {0});
    store.write("v", List.of(low, high));
    Map<EntityKey, OnlineRecord> got = store.read("v", List.of(key("lo"), key("hi")));
    assertThat(got.get(key("lo")).eventTime()).isEqualTo(min);
    assertThat(got.get(key("lo")).createdTime()).isEqualTo(max);
    assertThat(got.get(key("lo")).sequence()).isEqualTo(Long.MIN_VALUE);
    assertThat(got.get(key("hi")).sequence()).isEqualTo(Long.MAX_VALUE);
    assertThat(got.get(key("hi")).values()).containsExactly(0);
    // Sequences beyond 2^53 still order exactly (no Lua numbers): 2^53 + 1 beats 2^53.
    Instant e = Instant.parse("2030-01-01T00:00:00Z");
    store.write("v", List.of(record(key("s"), e, (1L << 53) + 1, "greater")));
    store.write("v", List.of(record(key("s"), e, 1L << 53, "smaller")));
    assertThat(payload(store.read("v", List.of(key("s"))).get(key("s")))).isEqualTo("greater");
    // Negative event times (before 1970) order below positive ones.
    store.write("v", List.of(record(key("n"), Instant.ofEpochSecond(1), 0, "after 1970")));
    store.write("v", List.of(record(key("n"), Instant.ofEpochSecond(-1), 9, "before 1970")));
    assertThat(payload(store.read("v", List.of(key("n"))).get(key("n")))).isEqualTo("after 1970");
  }

  @Test
  void hostileKeys_neverReachAnotherEntityOrView() {
    byte[] huge = new byte[1 << 20];
    new Random(3).nextBytes(huge);
    List<EntityKey> keys =
        List.of(
            key(new byte[0]),
            key(":"),
            key("a:b"),
            key("b"),
            key("YQ"), // what "a" looks like encoded
            key("ключ 🔑 ✓"),
            key(new byte[] {0, (byte) 0xff, '\r', '\n', '*', '$'}),
            key(huge));
    Instant e = Instant.parse("2030-01-01T00:00:00Z");
    List<OnlineRecord> records = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      records.add(record(keys.get(i), e, i, "v" + i));
    }
    store.write("v", records);
    // A view named like a key prefix: "v:YQ" + key "x" vs view "v" + key "YQ:x" are apart.
    store.write("v:YQ", List.of(record(key("x"), e, 0, "other view")));
    Map<EntityKey, OnlineRecord> got = store.read("v", keys);
    assertThat(got).hasSize(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      assertThat(payload(got.get(keys.get(i)))).isEqualTo("v" + i);
      assertThat(got.get(keys.get(i)).key()).isEqualTo(keys.get(i));
    }
    assertThat(store.read("v", List.of(key("YQ:x"), key("a")))).isEmpty();
    assertThat(store.read("v:YQ", List.of(key("x"))).get(key("x"))).isNotNull();
    assertThat(store.read("v:YQ", keys)).isEmpty();
  }

  @Test
  void namespaces_areSeparate_andValidated() {
    RedisOnlineStore other = open(RedisOnlineStore.builder());
    Instant e = Instant.parse("2030-01-01T00:00:00Z");
    store.write("v", List.of(record(key("a"), e, 0, "mine")));
    assertThat(other.read("v", List.of(key("a")))).isEmpty();
    for (String bad : List.of("", "a:b", "a b", "x".repeat(65), "é")) {
      assertThatThrownBy(() -> RedisOnlineStore.builder().namespace(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("namespace");
    }
    assertThatThrownBy(() -> RedisOnlineStore.builder().namespace("n").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("RedisOnlineStore.Builder: uri is required; call uri(\"redis://host:6379\")");
    assertThatThrownBy(() -> RedisOnlineStore.builder().uri(REDIS.uri()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("RedisOnlineStore.Builder: namespace is required; call namespace(name)");
    assertThatThrownBy(() -> RedisOnlineStore.builder().batchSize(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RedisOnlineStore.builder().timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void writes_arePipelinedScriptCalls_ofAtMostBatchSizeRecords() {
    RedisOnlineStore s = open(RedisOnlineStore.builder().batchSize(500));
    Instant e = Instant.parse("2030-01-01T00:00:00Z");
    List<OnlineRecord> records = new ArrayList<>();
    List<EntityKey> keys = new ArrayList<>();
    for (int i = 0; i < 1_200; i++) {
      keys.add(key("e" + i));
      records.add(record(keys.get(i), e, i, "p" + i));
    }
    s.read("w", keys.subList(0, 2)); // loads the scripts, so the counts below are only the calls
    s.write("w", records.subList(0, 2));
    raw.configResetstat();
    s.write("v", records);
    assertThat(calls("evalsha")).isEqualTo(3); // 500 + 500 + 200
    assertThat(calls("hset")).isEqualTo(1_200);
    raw.configResetstat();
    Map<EntityKey, OnlineRecord> got = s.read("v", keys.subList(0, 100));
    assertThat(got).hasSize(100);
    assertThat(calls("evalsha")).isEqualTo(1); // 100 entities: one command, one round trip
    assertThat(calls("hmget")).isEqualTo(100);
  }

  @Test
  void ttl_becomesRedisExpiry_atEventTimePlusTtlPlusKeepExpired() {
    RedisOnlineStore s = open(RedisOnlineStore.builder().keepExpiredFor(Duration.ofDays(1)));
    Instant now = Instant.now();
    Instant event = now.plus(Duration.ofDays(10));
    s.write("v", List.of(record(key("a"), event, 0, "A")), Duration.ofDays(1));
    s.write("v", List.of(record(key("b"), event, 0, "B")), Duration.ZERO);
    s.write("v", List.of(record(key("c"), event, 0, "C")));
    byte[] a = RecordFormat.key(RecordFormat.prefix(s.namespace(), "v"), key("a"));
    long pttl = raw.pttl(a);
    // eventTime + ttl + keep = now + 12 days; the margin only absorbs the test's own run time.
    assertThat(pttl)
        .isLessThanOrEqualTo(Duration.ofDays(12).toMillis())
        .isGreaterThan(Duration.ofDays(12).minusHours(1).toMillis());
    for (String k : List.of("b", "c")) {
      assertThat(raw.pttl(RecordFormat.key(RecordFormat.prefix(s.namespace(), "v"), key(k))))
          .isEqualTo(-1); // no TTL: kept
    }
    // A newer record moves the expiry; an older one leaves it.
    s.write(
        "v",
        List.of(record(key("a"), event.plus(Duration.ofDays(5)), 0, "A2")),
        Duration.ofDays(1));
    assertThat(raw.pttl(a)).isGreaterThan(Duration.ofDays(16).toMillis());
    s.write("v", List.of(record(key("a"), event, 9, "old")), Duration.ofDays(1));
    assertThat(raw.pttl(a)).isGreaterThan(Duration.ofDays(16).toMillis());
  }

  @Test
  void aRecordPastEventTimePlusTtlPlusKeep_isDeletedByRedis_noSleep() {
    RedisOnlineStore s = open(RedisOnlineStore.builder().keepExpiredFor(Duration.ofMinutes(1)));
    Instant longAgo = Instant.now().minus(Duration.ofDays(3));
    s.write("v", List.of(record(key("old"), longAgo, 0, "old")), Duration.ofDays(1));
    s.write("v", List.of(record(key("new"), Instant.now(), 0, "new")), Duration.ofDays(1));
    assertThat(raw.exists(RecordFormat.key(RecordFormat.prefix(s.namespace(), "v"), key("old"))))
        .isZero();
    assertThat(s.read("v", List.of(key("old"), key("new")))).containsOnlyKeys(key("new"));
    // expireKeys(false) keeps it, as the embedded store does.
    RedisOnlineStore keeping = open(RedisOnlineStore.builder().expireKeys(false));
    keeping.write("v", List.of(record(key("old"), longAgo, 0, "old")), Duration.ofDays(1));
    assertThat(keeping.read("v", List.of(key("old")))).containsOnlyKeys(key("old"));
  }

  @Test
  void concurrentWriters_inTwoStores_endWithTheGreatestRecord() throws Exception {
    RedisOnlineStore other = open(RedisOnlineStore.builder());
    RedisOnlineStore second =
        RedisOnlineStore.builder().uri(REDIS.uri()).namespace(other.namespace()).build();
    opened.add(second);
    List<OnlineRecord> all = new ArrayList<>();
    Instant base = Instant.parse("2030-01-01T00:00:00Z");
    for (int i = 0; i < 400; i++) {
      all.add(
          new OnlineRecord(
              key(i % 2 == 0 ? "a" : "b"),
              base.plusSeconds(i % 13),
              base.plusSeconds(i % 7),
              i,
              ("r" + i).getBytes(StandardCharsets.UTF_8)));
    }
    Collections.shuffle(all, new Random(11));
    List<RedisOnlineStore> stores = List.of(other, second, other, second);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        List<OnlineRecord> part = all.subList(t * 100, t * 100 + 100);
        RedisOnlineStore s = stores.get(t);
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < part.size(); i += 4) {
                    s.write("v", part.subList(i, Math.min(part.size(), i + 4)));
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(5, TimeUnit.MINUTES); // a safety net, not a timing assertion
      }
    } finally {
      pool.shutdownNow();
    }
    for (String k : List.of("a", "b")) {
      OnlineRecord best = null;
      for (OnlineRecord r : all) {
        if (r.key().equals(key(k)) && (best == null || r.isNewerThan(best))) {
          best = r;
        }
      }
      assertThat(payload(other.read("v", List.of(key(k))).get(key(k)))).isEqualTo(payload(best));
    }
  }

  @Test
  void aServerThatDoesNotAnswer_isATimeout_andTheStoreWorksAfterwards() throws Exception {
    // The row is written with the default timeout, so that a busy machine cannot fail the set-up;
    // the store under test shares its namespace and waits 100 ms.
    String namespace = "t" + NAMESPACES.incrementAndGet();
    RedisOnlineStore writer = open(RedisOnlineStore.builder(), namespace);
    Instant e = Instant.parse("2030-01-01T00:00:00Z");
    writer.write("v", List.of(record(key("a"), e, 0, "A")));
    RedisOnlineStore s =
        open(RedisOnlineStore.builder().timeout(Duration.ofMillis(100)), namespace);
    raw.clientPause(10_000); // the server holds every other client's commands for 10 s
    assertThatThrownBy(() -> s.read("v", List.of(key("a"))))
        .isInstanceOfSatisfying(
            RedisOnlineStoreException.class,
            ex -> {
              assertThat(ex.getMessage()).contains("got no answer within PT0.1S");
              assertThat(ex.server()).isEqualTo("127.0.0.1:" + REDIS.port());
            });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) { // until the pause ends; a safety net, not a timing assertion
      try {
        assertThat(s.read("v", List.of(key("a")))).containsOnlyKeys(key("a"));
        break;
      } catch (RedisOnlineStoreException ex) {
        if (System.nanoTime() > deadline) {
          throw ex;
        }
      }
    }
  }

  @Test
  void aForeignHash_isAClearError_andIsLeftAlone() {
    byte[] k = redisKey("v", key("a"));
    raw.hset(k, "o".getBytes(StandardCharsets.UTF_8), new byte[] {9, 9});
    raw.hset(k, "v".getBytes(StandardCharsets.UTF_8), new byte[] {1});
    assertThatThrownBy(() -> store.read("v", List.of(key("a"))))
        .isInstanceOf(RedisOnlineStoreException.class)
        .hasMessageContaining("unknown format")
        .hasMessageContaining("view 'v'");
    assertThatThrownBy(() -> store.read("v", List.of(key("a"), key("b"))))
        .isInstanceOf(RedisOnlineStoreException.class)
        .hasMessageContaining("unknown format");
    assertThatThrownBy(
            () ->
                store.write(
                    "v", List.of(record(key("a"), Instant.parse("2030-01-01T00:00:00Z"), 0, "x"))))
        .isInstanceOf(RedisOnlineStoreException.class)
        .hasMessageContaining("unknown format")
        .satisfies(
            ex -> assertThat(((RedisOnlineStoreException) ex).operation()).isEqualTo("write"));
    assertThat(raw.hget(k, "o".getBytes(StandardCharsets.UTF_8))).containsExactly(9, 9);
    // A key of another type: Redis refuses, the message says so.
    byte[] s = redisKey("v", key("str"));
    raw.set(s, new byte[] {1});
    assertThatThrownBy(() -> store.read("v", List.of(key("str"))))
        .isInstanceOf(RedisOnlineStoreException.class)
        .hasMessageContaining("WRONGTYPE");
    assertThat(Arrays.equals(raw.get(s), new byte[] {1})).isTrue();
  }
}
