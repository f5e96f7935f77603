package io.github.mlops4j.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvironmentTest {
  @TempDir Path dir;

  @Test
  void capture_recordsJvmOsAndHost_withoutGitOutsideACheckout() {
    Map<String, String> tags = Environment.capture(dir);
    assertThat(tags).containsEntry(Environment.JAVA_VERSION, System.getProperty("java.version"))
        .containsEntry(Environment.OS_ARCH, System.getProperty("os.arch"))
        .containsEntry(Environment.CPU_COUNT,
            Integer.toString(Runtime.getRuntime().availableProcessors()))
        .containsKey(Environment.HOST)
        .doesNotContainKeys(Environment.GIT_COMMIT, Environment.GIT_DIRTY);
  }

  @Test
  void headCommit_readsDetachedLooseAndPackedRefs() throws IOException {
    Path git = Files.createDirectories(dir.resolve(".git"));
    String a = "0123456789abcdef0123456789abcdef01234567";
    String b = "89abcdef0123456789abcdef0123456789abcdef";
    Files.writeString(git.resolve("HEAD"), a + "\n");
    assertThat(Environment.headCommit(git)).isEqualTo(a);
    Files.writeString(git.resolve("HEAD"), "ref: refs/heads/main\n");
    Files.writeString(git.resolve("packed-refs"), "# pack-refs with: peeled\n" + b
        + " refs/heads/main\n");
    assertThat(Environment.headCommit(git)).isEqualTo(b);
    Files.createDirectories(git.resolve("refs/heads"));
    Files.writeString(git.resolve("refs/heads/main"), a + "\n");
    assertThat(Environment.headCommit(git)).isEqualTo(a);
    assertThat(Environment.findGitDir(Files.createDirectories(dir.resolve("src/main"))))
        .isEqualTo(git);
  }

  @Test
  void capture_recordsCommitAndDirtyFlagOfARealCheckout() throws Exception {
    assumeTrue(git("--version") == 0, "git is not installed");
    Path repo = Files.createDirectories(dir.resolve("repo"));
    Files.writeString(repo.resolve("train.py"), "v1\n");
    assertThat(git("-C", repo.toString(), "init", "-q")).isZero();
    assertThat(git("-C", repo.toString(), "add", "train.py")).isZero();
    assertThat(git("-C", repo.toString(), "-c", "user.name=t", "-c", "user.email=t@example.org",
        "commit", "-q", "-m", "first")).isZero();
    Map<String, String> clean = Environment.capture(repo);
    assertThat(clean.get(Environment.GIT_COMMIT)).matches("[0-9a-f]{40}");
    assertThat(clean).containsEntry(Environment.GIT_DIRTY, "false");
    Files.writeString(repo.resolve("train.py"), "v2\n");
    assertThat(Environment.capture(repo)).containsEntry(Environment.GIT_DIRTY, "true")
        .containsEntry(Environment.GIT_COMMIT, clean.get(Environment.GIT_COMMIT));
  }

  private static int git(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor();
    } catch (IOException e) {
      return -1;
    }
  }
}
