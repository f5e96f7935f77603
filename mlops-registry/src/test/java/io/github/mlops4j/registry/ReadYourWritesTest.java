package io.github.mlops4j.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.store.Store;
import io.github.mlops4j.testing.PausingDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After a change returns (or, for another instance's change, after {@link ModelRegistry#refresh()}
 * returns), {@code resolve} answers the new state, even when a resolve that read the database
 * before the change finishes after it.
 */
class ReadYourWritesTest {
  @TempDir Path temp;

  private static void registerThree(ModelRegistry registry, Path dir) throws Exception {
    for (int i = 1; i <= 3; i++) {
      Path file = Files.writeString(dir.resolve("m" + i + ".bin"), "model " + i);
      registry.register("m", ModelArtifact.file(file, "bin"), null);
    }
  }

  private static int champion(ModelRegistry registry) {
    return registry.resolve("m", "champion").map(ModelVersion::version).orElse(0);
  }

  /** A resolve reads v1, then the alias moves to v2, then that resolve stores what it read. */
  @Test
  void aResolveThatReadBeforeAMove_doesNotOutliveIt() throws Exception {
    PausingDataSource db = PausingDataSource.sqlite(temp.resolve("mlops.db"));
    try (Store store =
            Store.builder().dataSource(db).artifactRoot(temp.resolve("artifacts")).build();
        ModelRegistry registry =
            ModelRegistry.builder().store(store).pollInterval(Duration.ZERO).build()) {
      registerThree(registry, temp);
      registry.setAlias("m", "champion", 1);
      AtomicReference<Optional<ModelVersion>> early = new AtomicReference<>();
      Thread reader = new Thread(() -> early.set(registry.resolve("m", "champion")));
      db.pauseNextClose(reader);
      reader.start();
      db.awaitRead();
      registry.setAlias("m", "champion", 2);
      db.resume();
      reader.join();
      assertThat(early.get()).map(ModelVersion::version).contains(1); // it began before the move
      assertThat(champion(registry)).isEqualTo(2);
    }
  }

  /** The same race against another instance's change, picked up by {@code refresh()}. */
  @Test
  void aResolveThatReadBeforeAnotherInstancesMove_doesNotOutliveTheRefresh() throws Exception {
    PausingDataSource db = PausingDataSource.sqlite(temp.resolve("mlops.db"));
    try (Store store =
            Store.builder().dataSource(db).artifactRoot(temp.resolve("artifacts")).build();
        ModelRegistry registry =
            ModelRegistry.builder().store(store).pollInterval(Duration.ZERO).build();
        ModelRegistry other =
            ModelRegistry.builder().store(store).pollInterval(Duration.ZERO).build()) {
      registerThree(registry, temp);
      registry.setAlias("m", "champion", 1);
      Thread reader = new Thread(() -> registry.resolve("m", "champion"));
      db.pauseNextClose(reader);
      reader.start();
      db.awaitRead();
      other.setAlias("m", "champion", 2);
      registry.refresh();
      db.resume();
      reader.join();
      assertThat(champion(registry)).isEqualTo(2);
    }
  }

  /**
   * A refresh that finds nothing new (a concurrent poll took the changes) returns only after the
   * changes that poll took were invalidated, not while it is still announcing them.
   */
  @Test
  void aRefreshThatFindsNothingNew_stillSeesChangesAnotherPollIsAnnouncing() throws Exception {
    try (ModelRegistry registry =
            ModelRegistry.builder()
                .workspace(temp.resolve("ws"))
                .pollInterval(Duration.ZERO)
                .build();
        ModelRegistry other =
            ModelRegistry.builder().store(registry.store()).pollInterval(Duration.ZERO).build()) {
      for (String m : List.of("a", "b")) {
        for (int i = 1; i <= 2; i++) {
          Path file = Files.writeString(temp.resolve(m + i), m + i);
          other.register(m, ModelArtifact.file(file, "bin"), null);
        }
        other.setAlias(m, "champion", 1);
      }
      registry.refresh();
      assertThat(registry.resolve("b", "champion")).map(ModelVersion::version).contains(1);
      other.setAlias("a", "champion", 2);
      other.setAlias("b", "champion", 2);
      java.util.concurrent.CountDownLatch inListener = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
      Thread poller = new Thread(registry::refresh);
      registry.addListener(
          e -> {
            if (Thread.currentThread() == poller && e.model().equals("a")) {
              inListener.countDown();
              try {
                go.await();
              } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
              }
            }
          });
      poller.start();
      try {
        inListener.await(); // the poller took both changes and is announcing the first
        registry.refresh(); // finds nothing new
        assertThat(registry.resolve("b", "champion")).map(ModelVersion::version).contains(2);
      } finally {
        go.countDown();
        poller.join();
      }
    }
  }

  /**
   * Two quick moves while other threads resolve the alias in a loop: once the second move has
   * returned, resolve answers it, every round.
   */
  @Test
  void twoQuickMovesWhileOthersResolve_resolveAnswersTheLastMove() throws Exception {
    try (ModelRegistry registry =
        ModelRegistry.builder().workspace(temp.resolve("ws")).pollInterval(Duration.ZERO).build()) {
      registerThree(registry, temp);
      registry.setAlias("m", "champion", 1);
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> readers = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        Thread r =
            new Thread(
                () -> {
                  while (!stop.get()) {
                    registry.resolve("m", "champion");
                  }
                });
        r.start();
        readers.add(r);
      }
      List<String> stale = new ArrayList<>();
      try {
        for (int round = 0; round < 1_000; round++) {
          int first = round % 2 == 0 ? 3 : 2;
          int last = 5 - first;
          registry.setAlias("m", "champion", first);
          registry.setAlias("m", "champion", last);
          int seen = champion(registry);
          if (seen != last) {
            stale.add("round " + round + ": v" + seen + " instead of v" + last);
          }
        }
      } finally {
        stop.set(true);
        for (Thread r : readers) {
          r.join();
        }
      }
      assertThat(stale).isEmpty();
    }
  }
}
