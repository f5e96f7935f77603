package io.github.mlops4j.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.testing.TestKeys;
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

/**
 * Listing and conditional deletion of {@link EncryptedArtifactStore}: header and data file go
 * together, and data files a crashed writer left without a header are found and collected.
 */
class EncryptedArtifactDeletionTest extends ArtifactDeletionContract {
  private final FileTime twoHoursAgo = FileTime.from(Instant.now().minus(Duration.ofHours(2)));

  @TempDir Path temp;
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
    return EncryptedArtifactStore.builder().root(root).keyProvider(keys.provider("k1"));
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
  protected Instant modified(String digest) throws Exception {
    return Files.getLastModifiedTime(store.headerPath(digest)).toInstant();
  }

  @Override
  protected Instant age(String digest) throws Exception {
    Instant now = Instant.now();
    Files.setLastModifiedTime(store.headerPath(digest), twoHoursAgo);
    return now.minus(Duration.ofHours(1));
  }

  /** Temporary files, and data files whose header is gone. */
  @Override
  protected List<String> leftovers() throws Exception {
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(Files::isRegularFile)
          .map(f -> f.getFileName().toString())
          .filter(
              n ->
                  n.startsWith(EncryptedArtifactStore.TEMP_PREFIX)
                      || (n.length() > 62 && n.charAt(62) == '.' && !headerOf(n)))
          .toList();
    }
  }

  private boolean headerOf(String dataName) {
    try (Stream<Path> files = Files.walk(root)) {
      return files.anyMatch(f -> f.getFileName().toString().equals(dataName.substring(0, 62)));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private List<String> filesUnder(String digest) throws Exception {
    try (Stream<Path> files = Files.list(store.headerPath(digest).getParent())) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }

  /** Stores a version-1 object: a header file and a data file. */
  private StoredArtifact putV1(String content) {
    return Version1Objects.put(
        store, keys.provider("k1"), content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void delete_removesTheObjectsOneFile() throws Exception {
    StoredArtifact a = store.put(bytes("alpha"));
    assertThat(filesUnder(a.digest())).hasSize(1);

    assertThat(store.delete(a.digest(), Instant.now().plusSeconds(1))).isTrue();

    assertThat(filesUnder(a.digest())).isEmpty();
    assertThat(list(store)).isEmpty();
  }

  @Test
  void delete_removesTheHeaderAndItsDataFile() throws Exception {
    StoredArtifact a = putV1("alpha");
    Path data = TestKeys.dataFile(store, a.digest());
    assertThat(filesUnder(a.digest())).hasSize(2);

    assertThat(store.delete(a.digest(), Instant.now().plusSeconds(1))).isTrue();

    assertThat(data).doesNotExist();
    assertThat(filesUnder(a.digest())).isEmpty();
  }

  @Test
  void aDataFileLeftWithoutHeader_isListed_andCollectedOnceOld() throws Exception {
    StoredArtifact a = putV1("alpha");
    Path data = TestKeys.dataFile(store, a.digest());
    Files.delete(store.headerPath(a.digest())); // a writer that crashed before committing

    assertThat(store.contains(a.digest())).isFalse();
    assertThat(list(store))
        .extracting(ArtifactObject::digest, ArtifactObject::sizeBytes)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(a.digest(), Files.size(data)));
    Instant future = Instant.now().plusSeconds(60);
    assertThat(store.delete(a.digest(), future)).isFalse(); // young: a writer may still commit
    assertThat(data).exists();

    Files.setLastModifiedTime(data, twoHoursAgo);
    assertThat(store.delete(a.digest(), future)).isTrue();
    assertThat(data).doesNotExist();
    assertThat(list(store)).isEmpty();
    assertThat(store.put(bytes("alpha"))).isEqualTo(a);
    store.verify(a.digest());
  }

  @Test
  void strayDataFilesBesideAnObject_areNotListed_andGoWithIt() throws Exception {
    StoredArtifact a = putV1("alpha");
    Path data = TestKeys.dataFile(store, a.digest());
    Path stray = data.resolveSibling(a.digest().substring(2) + ".0123456789abcdef");
    Files.copy(data, stray); // a second writer of the same content that crashed
    Files.setLastModifiedTime(stray, twoHoursAgo);

    assertThat(list(store)).extracting(ArtifactObject::digest).containsExactly(a.digest());
    assertThat(store.delete(a.digest(), Instant.now().plusSeconds(1))).isTrue();
    assertThat(filesUnder(a.digest())).isEmpty();
  }

  @Test
  void aDeletionThatFindsTheObjectRenewed_keepsHeaderAndData() throws Exception {
    StoredArtifact a = store.put(bytes("alpha"));
    Instant cutoff = age(a.digest());
    List<String> before = filesUnder(a.digest());

    store.put(bytes("alpha"));

    assertThat(store.delete(a.digest(), cutoff)).isFalse();
    assertThat(filesUnder(a.digest())).isEqualTo(before);
    store.verify(a.digest());
  }
}
