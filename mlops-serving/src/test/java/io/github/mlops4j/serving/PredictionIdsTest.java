package io.github.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.github.mlops4j.registry.ModelRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictionIdsTest {
  @Test
  void everyIdIsThePrefixAndTheNumberInHexadecimal() {
    PredictionIds ids = new PredictionIds(0x1234L);
    assertThat(ids.prefix()).isEqualTo("8000000000001234-");
    for (long n = 1; n <= 70_000; n++) { // the first 255, then blocks of 256 up to 0x11170
      assertThat(ids.next()).isEqualTo(ids.prefix() + Long.toHexString(n));
    }
    for (long n :
        new long[] {
          0xff, 0x100, 0x101, 0x1ff, 0x200, 0xffff, 0x10000, 0x1000f0, Long.MAX_VALUE, -1L
        }) {
      assertThat(ids.format(n)).isEqualTo(ids.prefix() + Long.toHexString(n));
    }
  }

  @Test
  void numbersFormattedInAnyOrderGiveTheSameIds() {
    // the block kept for the last numbers is replaced back and forth
    qt().withFixedSeed(20261207L)
        .withExamples(200)
        .forAll(longs().all(), integers().between(1, 400))
        .checkAssert(
            (seed, count) -> {
              SplittableRandom random = new SplittableRandom(seed);
              PredictionIds ids = new PredictionIds(random.nextLong());
              assertThat(ids.prefix()).matches("[89a-f][0-9a-f]{15}-");
              for (int i = 0; i < count; i++) {
                long n =
                    switch (random.nextInt(3)) {
                      case 0 -> random.nextLong(1, 1_000);
                      case 1 -> random.nextLong(1, 1L << 20);
                      default -> random.nextLong();
                    };
                assertThat(ids.format(n)).isEqualTo(ids.prefix() + Long.toHexString(n));
              }
            });
  }

  @Test
  void idsAreUniqueUnderConcurrency() throws Exception {
    PredictionIds ids = new PredictionIds();
    int threads = 4;
    int perThread = 50_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<String>>> made = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        made.add(
            pool.submit(
                () -> {
                  start.await();
                  List<String> out = new ArrayList<>(perThread);
                  for (int i = 0; i < perThread; i++) {
                    out.add(ids.next());
                  }
                  return out;
                }));
      }
      start.countDown();
      Set<String> all = new HashSet<>();
      Set<Long> numbers = new HashSet<>();
      for (Future<List<String>> f : made) {
        for (String id : f.get(60, TimeUnit.SECONDS)) {
          assertThat(all.add(id)).as("id %s given twice", id).isTrue();
          assertThat(id).startsWith(ids.prefix());
          numbers.add(Long.parseLong(id.substring(ids.prefix().length()), 16));
        }
      }
      assertThat(all).hasSize(threads * perThread);
      // exactly the numbers 1 .. n, each once, each formatted as its own number
      assertThat(numbers).hasSize(threads * perThread);
      assertThat(numbers.stream().mapToLong(Long::longValue).min().orElseThrow()).isEqualTo(1);
      assertThat(numbers.stream().mapToLong(Long::longValue).max().orElseThrow())
          .isEqualTo(threads * perThread);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void predictionsOfConcurrentCallsAndListsHaveDistinctIdsAndTheirServicesPrefix(
      @TempDir Path workspace) throws Exception {
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      registry.register("churn", TestModels.classifier(0), null);
      try (InferenceService a =
              InferenceService.builder().registry(registry).model("churn").version(1).build();
          InferenceService b =
              InferenceService.builder().registry(registry).model("churn").version(1).build()) {
        int threads = 4;
        int calls = 600; // crosses blocks of 256 numbers
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
          CountDownLatch start = new CountDownLatch(1);
          List<Future<List<Prediction>>> made = new ArrayList<>();
          for (int t = 0; t < threads; t++) {
            InferenceService s = t % 2 == 0 ? a : b;
            made.add(
                pool.submit(
                    () -> {
                      start.await();
                      List<Prediction> out = new ArrayList<>();
                      for (int i = 0; i < calls; i++) {
                        out.add(s.predict(TestModels.request(i % 7 - 3, i % 5 - 2, i % 3)));
                        if (i % 100 == 0) {
                          out.addAll(
                              s.predictAll(
                                  List.of(
                                      TestModels.request(1, 1, 1), TestModels.request(0, 0, 0))));
                        }
                      }
                      return out;
                    }));
          }
          start.countDown();
          Set<String> ids = new HashSet<>();
          Set<String> prefixes = new HashSet<>();
          int total = 0;
          for (Future<List<Prediction>> f : made) {
            for (Prediction p : f.get(120, TimeUnit.SECONDS)) {
              total++;
              assertThat(ids.add(p.id())).as("id %s given twice", p.id()).isTrue();
              assertThat(p.id()).matches("[89a-f][0-9a-f]{15}-[1-9a-f][0-9a-f]*");
              prefixes.add(p.id().substring(0, 17));
            }
          }
          assertThat(total).isEqualTo(threads * (calls + 2 * 6));
          assertThat(prefixes).hasSize(2); // one per service
        } finally {
          pool.shutdownNow();
        }
      }
    }
  }

  @Test
  void twoServicesDrawDifferentPrefixes() {
    assertThat(new PredictionIds(1).prefix()).isNotEqualTo(new PredictionIds(2).prefix());
    Set<String> prefixes = new HashSet<>();
    for (int i = 0; i < 1_000; i++) {
      prefixes.add(new PredictionIds().prefix());
    }
    assertThat(prefixes).hasSize(1_000);
  }
}
