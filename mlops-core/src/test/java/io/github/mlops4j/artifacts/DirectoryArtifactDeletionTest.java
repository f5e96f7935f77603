package io.github.mlops4j.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Listing and conditional deletion of {@link DirectoryArtifactStore}, used by purges. */
class DirectoryArtifactDeletionTest {
  @TempDir Path root;

  private static ByteArrayInputStream bytes(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  private static List<ArtifactObject> list(ArtifactStore store) {
    try (Stream<ArtifactObject> all = store.list()) {
      return all.toList();
    }
  }

  @Test
  void list_showsObjectsWithSizeAndTime_andSkipsTemporaryFiles() throws IOException {
    DirectoryArtifactStore store = DirectoryArtifactStore.open(root);
    StoredArtifact a = store.put(bytes("alpha"));
    StoredArtifact b = store.put(bytes("bravo!"));
    Files.writeString(root.resolve("sha256").resolve(".tmp-leftover"), "x");
    Files.writeString(
        root.resolve("sha256").resolve(a.digest().substring(0, 2)).resolve("bad"), "");
    assertThat(list(store))
        .extracting(ArtifactObject::digest, ArtifactObject::sizeBytes)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(a.digest(), 5L),
            org.assertj.core.groups.Tuple.tuple(b.digest(), 6L));
    assertThat(list(DirectoryArtifactStore.open(root.resolve("empty")))).isEmpty();
  }

  @Test
  void delete_onlyAnObjectUnchangedSinceTheCutoff() throws IOException {
    DirectoryArtifactStore store = DirectoryArtifactStore.open(root);
    StoredArtifact a = store.put(bytes("alpha"));
    Instant written = Files.getLastModifiedTime(store.path(a.digest())).toInstant();

    assertThat(store.delete(a.digest(), written)).isFalse(); // stored at the cutoff: too recent
    store.verify(a.digest());
    assertThat(list(store)).hasSize(1); // moved back, nothing left behind

    assertThat(store.delete(a.digest(), written.plusSeconds(1))).isTrue();
    assertThat(store.contains(a.digest())).isFalse();
    assertThat(store.delete(a.digest(), written.plusSeconds(1))).isFalse();
    try (Stream<Path> left = Files.list(root.resolve("sha256"))) {
      assertThat(left.filter(p -> p.getFileName().toString().startsWith(".tmp-"))).isEmpty();
    }
    assertThat(store.put(bytes("alpha"))).isEqualTo(a); // stored again afterwards
    store.verify(a.digest());
  }

  @Test
  void putOfStoredContent_renewsAnOldObject_soADeletionPlannedBeforeKeepsIt() throws IOException {
    DirectoryArtifactStore store = DirectoryArtifactStore.open(root);
    StoredArtifact a = store.put(bytes("alpha"));
    Instant old = Instant.now().minus(Duration.ofHours(2));
    Files.setLastModifiedTime(store.path(a.digest()), FileTime.from(old));
    Instant cutoff = Instant.now().minus(Duration.ofHours(1)); // a collector's plan

    store.put(bytes("alpha"));

    assertThat(Files.getLastModifiedTime(store.path(a.digest())).toInstant()).isAfter(cutoff);
    assertThat(store.delete(a.digest(), cutoff)).isFalse();
    store.verify(a.digest());
  }

  @Test
  void delete_isRefusedReadOnly_andChecksTheDigest() throws IOException {
    DirectoryArtifactStore store = DirectoryArtifactStore.open(root);
    StoredArtifact a = store.put(bytes("alpha"));
    DirectoryArtifactStore readOnly = DirectoryArtifactStore.openReadOnly(root);
    assertThatThrownBy(() -> readOnly.delete(a.digest(), Instant.MAX))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> store.delete("../x", Instant.MAX))
        .isInstanceOf(IllegalArgumentException.class);
    store.verify(a.digest());
  }
}
