package io.github.mlops4j.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.features.EntityKey;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.features.OnlineRecord;
import io.github.mlops4j.features.OnlineStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link OnlineStore} must keep, as a JUnit 5 suite that an implementation runs
 * by extending it. {@link FeatureStore} relies on exactly these guarantees (it decides TTL and
 * statuses itself), so a store that passes can be given to {@link
 * FeatureStore.Builder#onlineStore}.
 *
 * <p>To run it against your store (a Redis adapter, say), add mlops-core's test jar as a test
 * dependency (its version comes from {@code mlops4j-bom}):
 *
 * <pre>{@code
 * <dependency>
 *   <groupId>io.github.mlops4j</groupId>
 *   <artifactId>mlops-core</artifactId>
 *   <type>test-jar</type>
 *   <scope>test</scope>
 * </dependency>
 * }</pre>
 *
 * <p>and extend this class with a method that returns a new, empty store:
 *
 * <pre>{@code
 * class RedisOnlineStoreTest extends OnlineStoreContract {
 *   @Override
 *   protected OnlineStore store() {
 *     return new RedisOnlineStore(redisUri, "test-" + UUID.randomUUID());
 *   }
 * }
 * }</pre>
 *
 * <p>Each test calls {@link #store()} once and closes the store when it ends. The store must accept
 * the view names {@code "v"} and {@code "w"} (the embedded store needs them registered first; a
 * key-value store takes any name) and hold no records for them. Keys are opaque bytes ({@link
 * EntityKey#fromBytes}); a store keeps and compares them as bytes. Runs with JUnit Jupiter 5 and
 * AssertJ on the test class path.
 *
 * <p>In the tree: the embedded store ({@code JdbcOnlineStoreTest}) and a third-party-style store in
 * memory ({@code InMemoryOnlineStoreTest}) run it.
 *
 * @since 0.1.0
 */
public abstract class OnlineStoreContract {
  private final List<OnlineStore> opened = new ArrayList<>();

  /** Subclasses are the stores under test. */
  protected OnlineStoreContract() {}

  /**
   * A new store under test that accepts views {@code "v"} and {@code "w"} and holds no records.
   * Called once per test; the suite closes it after the test.
   */
  protected abstract OnlineStore store();

  private OnlineStore open() {
    OnlineStore s = store();
    opened.add(s);
    return s;
  }

  /** Closes the stores this test got from {@link #store()}. */
  @AfterEach
  public final void closeStores() throws Exception {
    for (OnlineStore s : opened) {
      s.close();
    }
    opened.clear();
  }

  /** The key of entity {@code k} (its UTF-8 bytes). */
  protected static EntityKey key(String k) {
    return EntityKey.fromBytes(k.getBytes(StandardCharsets.UTF_8));
  }

  /** A record of {@code k} at event time {@code e} and created time {@code c} (epoch seconds). */
  protected static OnlineRecord record(String k, long e, long c, long seq, String payload) {
    return new OnlineRecord(
        key(k),
        Instant.ofEpochSecond(e),
        Instant.ofEpochSecond(c),
        seq,
        payload.getBytes(StandardCharsets.UTF_8));
  }

  /** The payload of a record, as written by {@link #record}. */
  protected static String payload(OnlineRecord r) {
    return new String(r.values(), StandardCharsets.UTF_8);
  }

  /**
   * {@link OnlineStore#read} returns the kept record of each key that has one, and nothing for keys
   * without a record, keys of another view, or an empty key list.
   */
  @Test
  public void read_returnsOnlyKeysWithRecords() {
    OnlineStore s = open();
    s.write("v", List.of(record("a", 1, 1, 1, "A")));
    Map<EntityKey, OnlineRecord> got = s.read("v", List.of(key("a"), key("b")));
    assertThat(got).containsOnlyKeys(key("a"));
    assertThat(payload(got.get(key("a")))).isEqualTo("A");
    assertThat(s.read("w", List.of(key("a")))).isEmpty();
    assertThat(s.read("v", List.of())).isEmpty();
  }

  /**
   * A write keeps, per key, the greater record by (event time, created time, sequence): an older
   * record written later never replaces a newer one, and the record read back carries its times.
   */
  @Test
  public void write_keepsTheGreaterRecordByEventCreatedSequence() {
    OnlineStore s = open();
    s.write("v", List.of(record("a", 10, 10, 5, "newest")));
    s.write("v", List.of(record("a", 9, 99, 99, "older event")));
    s.write("v", List.of(record("a", 10, 9, 99, "older created")));
    s.write("v", List.of(record("a", 10, 10, 4, "older sequence")));
    assertThat(payload(s.read("v", List.of(key("a"))).get(key("a")))).isEqualTo("newest");
    s.write("v", List.of(record("a", 10, 10, 6, "later sequence")));
    assertThat(payload(s.read("v", List.of(key("a"))).get(key("a")))).isEqualTo("later sequence");
    s.write("v", List.of(record("a", 11, 0, 0, "later event")));
    OnlineRecord r = s.read("v", List.of(key("a"))).get(key("a"));
    assertThat(payload(r)).isEqualTo("later event");
    assertThat(r.eventTime()).isEqualTo(Instant.ofEpochSecond(11));
  }

  /**
   * Writing the same records again changes nothing (so writes may be retried), and views are
   * separate: the same key in two views holds two records.
   */
  @Test
  public void write_isIdempotent_andViewsAreSeparate() {
    OnlineStore s = open();
    List<OnlineRecord> batch = List.of(record("a", 1, 1, 1, "A"), record("b", 2, 2, 2, "B"));
    s.write("v", batch);
    s.write("v", batch);
    s.write("w", List.of(record("a", 0, 0, 0, "W")));
    assertThat(s.read("v", List.of(key("a"), key("b")))).hasSize(2);
    assertThat(payload(s.read("w", List.of(key("a"))).get(key("a")))).isEqualTo("W");
  }

  /**
   * Delete removes only the given keys of the given view, deleting again is harmless, and a later
   * write keeps a record again (even an older one: nothing of the erased record is remembered).
   */
  @Test
  public void delete_removesOnlyTheGivenKeysOfTheView() {
    OnlineStore s = open();
    s.write("v", List.of(record("a", 5, 5, 5, "A"), record("b", 2, 2, 2, "B")));
    s.write("w", List.of(record("a", 0, 0, 0, "W")));
    s.delete("v", List.of(key("a"), key("never written")));
    s.delete("v", List.of(key("a")));
    assertThat(s.read("v", List.of(key("a"), key("b")))).containsOnlyKeys(key("b"));
    assertThat(payload(s.read("w", List.of(key("a"))).get(key("a")))).isEqualTo("W");
    s.write("v", List.of(record("a", 1, 1, 1, "again")));
    assertThat(payload(s.read("v", List.of(key("a"))).get(key("a")))).isEqualTo("again");
  }

  /**
   * The store is thread-safe: writers racing on one key end with the greatest of all their records,
   * whatever the interleaving.
   */
  @Test
  public void concurrentWriters_endWithTheGreatestRecord() throws Exception {
    OnlineStore s = open();
    List<OnlineRecord> all = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      all.add(record("a", i % 17, i % 5, i, "r" + i));
    }
    Collections.shuffle(all, new Random(7));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        List<OnlineRecord> part = all.subList(t * 50, t * 50 + 50);
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (OnlineRecord r : part) {
                    s.write("v", List.of(r));
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
    OnlineRecord best = all.get(0);
    for (OnlineRecord r : all) {
      if (r.isNewerThan(best)) {
        best = r;
      }
    }
    assertThat(payload(s.read("v", List.of(key("a"))).get(key("a")))).isEqualTo(payload(best));
  }
}
