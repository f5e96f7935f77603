package io.github.mlops4j.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.maven.plugin.MojoExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommitsTest {
  static final String A = "0123456789abcdef0123456789abcdef01234567";
  static final String B = "89abcdef0123456789abcdef0123456789abcdef";

  @TempDir Path dir;

  @Test
  void anExplicitCommitWinsAndIsLowerCased() throws Exception {
    assertThat(Commits.resolve(A.toUpperCase(), Map.of("GITHUB_SHA", B), dir, Commits.Git.DEFAULT))
        .isEqualTo(A);
  }

  @Test
  void anExplicitValueThatIsNoHashIsRefused() {
    assertThatThrownBy(() -> Commits.resolve("main", Map.of(), dir, Commits.Git.DEFAULT))
        .isInstanceOf(MojoExecutionException.class)
        .hasMessageContaining("'main' is not a full commit hash");
  }

  @Test
  void theFirstCiVariableHoldingAHashIsUsed() throws Exception {
    // Jenkins' GIT_COMMIT comes after GITHUB_SHA; a value that is no hash is skipped
    assertThat(
            Commits.resolve(
                null,
                Map.of("GITHUB_SHA", "refs/heads/main", "GIT_COMMIT", B, "CI_COMMIT_SHA", A),
                dir,
                Commits.Git.DEFAULT))
        .isEqualTo(B);
  }

  @Test
  void withoutCiVariablesGitRevParseNamesTheCheckedOutCommit() throws Exception {
    git("init", "-q");
    Files.writeString(dir.resolve("f.txt"), "x");
    git("add", "f.txt");
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "first");
    String head = output("rev-parse", "HEAD");

    String commit = Commits.resolve(null, Map.of(), dir, Commits.Git.DEFAULT);

    assertThat(commit).isEqualTo(head).hasSize(40);
  }

  @Test
  void withoutCiVariablesAndOutsideACheckoutTheMessageSaysWhatToDo() {
    assertThatThrownBy(() -> Commits.resolve(null, Map.of(), dir, Commits.Git.DEFAULT))
        .isInstanceOf(MojoExecutionException.class)
        .hasMessageContaining("Cannot tell which commit")
        .hasMessageContaining("GITHUB_SHA")
        .hasMessageContaining("-Dmlops.commit=");
  }

  @Test
  void gitNotInstalledIsTheSameClearMessage() {
    Commits.Git missing = new Commits.Git(List.of("/nonexistent/git"), Duration.ofSeconds(5));
    assertThatThrownBy(() -> Commits.resolve(null, Map.of(), dir, missing))
        .isInstanceOf(MojoExecutionException.class)
        .hasMessageContaining("git not installed");
  }

  private void git(String... args) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command(args)).directory(dir.toFile());
    pb.redirectErrorStream(true);
    Process p = pb.start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor()).isZero();
  }

  private String output(String... args) throws Exception {
    Process p = new ProcessBuilder(command(args)).directory(dir.toFile()).start();
    String out = new String(p.getInputStream().readAllBytes()).strip();
    assertThat(p.waitFor()).isZero();
    return out;
  }

  private static List<String> command(String... args) {
    List<String> c = new java.util.ArrayList<>(List.of("git"));
    c.addAll(List.of(args));
    return c;
  }
}
