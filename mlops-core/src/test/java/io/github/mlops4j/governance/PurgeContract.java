package io.github.mlops4j.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.artifacts.ArtifactObject;
import io.github.mlops4j.artifacts.ArtifactStore;
import io.github.mlops4j.artifacts.ArtifactStoreException;
import io.github.mlops4j.artifacts.DirectoryArtifactStore;
import io.github.mlops4j.artifacts.StoredArtifact;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.testing.MutableClock;
import io.github.mlops4j.tracking.Run;
import io.github.mlops4j.tracking.Tracker;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The purge and collection guarantees, run on every database: what a plan lists is what the
 * execution deletes, shared objects stay, an interrupted purge resumes, and a writer racing the
 * collector keeps its object.
 */
abstract class PurgeContract {
  @TempDir Path dir;

  ArtifactStore objects;
  Store store;
  Tracker tracker;

  /** A fresh store of this database over {@code artifacts}. */
  abstract Store openStore(ArtifactStore artifacts);

  /** A JDBC connection to the same database, to look at raw tables. */
  abstract Connection connect() throws SQLException;

  void open(ArtifactStore artifacts) {
    store = openStore(artifacts);
    tracker = Tracker.builder().store(store).captureEnvironment(false).build();
  }

  /** The artifact store the workspace keeps its objects in, over directory {@code root}. */
  ArtifactStore openArtifacts(Path root) throws IOException {
    return DirectoryArtifactStore.open(root);
  }

  /** The file whose modification time is the object's. */
  Path objectFile(String digest) throws IOException {
    return ((DirectoryArtifactStore) objects).path(digest);
  }

  void openPlain() throws IOException {
    objects = openArtifacts(Files.createDirectories(dir.resolve("artifacts")));
    open(objects);
  }

  @AfterEach
  void closeAll() {
    if (tracker != null) {
      tracker.close();
    }
    if (store != null) {
      store.close();
    }
  }

  Purger purger(Duration grace) {
    return Purger.builder().store(store).gracePeriod(grace).actor("dpo@example.com").build();
  }

