package io.github.mlops4j.tracking;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.artifacts.SymlinkPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Symbolic links in a directory logged as artifacts, with real links on the file system. */
@EnabledOnOs({OS.LINUX, OS.MAC})
class RunArtifactLinksTest {
  private static final String SECRET = "root:x:0:0:root:/root:/bin/bash\n";

  @TempDir Path temp;
  private Tracker tracker;
  private Run run;
  private Path tree;
  private Path secret;

  @BeforeEach
  void open() throws IOException {
    tracker = Tracker.builder().workspace(temp.resolve("ws")).captureEnvironment(false).build();
    run = tracker.startRun("links");
    tree = Files.createDirectories(temp.resolve("model"));
    Files.writeString(tree.resolve("weights.bin"), "weights");
    secret =
        Files.writeString(Files.createDirectories(temp.resolve("etc")).resolve("passwd"), SECRET);
  }

  @AfterEach
  void close() {
    tracker.close(Duration.ofSeconds(30));
  }

  @Test
  void absoluteLinkToAFileOutside_isRefusedByDefault_andNothingIsStored() throws IOException {
    Path link = Files.createSymbolicLink(tree.resolve("config"), secret.toAbsolutePath());

    assertRefused(link, "outside");
  }

  @Test
  void relativeLinkToAFileOutside_isRefused() throws IOException {
    Files.createDirectories(tree.resolve("sub"));
    Path link = Files.createSymbolicLink(tree.resolve("sub/passwd"), Path.of("../../etc/passwd"));

    assertRefused(link, "outside");
  }

  @Test
  void linkToADirectoryOutside_isRefused() throws IOException {
    Path link = Files.createSymbolicLink(tree.resolve("etc"), secret.getParent());

    assertRefused(link, "outside");
  }

  @Test
  void linkChainThatEndsOutside_isRefused() throws IOException {
    Files.createSymbolicLink(tree.resolve("b"), Path.of("../etc/passwd"));
    Path first = Files.createSymbolicLink(tree.resolve("a"), Path.of("b"));

    assertThatThrownBy(() -> run.logArtifact(tree))
        .isInstanceOf(TrackingException.class)
        .hasMessageContaining("outside")
        .hasMessageContaining(secret.toRealPath().toString())
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .containsAnyOf(first.toString(), tree.toRealPath().resolve("b").toString()));
    assertNothingStored();
  }

  @Test
  void linkToTheSystemPasswordFile_isRefused() throws IOException {
    Path passwd = Path.of("/etc/passwd");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(passwd));
    Path link = Files.createSymbolicLink(tree.resolve("users"), passwd);

    assertRefused(link, "outside");
  }

  @Test
  void linkThatIsFollowedExplicitly_storesTheTargetUnderTheLinksPath() throws IOException {
    Files.createSymbolicLink(tree.resolve("config"), secret.toAbsolutePath());

    List<ArtifactInfo> stored = run.logArtifact(tree, "model", SymlinkPolicy.FOLLOW_FILES_OUTSIDE);

    assertThat(stored)
        .extracting(ArtifactInfo::path)
        .containsExactly("model/config", "model/weights.bin");
    try (InputStream in = tracker.openArtifact(run.id(), "model/config")) {
      assertThat(new String(in.readAllBytes(), UTF_8)).isEqualTo(SECRET);
    }
  }

  @Test
  void explicitFollowing_stillRefusesLinksToDirectoriesAndDanglingLinks() throws IOException {
    Path dirLink = Files.createSymbolicLink(tree.resolve("etc"), secret.getParent());
    assertThatThrownBy(() -> run.logArtifact(tree, "m", SymlinkPolicy.FOLLOW_FILES_OUTSIDE))
        .isInstanceOf(TrackingException.class)
        .hasMessageContaining(dirLink.getFileName().toString())
        .hasMessageContaining("directory");
    Files.delete(dirLink);
    Path dangling = Files.createSymbolicLink(tree.resolve("gone"), Path.of("nowhere"));
    assertThatThrownBy(() -> run.logArtifact(tree, "m", SymlinkPolicy.FOLLOW_FILES_OUTSIDE))
        .isInstanceOf(TrackingException.class)
        .hasMessageContaining(dangling.getFileName().toString())
        .hasMessageContaining("dangling");
    assertNothingStored();
  }

  @Test
  void linkToAFileInsideTheTree_isStoredUnderItsOwnPathWithTheTargetsContent() throws IOException {
    Files.createDirectories(tree.resolve("v1"));
    Files.writeString(tree.resolve("v1/weights.bin"), "v1 weights");
    Files.createSymbolicLink(tree.resolve("current"), Path.of("v1/weights.bin"));
    Files.createSymbolicLink(tree.resolve("latest"), Path.of("current")); // a chain, inside

    List<ArtifactInfo> stored = run.logArtifact(tree);

    assertThat(stored)
        .extracting(ArtifactInfo::path)
        .containsExactlyInAnyOrder(
            "model/current", "model/latest", "model/v1/weights.bin", "model/weights.bin");
    for (String path : List.of("model/current", "model/latest")) {
      try (InputStream in = tracker.openArtifact(run.id(), path)) {
        assertThat(new String(in.readAllBytes(), UTF_8)).isEqualTo("v1 weights");
      }
    }
  }

  @Test
  void linkToADirectoryInsideTheTree_isRefused() throws IOException {
    Files.createDirectories(tree.resolve("v1"));
    Path link = Files.createSymbolicLink(tree.resolve("current"), Path.of("v1"));

    assertRefused(link, "directory");
  }

  @Test
  void theDirectoryPassedIn_mayItselfBeALink() throws IOException {
    Path alias = Files.createSymbolicLink(temp.resolve("model-link"), tree);

    List<ArtifactInfo> stored = run.logArtifact(alias, "m");

    assertThat(stored).extracting(ArtifactInfo::path).containsExactly("m/weights.bin");
  }

  private void assertRefused(Path link, String why) {
    assertThatThrownBy(() -> run.logArtifact(tree))
        .isInstanceOf(TrackingException.class)
        .hasMessageContaining(link.getFileName().toString())
        .hasMessageContaining(why)
        .satisfies(e -> assertThat(((TrackingException) e).runId()).isEqualTo(run.id()));
    assertNothingStored();
  }

  /** No artifact row for the run and no object holding the secret's bytes. */
  private void assertNothingStored() {
    assertThat(tracker.findRun(run.id()).orElseThrow().artifacts()).isEmpty();
    try (Stream<Path> files = Files.walk(temp.resolve("ws").resolve("artifacts"))) {
      assertThat(files.filter(Files::isRegularFile).map(RunArtifactLinksTest::read))
          .doesNotContain(SECRET);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
