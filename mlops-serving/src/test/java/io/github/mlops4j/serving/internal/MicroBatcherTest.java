package io.github.mlops4j.serving.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.serving.DeadlineExceededException;
import io.github.mlops4j.serving.OverloadedException;
import io.github.mlops4j.serving.ServingException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MicroBatcherTest {
  private final List<Thread> threads = Collections.synchronizedList(new ArrayList<>());
  private final ThreadFactory factory =
      r -> {
        Thread t = new Thread(r, "batcher-test");
        t.setDaemon(true);
        threads.add(t);
        return t;
      };

  /** Batches seen by the batch function, in order. */
  private final List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());

  private final CountDownLatch firstBatchStarted = new CountDownLatch(1);
  private final CountDownLatch releaseFirstBatch = new CountDownLatch(1);
  private MicroBatcher<Integer, String> batcher;

  /** Records each batch; the first one waits for {@link #releaseFirstBatch}. */
  private final Function<List<Integer>, List<String>> gated =
      inputs -> {
        batches.add(List.copyOf(inputs));
        if (firstBatchStarted.getCount() > 0) {
          firstBatchStarted.countDown();
          await(releaseFirstBatch);
        }
        return inputs.stream().map(i -> "out-" + i).toList();
      };

  @AfterEach
  void closeBatcher() {
    if (batcher != null) {
      batcher.close();
    }
  }

  @Test
  void submit_returnsEachCallersOwnResult() {
    batcher = new MicroBatcher<>("m", gated, 4, Duration.ZERO, 16, factory);
    CompletableFuture<String> first = batcher.submit(1, Long.MAX_VALUE);
    await(firstBatchStarted);
    List<CompletableFuture<String>> queued = new ArrayList<>();
    for (int i = 2; i <= 7; i++) {
      queued.add(batcher.submit(i, Long.MAX_VALUE));
    }
    releaseFirstBatch.countDown();
    assertThat(first.join()).isEqualTo("out-1");
    for (int i = 0; i < queued.size(); i++) {
      assertThat(queued.get(i).join()).isEqualTo("out-" + (i + 2));
    }
    // Queued while the worker was busy: taken as batches of at most 4, in arrival order.
    assertThat(batches).containsExactly(List.of(1), List.of(2, 3, 4, 5), List.of(6, 7));
  }

  @Test
  void submit_fullQueue_failsAtOnceWithOverloaded() {
    batcher = new MicroBatcher<>("churn v3", gated, 8, Duration.ZERO, 2, factory);
    CompletableFuture<String> running = batcher.submit(1, Long.MAX_VALUE);
    await(firstBatchStarted);
    CompletableFuture<String> a = batcher.submit(2, Long.MAX_VALUE);
    CompletableFuture<String> b = batcher.submit(3, Long.MAX_VALUE);
    CompletableFuture<String> rejected = batcher.submit(4, Long.MAX_VALUE);

    assertThat(rejected).isCompletedExceptionally();
    assertThatThrownBy(rejected::join)
        .hasCauseInstanceOf(OverloadedException.class)
        .hasMessageContaining("churn v3")
        .hasMessageContaining("full (2 waiting)");
    assertThat(batcher.queued()).isEqualTo(2);
    releaseFirstBatch.countDown();
    assertThat(List.of(running.join(), a.join(), b.join()))
        .containsExactly("out-1", "out-2", "out-3");
  }

  @Test
  void submit_deadlinePassedWhileQueued_failsWithoutRunning() {
    batcher = new MicroBatcher<>("m", gated, 8, Duration.ZERO, 8, factory);
    CompletableFuture<String> running = batcher.submit(1, Long.MAX_VALUE);
    await(firstBatchStarted);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
    CompletableFuture<String> late = batcher.submit(2, deadline);
    CompletableFuture<String> onTime = batcher.submit(3, Long.MAX_VALUE);
    while (System.nanoTime() - deadline <= 0) {
      Thread.onSpinWait(); // the deadline passes while the input waits in the queue
    }
    releaseFirstBatch.countDown();

    assertThat(running.join()).isEqualTo("out-1");
    assertThat(onTime.join()).isEqualTo("out-3");
    assertThatThrownBy(late::join)
        .hasCauseInstanceOf(DeadlineExceededException.class)
        .hasMessageContaining("not run");
    assertThat(batches).containsExactly(List.of(1), List.of(3));
  }

  @Test
  void submit_deadlineAlreadyPassed_failsAtOnce() {
    batcher = new MicroBatcher<>("m", gated, 8, Duration.ZERO, 8, factory);
    CompletableFuture<String> f = batcher.submit(1, System.nanoTime() - 1);
    assertThat(f).isCompletedExceptionally();
    assertThatThrownBy(f::join).hasCauseInstanceOf(DeadlineExceededException.class);
    assertThat(batches).isEmpty();
  }

  @Test
  void cancelledWhileQueued_isNotRun() {
    batcher = new MicroBatcher<>("m", gated, 8, Duration.ZERO, 8, factory);
    CompletableFuture<String> running = batcher.submit(1, Long.MAX_VALUE);
    await(firstBatchStarted);
    CompletableFuture<String> cancelled = batcher.submit(2, Long.MAX_VALUE);
    CompletableFuture<String> kept = batcher.submit(3, Long.MAX_VALUE);
    assertThat(cancelled.cancel(false)).isTrue();
    releaseFirstBatch.countDown();

    assertThat(running.join()).isEqualTo("out-1");
    assertThat(kept.join()).isEqualTo("out-3");
    assertThat(batches).containsExactly(List.of(1), List.of(3));
  }

  @Test
  void wrongNumberOfOutputs_failsEveryCallerOfThatBatch() {
    batcher =
        new MicroBatcher<>(
            "m",
            inputs -> {
              batches.add(List.copyOf(inputs));
              return inputs.size() == 1 ? List.of("only-" + inputs.get(0)) : List.of("one");
            },
            8,
            Duration.ZERO,
            8,
            factory);
    CompletableFuture<String> single = batcher.submit(1, Long.MAX_VALUE);
    assertThat(single.join()).isEqualTo("only-1");

    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    MicroBatcher<Integer, String> gatedWrong =
        new MicroBatcher<>(
            "wrong",
            inputs -> {
              started.countDown();
              await(release);
              return List.of("one");
            },
            8,
            Duration.ZERO,
            8,
            factory);
    try {
      CompletableFuture<String> blocker = gatedWrong.submit(0, Long.MAX_VALUE);
      await(started);
      CompletableFuture<String> x = gatedWrong.submit(1, Long.MAX_VALUE);
      CompletableFuture<String> y = gatedWrong.submit(2, Long.MAX_VALUE);
      release.countDown();
      assertThat(blocker.join()).isEqualTo("one");
      for (CompletableFuture<String> f : List.of(x, y)) {
        assertThatThrownBy(f::join)
            .hasCauseInstanceOf(ServingException.class)
            .hasMessageContaining("returned 1 outputs for 2 inputs")
            .hasMessageContaining("exactly one output per input");
      }
    } finally {
      gatedWrong.close();
    }
  }

  @Test
  void batchFunctionThrows_failsOnlyThatBatch() {
    IllegalStateException boom = new IllegalStateException("model exploded");
    batcher =
        new MicroBatcher<>(
            "m",
            inputs -> {
              if (inputs.contains(13)) {
                throw boom;
              }
              return inputs.stream().map(i -> "out-" + i).toList();
            },
            1,
            Duration.ZERO,
            8,
            factory);
    CompletableFuture<String> bad = batcher.submit(13, Long.MAX_VALUE);
    CompletableFuture<String> good = batcher.submit(14, Long.MAX_VALUE);

    assertThatThrownBy(bad::join).isInstanceOf(CompletionException.class).hasCause(boom);
    assertThat(good.join()).isEqualTo("out-14");
  }

  @Test
  void positiveMaxDelay_collectsWhatArrivesInTime() {
    batcher = new MicroBatcher<>("m", gated, 3, Duration.ofMinutes(5), 16, factory);
    CompletableFuture<String> first = batcher.submit(1, Long.MAX_VALUE);
    // With a 5 minute delay the first batch only starts when it is full.
    CompletableFuture<String> second = batcher.submit(2, Long.MAX_VALUE);
    CompletableFuture<String> third = batcher.submit(3, Long.MAX_VALUE);
    await(firstBatchStarted);
    releaseFirstBatch.countDown();
    assertThat(List.of(first.join(), second.join(), third.join()))
        .containsExactly("out-1", "out-2", "out-3");
    assertThat(batches).containsExactly(List.of(1, 2, 3));
  }

  @Test
  void close_failsQueuedWork_rejectsNewWork_andStopsTheWorker() throws Exception {
    batcher = new MicroBatcher<>("churn v3", gated, 8, Duration.ZERO, 8, factory);
    CompletableFuture<String> running = batcher.submit(1, Long.MAX_VALUE);
    await(firstBatchStarted);
    CompletableFuture<String> queued = batcher.submit(2, Long.MAX_VALUE);
    Thread closer = new Thread(batcher::close);
    closer.start();
    assertThatThrownBy(queued::join)
        .hasCauseInstanceOf(ServingException.class)
        .hasMessageContaining("'churn v3' is closed");
    releaseFirstBatch.countDown();
    closer.join();

    assertThat(running.join()).isEqualTo("out-1"); // the running batch finished
    assertThatThrownBy(() -> batcher.submit(3, Long.MAX_VALUE).join())
        .hasCauseInstanceOf(ServingException.class)
        .hasMessageContaining("closed");
    assertThat(threads).singleElement().satisfies(t -> assertThat(t.isAlive()).isFalse());
    batcher.close(); // idempotent
  }

  @Test
  void constructor_rejectsBadSizes() {
    Function<List<Integer>, List<Integer>> id = l -> l;
    assertThatThrownBy(() -> new MicroBatcher<>("m", id, 0, Duration.ZERO, 1, factory))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxBatchSize");
    assertThatThrownBy(() -> new MicroBatcher<>("m", id, 1, Duration.ofMillis(-1), 1, factory))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxDelay");
    assertThatThrownBy(() -> new MicroBatcher<>("m", id, 1, Duration.ZERO, 0, factory))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("queueCapacity");
    assertThat(threads).isEmpty();
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new AssertionError("latch not released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
