package io.github.mlops4j.artifacts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;

/** The {@link ArtifactStore} contract for the directory store. */
class DirectoryArtifactStoreContractTest extends ArtifactStoreContract {
  private Path root;
  private DirectoryArtifactStore store;

  @BeforeEach
  void openStore() {
    root = temp.resolve("artifacts");
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
  protected void overwrite(String digest, byte[] content) throws IOException {
    Path file = store.path(digest);
    file.toFile().setWritable(true, true);
    Files.write(file, content);
  }

  @Override
  protected Set<String> storedDigests() throws IOException {
    try (Stream<Path> files = Files.walk(root.resolve(DirectoryArtifactStore.OBJECTS_DIR), 2)) {
      return files
          .filter(Files::isRegularFile)
          .filter(f -> !f.getFileName().toString().startsWith(DirectoryArtifactStore.TEMP_PREFIX))
          .map(f -> f.getParent().getFileName().toString() + f.getFileName())
          .collect(Collectors.toSet());
    }
  }

  @Override
  protected List<String> leftovers() throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(name -> name.startsWith(DirectoryArtifactStore.TEMP_PREFIX))
          .toList();
    }
  }

  @Override
  protected int largeSize() {
    return 3 * DirectoryArtifactStore.BUFFER_SIZE + 17;
  }
}