  Path file(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  String logRun(String name, String... artifacts) throws IOException {
    try (Run run = tracker.startRun("purge")) {
      run.logParam("secret-param", "value-" + name);
      run.setTag("owner", "tag-" + name);
      run.logMetric("loss", 0.5, 1);
      run.logMetric("loss", 0.25, 2);
      for (int i = 0; i < artifacts.length; i++) {
        run.logArtifact(file(name + "-" + i, artifacts[i]), "a" + i);
      }
      return run.id();
    }
  }

  long rows(String sql) throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static String digestOf(String content) {
    return io.github.mlops4j.internal.Sha256.hex(
        io.github.mlops4j.internal.Sha256.newDigest()
            .digest(content.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void purge_deletesTheRunsRowsAndOnlyTheObjectsNothingElseReferences() throws Exception {
    openPlain();
    String gone = logRun("gone", "only mine", "shared");
    String kept = logRun("kept", "shared");
    tracker.deleteRun(gone);
    try (Purger purger = purger(Duration.ZERO)) {
      RunPurgePlan plan = purger.planDeletedRuns();
      assertThat(plan.runs()).extracting(PlannedRun::runId).containsExactly(gone);
      PlannedRun planned = plan.runs().get(0);
      assertThat(planned.params()).isEqualTo(1);
      assertThat(planned.tags()).isPositive();
      assertThat(planned.metricSeries()).isEqualTo(1);
      assertThat(planned.metricChunks()).isPositive();
      assertThat(planned.artifacts()).isEqualTo(2);
      assertThat(plan.objects()).containsExactly(digestOf("only mine"));
      // the plan is a dry run
      assertThat(tracker.findRun(gone)).isPresent();
      assertThat(objects.contains(digestOf("only mine"))).isTrue();

      PurgeResult result = purger.purge(plan, "ticket 7");

      assertThat(result.purged()).containsExactly(gone);
      assertThat(result.deletedObjects()).containsExactly(digestOf("only mine"));
      assertThat(result.deletedRows()).containsEntry("runs", 1L).containsEntry("params", 1L);
      assertThat(tracker.findRun(gone)).isEmpty();
      assertThat(tracker.findRun(kept)).isPresent();
      assertThat(objects.contains(digestOf("only mine"))).isFalse();
      objects.verify(digestOf("shared"));
      for (String table :
          List.of("params", "tags", "metric_series", "latest_metrics", "artifacts", "run_inputs")) {
        assertThat(rows("SELECT COUNT(*) FROM " + table + " WHERE run_id = '" + gone + "'"))
            .as(table)
            .isZero();
      }
      assertThat(rows("SELECT COUNT(*) FROM params WHERE run_id = '" + kept + "'")).isEqualTo(1);
      assertThat(
              rows(
                  "SELECT COUNT(*) FROM metric_chunks WHERE series_id NOT IN"
                      + " (SELECT series_id FROM metric_series)"))
          .isZero();
      assertThat(rows("SELECT COUNT(*) FROM purge_pending_objects")).isZero();

      List<AuditRecord> audit = purger.auditTrail();
      AuditRecord purge =
          audit.stream().filter(a -> a.action().equals("PURGE_RUNS")).findFirst().orElseThrow();
      assertThat(purge.actor()).isEqualTo("dpo@example.com");
      assertThat(purge.subject()).isEqualTo(gone);
      assertThat(purge.reason()).isEqualTo("ticket 7");
      assertThat(purge.counts()).contains("runs=1").contains("params=1");
      assertThat(audit.toString()).doesNotContain("value-gone").doesNotContain("tag-gone");
    }
  }

  @Test
  void purgeById_refusesRunsThatAreNotDeletedUnlessAskedTo() throws Exception {
    openPlain();
    String live = logRun("live", "x");
    try (Purger purger = purger(Duration.ZERO)) {
      assertThatThrownBy(() -> purger.planRuns(List.of(live), false))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not deleted");
      assertThatThrownBy(() -> purger.planRuns(List.of("no-such-run"), true))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("No run");
      PurgeResult r = purger.purge(purger.planRuns(List.of(live), true), null);
      assertThat(r.purged()).containsExactly(live);
      assertThat(tracker.findRun(live)).isEmpty();
    }
  }

  @Test
  void purge_ofARunRestoredAfterPlanning_skipsIt() throws Exception {
    openPlain();
    String id = logRun("restored", "content");
    tracker.deleteRun(id);
    try (Purger purger = purger(Duration.ZERO)) {
      RunPurgePlan plan = purger.planDeletedRuns();
      tracker.restoreRun(id);
      PurgeResult r = purger.purge(plan, null);
      assertThat(r.purged()).isEmpty();
      assertThat(r.deletedObjects()).isEmpty();
      objects.verify(digestOf("content"));
    }
  }

  @Test
  void anInterruptedPurge_isFinishedByTheNextOne() throws Exception {
    Path root = Files.createDirectories(dir.resolve("artifacts"));
    objects = openArtifacts(root);
    FailingDeletes failing = new FailingDeletes(objects, 2);
    open(failing);
    String id = logRun("interrupted", "one", "two", "three");
    tracker.deleteRun(id);
    try (Purger purger = purger(Duration.ZERO)) {
      RunPurgePlan plan = purger.planDeletedRuns();
      assertThat(plan.objects()).hasSize(3);
      assertThatThrownBy(() -> purger.purge(plan, null))
          .isInstanceOf(ArtifactStoreException.class)
          .hasMessageContaining("injected");
      assertThat(tracker.findRun(id)).isEmpty(); // the rows went in one transaction
      long left = plan.objects().stream().filter(objects::contains).count();
      assertThat(left).isEqualTo(2); // the first delete happened, the second failed
      assertThat(rows("SELECT COUNT(*) FROM purge_pending_objects")).isEqualTo(2);
    }
    failing.failAt.set(Integer.MAX_VALUE); // the store works again
    try (Purger again = purger(Duration.ZERO)) {
      PurgeResult resumed = again.resume();
      assertThat(resumed.deletedObjects()).hasSize(2);
      assertThat(plan(again)).isEmpty();
    }
    assertThat(rows("SELECT COUNT(*) FROM purge_pending_objects")).isZero();
    try (Stream<ArtifactObject> all = objects.list()) {
      assertThat(all).isEmpty();
    }
  }

  private static List<PlannedRun> plan(Purger p) {
    return p.planDeletedRuns().runs();
  }

  @Test
  void collection_deletesOldOrphansOnly_andKeepsWhatAWriterStoredBeforeTheScan() throws Exception {
    openPlain();
    String referenced = logRun("referenced", "in use");
    StoredArtifact orphan = objects.put(bytes("left by a crash"));
    age(orphan.digest(), Duration.ofHours(2));
    age(digestOf("in use"), Duration.ofHours(2));

    CountDownLatch stored = new CountDownLatch(1);
    CountDownLatch collected = new CountDownLatch(1);
    CompletableFuture<String> writer =
        CompletableFuture.supplyAsync(
            () -> {
              // a writer that stores its object, then commits the row naming it later
              objects.put(bytes("being written"));
              stored.countDown();
              await(collected);
              try (Run run = tracker.startRun("purge")) {
                run.logArtifact(file("late", "being written"), "late");
                return run.id();
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    await(stored);
    GarbagePlan plan;
    PurgeResult result;
    try (Purger purger = purger(Duration.ofHours(1))) {
      plan = purger.planGarbageCollection();
      result = purger.collectGarbage(plan);
    } finally {
      collected.countDown();
    }
    String late = writer.get(30, TimeUnit.SECONDS);

    assertThat(plan.objects()).extracting(ArtifactObject::digest).containsExactly(orphan.digest());
    assertThat(result.deletedObjects()).containsExactly(orphan.digest());
    assertThat(objects.contains(orphan.digest())).isFalse();
    objects.verify(digestOf("in use"));
    objects.verify(digestOf("being written"));
    assertThat(tracker.findRun(late)).isPresent();
    assertThat(tracker.findRun(referenced)).isPresent();
  }

  @Test
  void collection_keepsAnOrphanThatAPutRenewedAfterThePlan() throws Exception {
    openPlain();
    StoredArtifact orphan = objects.put(bytes("old"));
    age(orphan.digest(), Duration.ofHours(2));
    try (Purger purger = purger(Duration.ofHours(1))) {
      GarbagePlan plan = purger.planGarbageCollection();
      assertThat(plan.objects()).extracting(ArtifactObject::digest).contains(orphan.digest());
      objects.put(bytes("old")); // a writer stores the same content again (no row yet)
      PurgeResult r = purger.collectGarbage(plan);
      assertThat(r.deletedObjects()).isEmpty();
      assertThat(r.deferredObjects()).containsExactly(orphan.digest());
      objects.verify(orphan.digest());
    }
  }

  @Test
  void collection_withTheFakeClockPastTheGracePeriod_collectsFreshOrphans() throws Exception {
    openPlain();
    StoredArtifact orphan = objects.put(bytes("fresh orphan"));
    MutableClock clock = new MutableClock(Instant.now());
    try (Purger purger =
        Purger.builder().store(store).clock(clock).gracePeriod(Duration.ofHours(1)).build()) {
      assertThat(purger.planGarbageCollection().objects()).isEmpty();
      clock.advance(Duration.ofHours(2));
      GarbagePlan plan = purger.planGarbageCollection();
      assertThat(plan.objects()).extracting(ArtifactObject::digest).contains(orphan.digest());
      assertThat(purger.collectGarbage(plan).deletedObjects()).contains(orphan.digest());
    }
  }

  void age(String digest, Duration by) throws IOException {
    Path p = objectFile(digest);
    Files.setLastModifiedTime(p, FileTime.from(Instant.now().minus(by)));
  }

  static InputStream bytes(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  static void await(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new AssertionError("latch not released (safety net)");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** An artifact store whose {@code failAt}-th delete throws, as a crash half-way would. */
  static final class FailingDeletes implements ArtifactStore {
    final ArtifactStore delegate;
    final AtomicInteger failAt;
    final AtomicInteger deletes = new AtomicInteger();

    FailingDeletes(ArtifactStore delegate, int failAt) {
      this.delegate = delegate;
      this.failAt = new AtomicInteger(failAt);
    }

    @Override
    public StoredArtifact put(InputStream in) {
      return delegate.put(in);
    }

    @Override
    public StoredArtifact put(Path file) {
      return delegate.put(file);
    }

    @Override
    public boolean contains(String digest) {
      return delegate.contains(digest);
    }

    @Override
    public InputStream open(String digest) {
      return delegate.open(digest);
    }

    @Override
    public void verify(String digest) {
      delegate.verify(digest);
    }

    @Override
    public boolean isReadOnly() {
      return false;
    }

    @Override
    public String location() {
      return delegate.location();
    }

    @Override
    public Stream<ArtifactObject> list() {
      return delegate.list();
    }

    @Override
    public boolean delete(String digest, Instant unchangedSince) {
      if (deletes.incrementAndGet() == failAt.get()) {
        throw new ArtifactStoreException(
            "injected failure on delete " + failAt, digest, new IOException("injected"));
      }
      return delegate.delete(digest, unchangedSince);
    }
  }
}
