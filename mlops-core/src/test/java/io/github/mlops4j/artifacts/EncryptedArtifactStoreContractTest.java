package io.github.mlops4j.artifacts;

import io.github.mlops4j.testing.TestKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;

/** The {@link ArtifactStore} contract for the encrypted directory store. */
class EncryptedArtifactStoreContractTest extends ArtifactStoreContract {
  private Path root;
  private TestKeys keys;
  private EncryptedArtifactStore store;

  @BeforeEach
  void openStore() throws Exception {
    root = temp.resolve("artifacts");
    keys = TestKeys.create(temp.resolve("keys.p12"), "k1");
    store = builder().build();
  }

  private EncryptedArtifactStore.Builder builder() {
    return EncryptedArtifactStore.builder()
        .root(root)
        .keyProvider(keys.provider("k1"))
        .segmentSize(1024);
  }

  @Override
  protected ArtifactStore store() {
    return store;
  }

  @Override
  protected ArtifactStore readOnlyStore() {
    return builder().readOnly(true).build();
  }

  @Override
  protected void overwrite(String digest, byte[] content) throws IOException {
    Files.write(TestKeys.dataFile(store, digest), content);
  }

  @Override
  protected Set<String> storedDigests() throws IOException {
    try (Stream<Path> files = Files.walk(root.resolve(EncryptedArtifactStore.OBJECTS_DIR), 2)) {
      return files
          .filter(Files::isRegularFile)
          .map(f -> f.getParent().getFileName().toString() + f.getFileName())
          .filter(name -> name.length() == 64)
          .collect(Collectors.toSet());
    }
  }

  @Override
  protected List<String> leftovers() throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(name -> name.startsWith(EncryptedArtifactStore.TEMP_PREFIX))
          .toList();
    }
  }

  @Override
  protected int largeSize() {
    return 5 * 1024 + 17;
  }

  @Override
  protected boolean reportsActualDigest() {
    return false;
  }
}
