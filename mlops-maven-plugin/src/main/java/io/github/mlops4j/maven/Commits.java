package io.github.mlops4j.maven;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.maven.plugin.MojoExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * The commit a build was made from: an explicit value, else the first CI variable holding a full
 * commit hash, else {@code git rev-parse --verify HEAD} in the project directory.
 */
final class Commits {
  /**
   * Variables CI systems set to the commit being built, in the order they are tried: GitHub
   * Actions, Jenkins (git plugin), GitLab CI, Buildkite, CircleCI, Bitbucket Pipelines, Travis CI,
   * Azure Pipelines, AWS CodeBuild, Drone, TeamCity, Semaphore, AppVeyor.
   */
  static final List<String> CI_VARIABLES =
      List.of(
          "GITHUB_SHA",
          "GIT_COMMIT",
          "CI_COMMIT_SHA",
          "BUILDKITE_COMMIT",
          "CIRCLE_SHA1",
          "BITBUCKET_COMMIT",
          "TRAVIS_COMMIT",
          "BUILD_SOURCEVERSION",
          "CODEBUILD_RESOLVED_SOURCE_VERSION",
          "DRONE_COMMIT_SHA",
          "BUILD_VCS_NUMBER",
          "SEMAPHORE_GIT_SHA",
          "APPVEYOR_REPO_COMMIT");

  private static final Pattern HASH = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

  /** How git is run: the command before its arguments and the time it may take. */
  record Git(List<String> command, Duration timeout) {
    static final Git DEFAULT = new Git(List.of("git"), Duration.ofSeconds(30));

    Git {
      command = List.copyOf(command);
    }
  }

  private Commits() {}

  /**
   * The commit hash (lower case).
   *
   * @throws MojoExecutionException if an explicit value is not a commit hash, or no commit can be
   *     found, with what to do
   */
  static String resolve(@Nullable String explicit, Map<String, String> env, Path dir, Git git)
      throws MojoExecutionException {
    if (explicit != null && !explicit.isBlank()) {
      String hash = explicit.strip().toLowerCase(Locale.ROOT);
      if (!HASH.matcher(hash).matches()) {
        throw new MojoExecutionException(
            "mlops.commit '"
                + Text.clip(explicit)
                + "' is not a full commit hash (40 or 64 hex digits)");
      }
      return hash;
    }
    for (String name : CI_VARIABLES) {
      String value = env.get(name);
      if (value != null) {
        String hash = value.strip().toLowerCase(Locale.ROOT);
        if (HASH.matcher(hash).matches()) {
          return hash;
        }
      }
    }
    String fromGit = revParse(dir, git);
    if (fromGit != null) {
      return fromGit;
    }
    throw new MojoExecutionException(
        "Cannot tell which commit "
            + dir
            + " was built from: no CI variable holds a commit hash (GITHUB_SHA, GIT_COMMIT,"
            + " CI_COMMIT_SHA, ...) and 'git rev-parse HEAD' found none (not a git checkout, no"
            + " commit yet, git not installed, or git refusing a checkout owned by another user:"
            + " see git's safe.directory). Set -Dmlops.commit=<full hash>, or build from a git"
            + " checkout.");
  }

  /** {@code git rev-parse --verify HEAD} in {@code dir}; null when it fails or takes too long. */
  static @Nullable String revParse(Path dir, Git git) throws MojoExecutionException {
    List<String> command = new ArrayList<>(git.command());
    command.addAll(List.of("rev-parse", "--verify", "--quiet", "HEAD"));
    Path out = null;
    Process p = null;
    try {
      out = Files.createTempFile("mlops-rev-parse", ".txt");
      p =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectInput(ProcessBuilder.Redirect.PIPE)
              .redirectOutput(out.toFile())
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      p.getOutputStream().close();
      if (!p.waitFor(git.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
        throw new MojoExecutionException(
            "git rev-parse HEAD did not answer within "
                + git.timeout()
                + " in "
                + dir
                + "; set -Dmlops.commit=<full hash>");
      }
      if (p.exitValue() != 0) {
        return null;
      }
      String hash = Files.readString(out, StandardCharsets.UTF_8).strip();
      return HASH.matcher(hash).matches() ? hash : null;
    } catch (IOException e) {
      return null; // git not installed, or the directory is gone
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MojoExecutionException("Interrupted while running git rev-parse", e);
    } finally {
      if (p != null && p.isAlive()) {
        p.destroyForcibly();
      }
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException e) {
          // a temporary file left behind is harmless
        }
      }
    }
  }
}
