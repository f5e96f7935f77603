package io.github.mlops4j.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * What every {@link OnlineStore} must do, whatever keeps the records. Extended by the embedded
 * store ({@link JdbcOnlineStoreTest}) and a third-party-style store ({@link
 * InMemoryOnlineStoreTest}).
 */
abstract class OnlineStoreContract {
  /** A store that knows views "v" and "w". */
  abstract OnlineStore store();

  static EntityKey key(String k) {
    return KeyCodec.encode(List.of(new Field("k", ValueType.STRING)), new Object[] {k});
  }

  static OnlineRecord record(String k, long e, long c, long seq, String payload) {
    return new OnlineRecord(
        key(k),
        Instant.ofEpochSecond(e),
        Instant.ofEpochSecond(c),
        seq,
        payload.getBytes(StandardCharsets.UTF_8));
  }

  static String payload(OnlineRecord r) {
    return new String(r.values(), StandardCharsets.UTF_8);
  }

  @Test
  void read_returnsOnlyKeysWithRecords() {
    OnlineStore s = store();
    s.write("v", List.of(record("a", 1, 1, 1, "A")));
    Map<EntityKey, OnlineRecord> got = s.read("v", List.of(key("a"), key("b")));
    assertThat(got).containsOnlyKeys(key("a"));
    assertThat(payload(got.get(key("a")))).isEqualTo("A");
    assertThat(s.read("w", List.of(key("a")))).isEmpty();
    assertThat(s.read("v", List.of())).isEmpty();
  }

  @Test
  void write_keepsTheGreaterRecordByEventCreatedSequence() {
    OnlineStore s = store();
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

  @Test
  void write_isIdempotent_andViewsAreSeparate() {
    OnlineStore s = store();
    List<OnlineRecord> batch = List.of(record("a", 1, 1, 1, "A"), record("b", 2, 2, 2, "B"));
    s.write("v", batch);
    s.write("v", batch);
    s.write("w", List.of(record("a", 0, 0, 0, "W")));
    assertThat(s.read("v", List.of(key("a"), key("b")))).hasSize(2);
    assertThat(payload(s.read("w", List.of(key("a"))).get(key("a")))).isEqualTo("W");
  }

  @Test
  void concurrentWriters_endWithTheGreatestRecord() throws Exception {
    OnlineStore s = store();
    List<OnlineRecord> all = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      all.add(record("a", i % 17, i % 5, i, "r" + i));
    }
    Collections.shuffle(all, new java.util.Random(7));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        List<OnlineRecord> part = all.subList(t * 50, t * 50 + 50);
        futures.add(
            pool.submit(
                () -> {
                  for (OnlineRecord r : part) {
                    s.write("v", List.of(r));
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get();
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
