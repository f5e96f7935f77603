package io.github.mlops4j.serving.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.github.mlops4j.serving.DeadlineExceededException;
import io.github.mlops4j.serving.OverloadedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Every caller gets exactly its own result, whatever the arrival pattern and batch shape. */
class MicroBatcherProperties {
  private static final long SEED = 0x6d6c6f7073346aL;

  /** An input tagged with the caller that sent it. */
  record In(int caller, int seq, long x) {}

  /** The output: the input's tag and f(x) = x * 31 + 7. */
  record Out(int caller, int seq, long y) {}

  private enum Fate {
    NORMAL,
    EXPIRED,
    CANCELLED
  }

  @Test
  void everyCallerGetsItsOwnResult_noBatchTooLarge_nothingLost() {
    qt().withFixedSeed(SEED)
        .withExamples(60)
        .forAll(
            longs().all(),
            integers().between(1, 4),
            integers().between(1, 16),
            integers().between(0, 2))
        .checkAssert(MicroBatcherProperties::check);
  }

  private static void check(long seed, int threads, int maxBatch, int delayKind) {
    Random random = new Random(seed);
    int perThread = 1 + random.nextInt(400);
    // Capacity below the total some of the time, so that overload rejections happen too.
    int total = threads * perThread;
    int capacity = random.nextBoolean() ? total : 1 + random.nextInt(Math.max(1, total / 4));
    Duration maxDelay =
        switch (delayKind) {
          case 0 -> Duration.ZERO;
          case 1 -> Duration.ofNanos(20_000);
          default -> Duration.ofMillis(1);
        };
    ConcurrentLinkedQueue<Integer> batchSizes = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<In> ran = new ConcurrentLinkedQueue<>();
    MicroBatcher<In, Out> batcher =
        new MicroBatcher<>(
            "prop",
            inputs -> {
              batchSizes.add(inputs.size());
              ran.addAll(inputs);
              List<Out> out = new ArrayList<>(inputs.size());
              for (In in : inputs) {
                out.add(new Out(in.caller(), in.seq(), in.x() * 31 + 7));
              }
              return out;
            },
            maxBatch,
            maxDelay,
            capacity,
            r -> {
              Thread t = new Thread(r, "prop-batcher");
              t.setDaemon(true);
              return t;
            });
    List<List<In>> inputs = new ArrayList<>();
    List<List<Fate>> fates = new ArrayList<>();
    List<List<CompletableFuture<Out>>> futures = new ArrayList<>();
    for (int c = 0; c < threads; c++) {
      List<In> mine = new ArrayList<>();
      List<Fate> fate = new ArrayList<>();
      for (int s = 0; s < perThread; s++) {
        mine.add(new In(c, s, random.nextLong() >> 8));
        int roll = random.nextInt(20);
        fate.add(roll == 0 ? Fate.EXPIRED : roll == 1 ? Fate.CANCELLED : Fate.NORMAL);
      }
      inputs.add(mine);
      fates.add(fate);
      futures.add(new ArrayList<>());
    }
    long[] pauseSeeds = random.longs(threads).toArray();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> callers = new ArrayList<>();
    for (int c = 0; c < threads; c++) {
      int caller = c;
      Thread t =
          new Thread(
              () -> {
                Random pauses = new Random(pauseSeeds[caller]);
                awaitQuietly(start);
                for (int s = 0; s < perThread; s++) {
                  Fate fate = fates.get(caller).get(s);
                  long deadline = fate == Fate.EXPIRED ? System.nanoTime() - 1 : Long.MAX_VALUE;
                  CompletableFuture<Out> f = batcher.submit(inputs.get(caller).get(s), deadline);
                  if (fate == Fate.CANCELLED) {
                    f.cancel(false);
                  }
                  futures.get(caller).add(f);
                  if (pauses.nextInt(8) == 0) {
                    Thread.yield(); // bursty arrivals
                  }
                }
              });
      callers.add(t);
      t.start();
    }
    start.countDown();
    for (Thread t : callers) {
      joinQuietly(t);
    }

    int succeeded = 0;
    int overloaded = 0;
    Set<In> delivered = new HashSet<>();
    Set<In> cancelled = new HashSet<>();
    for (int c = 0; c < threads; c++) {
      for (int s = 0; s < perThread; s++) {
        In in = inputs.get(c).get(s);
        CompletableFuture<Out> f = futures.get(c).get(s);
        Fate fate = fates.get(c).get(s);
        try {
          Out out = f.join();
          assertThat(fate).isNotEqualTo(Fate.EXPIRED);
          assertThat(out).isEqualTo(new Out(c, s, in.x() * 31 + 7));
          assertThat(delivered.add(in)).isTrue();
          succeeded++;
        } catch (CancellationException e) {
          assertThat(fate).isEqualTo(Fate.CANCELLED);
          cancelled.add(in);
        } catch (CompletionException e) {
          if (e.getCause() instanceof OverloadedException) {
            overloaded++;
          } else {
            assertThat(e.getCause()).isInstanceOf(DeadlineExceededException.class);
            assertThat(fate).isEqualTo(Fate.EXPIRED);
          }
        }
      }
    }
    batcher.close();

    assertThat(batchSizes).allSatisfy(size -> assertThat(size).isBetween(1, maxBatch));
    List<In> ranList = new ArrayList<>(ran);
    assertThat(new HashSet<>(ranList)).hasSameSizeAs(ranList); // nothing ran twice
    assertThat(ranList).containsAll(delivered);
    assertThat(ranList).noneMatch(in -> fates.get(in.caller()).get(in.seq()) == Fate.EXPIRED);
    if (capacity >= total) {
      assertThat(overloaded).isZero();
    }
    // Every input that ran and was not cancelled was delivered to its caller.
    long ranNotCancelled = ranList.stream().filter(in -> !cancelled.contains(in)).count();
    assertThat(succeeded).isEqualTo((int) ranNotCancelled);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void joinQuietly(Thread t) {
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
