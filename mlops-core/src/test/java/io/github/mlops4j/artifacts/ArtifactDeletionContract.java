package io.github.mlops4j.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Listing and conditional deletion, which purges and garbage collection use, run against a real
 * backend by each store's test ({@code DirectoryArtifactDeletionTest}, {@code
 * EncryptedArtifactDeletionTest}, {@code S3ArtifactDeletionIT}). After each case no temporary
 * object may be left.
 */
public abstract class ArtifactDeletionContract {
  /** A writable store, empty at the start of each test. */
  protected abstract ArtifactStore store();

  /** A read-only store over the same objects as {@link #store()}. */
  protected abstract ArtifactStore readOnlyStore();

  /** The modification time the store keeps for object {@code digest}, read behind its back. */
  protected abstract Instant modified(String digest) throws Exception;

  /**
   * Makes object {@code digest} look two hours old to the store (by changing its time behind the
   * store's back, or the store's clock) and returns an instant a collector could have planned with:
   * after the object's time, and not after the time of anything the store writes from now on.
   */
  protected abstract Instant age(String digest) throws Exception;

  /** Temporary files and objects left in the store, by name. */
  protected abstract List<String> leftovers() throws Exception;

  /** One second after {@code t}, or more when the store keeps coarser times. */
  protected Instant justAfter(Instant t) {
    return t.plusSeconds(1);
  }

  protected static ByteArrayInputStream bytes(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  protected static List<ArtifactObject> list(ArtifactStore store) {
    try (Stream<ArtifactObject> all = store.list()) {
      return all.toList();
    }
  }

  @Test
  void list_showsObjectsWithSizeAndTime() throws Exception {
    StoredArtifact a = store().put(bytes("alpha"));
    StoredArtifact b = store().put(bytes("bravo!"));
    assertThat(list(store()))
        .extracting(ArtifactObject::digest, ArtifactObject::sizeBytes)
        .containsExactlyInAnyOrder(tuple(a.digest(), 5L), tuple(b.digest(), 6L));
    assertThat(list(store()))
        .filteredOn(o -> o.digest().equals(a.digest()))
        .extracting(o -> o.lastModified().truncatedTo(ChronoUnit.SECONDS))
        .containsExactly(modified(a.digest()).truncatedTo(ChronoUnit.SECONDS));
    assertThat(list(readOnlyStore())).hasSize(2);
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void delete_onlyAnObjectUnchangedSinceTheCutoff() throws Exception {
    ArtifactStore store = store();
    StoredArtifact a = store.put(bytes("alpha"));
    Instant written = modified(a.digest());

    assertThat(store.delete(a.digest(), written)).isFalse(); // stored at the cutoff: too recent
    store.verify(a.digest());
    assertThat(list(store)).hasSize(1); // put back, nothing left behind
    assertThat(leftovers()).isEmpty();

    assertThat(store.delete(a.digest(), justAfter(written))).isTrue();
    assertThat(store.contains(a.digest())).isFalse();
    assertThatThrownBy(() -> store.verify(a.digest()))
        .isInstanceOf(ArtifactNotFoundException.class);
    assertThat(list(store)).isEmpty();
    assertThat(store.delete(a.digest(), justAfter(written))).isFalse(); // absent: no-op
    assertThat(leftovers()).isEmpty();

    assertThat(store.put(bytes("alpha"))).isEqualTo(a); // stored again afterwards
    store.verify(a.digest());
  }

  @Test
  void putOfStoredContent_renewsAnOldObject_soADeletionPlannedBeforeKeepsIt() throws Exception {
    ArtifactStore store = store();
    StoredArtifact a = store.put(bytes("alpha"));
    Instant cutoff = age(a.digest()); // a collector's plan, made before the put

    store.put(bytes("alpha"));

    assertThat(modified(a.digest())).isAfterOrEqualTo(cutoff);
    assertThat(store.delete(a.digest(), cutoff)).isFalse();
    store.verify(a.digest());
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void anOldObjectNotPutAgain_isDeleted() throws Exception {
    ArtifactStore store = store();
    StoredArtifact a = store.put(bytes("alpha"));
    StoredArtifact b = store.put(bytes("bravo"));
    Instant cutoff = age(a.digest());

    assertThat(store.delete(a.digest(), cutoff)).isTrue();
    assertThat(store.contains(a.digest())).isFalse();
    store.verify(b.digest());
    assertThat(list(store)).extracting(ArtifactObject::digest).containsExactly(b.digest());
  }

  @Test
  void delete_isRefusedReadOnly_andChecksTheDigest() throws Exception {
    StoredArtifact a = store().put(bytes("alpha"));
    assertThatThrownBy(() -> readOnlyStore().delete(a.digest(), Instant.MAX))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> store().delete("../x", Instant.MAX))
        .isInstanceOf(IllegalArgumentException.class);
    store().verify(a.digest());
  }
}
