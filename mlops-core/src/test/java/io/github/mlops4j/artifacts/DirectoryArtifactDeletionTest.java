package io.github.mlops4j.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Listing and conditional deletion of {@link DirectoryArtifactStore}, used by purges. */
class DirectoryArtifactDeletionTest extends ArtifactDeletionContract {
  @TempDir Path root;
  private DirectoryArtifactStore store;

  @BeforeEach
  void openStore() {
    store = DirectoryArtifactStore.open(root);
  }

  @Override
  protected ArtifactStore store() {
    return store;
  }

  @Override
  protected ArtifactStore readOnlyStore() {
    return DirectoryArtifactStore.openReadOnly(root);
  }

  @Override
  protected Instant modified(String digest) throws IOException {
    return Files.getLastModifiedTime(store.path(digest)).toInstant();
  }

  @Override
  protected Instant age(String digest) throws IOException {
    Instant now = Instant.now();
    Files.setLastModifiedTime(store.path(digest), FileTime.from(now.minus(Duration.ofHours(2))));
    return now.minus(Duration.ofHours(1));
  }

  @Override
  protected List<String> leftovers() throws IOException {
    try (Stream<Path> left = Files.list(root.resolve("sha256"))) {
      return left.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith(DirectoryArtifactStore.TEMP_PREFIX))
          .toList();
    }
  }

  @Test
  void list_skipsTemporaryAndForeignFiles() throws IOException {
    StoredArtifact a = store.put(bytes("alpha"));
    Files.writeString(root.resolve("sha256").resolve(".tmp-leftover"), "x");
    Files.writeString(
        root.resolve("sha256").resolve(a.digest().substring(0, 2)).resolve("bad"), "");
    assertThat(list(store)).extracting(ArtifactObject::digest).containsExactly(a.digest());
    assertThat(list(DirectoryArtifactStore.open(root.resolve("empty")))).isEmpty();
  }
}
