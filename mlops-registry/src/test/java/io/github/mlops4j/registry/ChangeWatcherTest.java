package io.github.mlops4j.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.store.Store;
import io.github.mlops4j.store.internal.StoreAccess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The change watcher on its own, over a real SQLite workspace: each change is announced once,
 * whichever path (local commit or poll) finds it, and its model is invalidated before listeners
 * hear of it.
 */
class ChangeWatcherTest {
  @TempDir Path temp;
  private ModelRegistry writer;
  private RegistryDao dao;
  private ResolveCache cache;
  private ChangeWatcher watcher;
  private final List<RegistryEvent> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void open() throws Exception {
    writer =
        ModelRegistry.builder()
            .workspace(temp.resolve("ws"))
            .actor(() -> "bob")
            .pollInterval(Duration.ZERO)
            .build();
    for (int i = 1; i <= 2; i++) {
      Path file = Files.writeString(temp.resolve("m" + i + ".bin"), "model " + i);
      writer.register("m", ModelArtifact.file(file, "bin"), null);
    }
    Store store = writer.store();
    dao = new RegistryDao(store);
    cache = new ResolveCache(100);
    watcher = new ChangeWatcher(store, dao, cache, Duration.ZERO, false);
    watcher.addListener(events::add);
  }

  @AfterEach
  void close() {
    watcher.close();
    writer.close();
  }

  /** A local transaction that writes one audit entry for model {@code m}. */
  private ChangeWatcher.Committed localChange(String alias) {
    long seq =
        StoreAccess.write(
            writer.store(),
            c -> dao.audit(c, "m", AuditAction.ALIAS_SET, 1, alias, null, "alice", null, 0L));
    return new ChangeWatcher.Committed(
        seq,
        List.of(
            new AuditEntry(
                seq, "m", AuditAction.ALIAS_SET, 1, alias, null, "alice", null, Instant.EPOCH)));
  }

  private Optional<ModelVersion> cached() {
    return cache.get("m", "champion", () -> writer.resolve("m", "champion"));
  }

  @Test
  void aPolledChange_isInvalidatedBeforeListenersHearOfIt() {
    assertThat(cached()).isEmpty();
    List<Integer> seenByListener = new CopyOnWriteArrayList<>();
    watcher.addListener(e -> seenByListener.add(cached().map(ModelVersion::version).orElse(0)));
    writer.setAlias("m", "champion", 2); // another instance: this watcher has not seen it
    assertThat(cached()).isEmpty(); // not polled yet: the cached answer stands

    watcher.poll();

    assertThat(seenByListener).containsExactly(2);
    assertThat(events)
        .hasSize(1)
        .first()
        .isInstanceOfSatisfying(
            RegistryEvent.AliasChanged.class, e -> assertThat(e.currentVersion()).isEqualTo(2));
    watcher.poll();
    assertThat(events).hasSize(1);
  }

  @Test
  void aLocalCommit_isAnnouncedOnce_andNotAgainByThePoll() {
    long result = watcher.commit("m", () -> localChange("champion"));

    assertThat(events).extracting(e -> e.entry().sequence()).containsExactly(result);
    assertThat(watcher.changesAwaitingPoll()).isZero(); // the cursor moved past it
    watcher.poll();
    assertThat(events).hasSize(1);
  }

  @Test
  void aLocalCommitAfterAnUnseenChange_isSkippedByThePollThatAnnouncesTheOther() {
    writer.setAlias("m", "champion", 1); // not seen by this watcher yet
    watcher.commit("m", () -> localChange("challenger"));
    assertThat(watcher.changesAwaitingPoll()).isEqualTo(1);

    watcher.poll();

    assertThat(watcher.changesAwaitingPoll()).isZero();
    assertThat(events).extracting(e -> e.entry().alias()).containsExactly("challenger", "champion");
  }

  @Test
  void aTransactionThatWroteNothing_announcesAndInvalidatesNothing() {
    writer.setAlias("m", "champion", 1);
    watcher.poll();
    events.clear();
    assertThat(cached()).map(ModelVersion::version).contains(1);
    StoreAccess.write(
        writer.store(),
        c -> {
          dao.putAlias(c, "m", "champion", 2); // behind the cache's back, no audit entry
          return null;
        });

    assertThat(watcher.commit("m", () -> new ChangeWatcher.Committed(-1, List.of()))).isEqualTo(-1);

    assertThat(events).isEmpty();
    assertThat(cached()).map(ModelVersion::version).contains(1); // still the cached answer
  }

  @Test
  void aFailingListener_doesNotStopTheOthers() {
    watcher.addListener(
        e -> {
          throw new IllegalStateException("listener failed");
        });
    List<RegistryEvent> after = new CopyOnWriteArrayList<>();
    watcher.addListener(after::add);
    writer.setAlias("m", "champion", 1);

    watcher.poll();

    assertThat(events).hasSize(1);
    assertThat(after).hasSize(1);
  }
}
