package io.github.mlops4j.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Objects written by the version-1 writer of an earlier release, committed as bytes under {@code
 * encrypted-v1/} (made with {@code EncryptedArtifactStore} before format version 2, segment size 4
 * KiB, key {@code old-key} of the committed PKCS12 keystore; {@code objects.txt} lists each
 * object's size and digest, its content being {@code new Random(size).nextBytes}). Unlike the tests
 * that write version-1 objects with this release's code, these bytes cannot follow a change of the
 * format's rules: they fail if version-1 objects on users' disks would stop reading.
 */
class EncryptedVersion1FixtureTest {
  private static final char[] PASSWORD = "fixture-password".toCharArray();

  @TempDir Path temp;

  private final List<String> digests = new ArrayList<>();
  private final List<byte[]> contents = new ArrayList<>();

  @BeforeEach
  void copyFixture() throws IOException, URISyntaxException {
    Path source =
        Path.of(Objects.requireNonNull(getClass().getResource("/encrypted-v1/objects.txt")).toURI())
            .getParent();
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Path target = temp.resolve(source.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    for (String line : Files.readAllLines(temp.resolve("objects.txt"))) {
      String[] parts = line.split(" ");
      byte[] content = new byte[Integer.parseInt(parts[0])];
      new Random(content.length).nextBytes(content);
      contents.add(content);
      digests.add(parts[1]);
    }
  }

  private EncryptedArtifactStore store(String currentKey) {
    return EncryptedArtifactStore.builder()
        .root(temp.resolve("store"))
        .keyProvider(
            KeyStoreKeyProvider.builder()
                .keyStore(temp.resolve("keys.p12"))
                .password(PASSWORD)
                .currentKeyId(currentKey)
                .build())
        .build();
  }

  private static byte[] read(EncryptedArtifactStore store, String digest) {
    try (InputStream in = store.open(digest)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void objectsOfAnEarlierReleaseReadVerifyAndList() {
    try (EncryptedArtifactStore store = store("old-key")) {
      for (int i = 0; i < digests.size(); i++) {
        String digest = digests.get(i);
        assertThat(store.contains(digest)).isTrue();
        store.verify(digest);
        assertThat(read(store, digest)).isEqualTo(contents.get(i));
        assertThat(store.keyIdOf(digest)).isEqualTo("old-key");
      }
      try (Stream<ArtifactObject> listed = store.list()) {
        assertThat(listed.map(ArtifactObject::digest)).containsExactlyInAnyOrderElementsOf(digests);
      }
    }
  }

  @Test
  void aPutOfTheSameContentKeepsTheEarlierObject() throws IOException {
    try (EncryptedArtifactStore store = store("new-key")) {
      byte[] content = contents.get(digests.size() - 1);
      String digest = digests.get(digests.size() - 1);
      assertThat(store.put(new java.io.ByteArrayInputStream(content)).digest()).isEqualTo(digest);
      assertThat(store.keyIdOf(digest)).isEqualTo("old-key");
      try (Stream<Path> files = Files.list(store.headerPath(digest).getParent())) {
        assertThat(files.count()).isEqualTo(2); // the header file and its data file, nothing new
      }
    }
  }

  @Test
  void rewrapMovesThemToTheNewKeyAndTheyStillRead() {
    try (EncryptedArtifactStore store = store("new-key")) {
      assertThat(store.rewrap()).isEqualTo(digests.size());
      for (int i = 0; i < digests.size(); i++) {
        assertThat(store.keyIdOf(digests.get(i))).isEqualTo("new-key");
        assertThat(read(store, digests.get(i))).isEqualTo(contents.get(i));
      }
      assertThat(store.rewrap()).isZero();
    }
  }
}
