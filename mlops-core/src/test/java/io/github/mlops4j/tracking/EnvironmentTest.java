package io.github.mlops4j.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class EnvironmentTest {
  private static final String A = "0123456789abcdef0123456789abcdef01234567";
  private static final String B = "89abcdef0123456789abcdef0123456789abcdef";

  @TempDir Path dir;

  @Test
  void capture_recordsJvmOsAndHost_withoutGitOutsideACheckout() {
    Map<String, String> tags = Environment.capture(dir, Map.of(), Environment.Git.DEFAULT);
    assertThat(tags)
        .containsEntry(Environment.JAVA_VERSION, System.getProperty("java.version"))
        .containsEntry(Environment.OS_ARCH, System.getProperty("os.arch"))
        .containsEntry(
            Environment.CPU_COUNT, Integer.toString(Runtime.getRuntime().availableProcessors()))
        .containsKey(Environment.HOST)
        .doesNotContainKeys(Environment.GIT_COMMIT, Environment.GIT_DIRTY);
  }

  @Test
  void headCommit_readsDetachedLooseAndPackedRefs() throws IOException {
    Path git = Files.createDirectories(dir.resolve(".git"));
    String a = A;
    String b = B;
    Files.writeString(git.resolve("HEAD"), a + "\n");
    assertThat(Environment.headCommit(git)).isEqualTo(a);
    Files.writeString(git.resolve("HEAD"), "ref: refs/heads/main\n");
    Files.writeString(
        git.resolve("packed-refs"), "# pack-refs with: peeled\n" + b + " refs/heads/main\n");
    assertThat(Environment.headCommit(git)).isEqualTo(b);
    Files.createDirectories(git.resolve("refs/heads"));
    Files.writeString(git.resolve("refs/heads/main"), a + "\n");
    assertThat(Environment.headCommit(git)).isEqualTo(a);
    assertThat(Environment.findGitDir(Files.createDirectories(dir.resolve("src/main"))))
        .isEqualTo(git);
  }

  @Test
  void headCommit_refusesRefsLeavingTheGitDirectoryAndContentThatIsNotAHash() throws IOException {
    Path git = Files.createDirectories(dir.resolve("repo/.git"));
    Files.writeString(dir.resolve("secret"), A + "\n");
    Files.writeString(git.resolve("HEAD"), "ref: refs/../../secret\n");
    assertThat(Environment.headCommit(git)).isNull();
    Files.createDirectories(git.resolve("refs/heads"));
    Files.writeString(git.resolve("HEAD"), "ref: refs/heads/main\n");
    Files.writeString(git.resolve("refs/heads/main"), "not a commit\n");
    assertThat(Environment.headCommit(git)).isNull();
    Files.writeString(git.resolve("refs/heads/main"), "ref: refs/heads/main\n");
    assertThat(Environment.headCommit(git)).as("a symbolic ref loop").isNull();
    Files.writeString(git.resolve("refs/heads/main"), A.repeat(200));
    assertThat(Environment.headCommit(git)).isNull();
  }

  /** A submodule's (or linked worktree's) .git is a file naming the git directory. */
  @Test
  void gitFile_isFollowedToTheGitDirectory_relativeOrAbsolute() throws IOException {
    Path superGit = Files.createDirectories(dir.resolve("super/.git"));
    Path module = Files.createDirectories(superGit.resolve("modules/lib"));
    Files.createDirectories(module.resolve("refs/heads"));
    Files.writeString(module.resolve("HEAD"), "ref: refs/heads/main\n");
    Files.writeString(module.resolve("refs/heads/main"), B + "\n");
    Path lib = Files.createDirectories(dir.resolve("super/lib/src"));
    Files.writeString(dir.resolve("super/lib/.git"), "gitdir: ../.git/modules/lib\n");

    Environment.Checkout c = Environment.findCheckout(lib);
    assertThat(c).isNotNull();
    assertThat(c.workTree()).isEqualTo(dir.resolve("super/lib"));
    assertThat(c.gitDir()).isEqualTo(module);
    Map<String, String> tags = Environment.capture(lib, Map.of(), unavailableGit());
    assertThat(tags).containsEntry(Environment.GIT_COMMIT, B);

    Files.writeString(dir.resolve("super/lib/.git"), "gitdir: " + module.toAbsolutePath());
    assertThat(Environment.findGitDir(lib)).isEqualTo(module);
    Files.writeString(dir.resolve("super/lib/.git"), "gitdir: ../nowhere\n");
    assertThat(Environment.findGitDir(lib)).isNull();
  }

  @Test
  void capture_recordsCommitAndDirtyFlagOfARealCheckout() throws Exception {
    assumeTrue(git("--version") == 0, "git is not installed");
    Path repo = Files.createDirectories(dir.resolve("repo"));
    Files.writeString(repo.resolve("train.py"), "v1\n");
    assertThat(git("-C", repo.toString(), "init", "-q")).isZero();
    assertThat(git("-C", repo.toString(), "add", "train.py")).isZero();
    assertThat(commit(repo, "first")).isZero();
    Map<String, String> clean = Environment.capture(repo);
    assertThat(clean.get(Environment.GIT_COMMIT)).matches("[0-9a-f]{40}");
    assertThat(clean).containsEntry(Environment.GIT_DIRTY, "false");
    Files.writeString(repo.resolve("train.py"), "v2\n");
    assertThat(Environment.capture(repo))
        .containsEntry(Environment.GIT_DIRTY, "true")
        .containsEntry(Environment.GIT_COMMIT, clean.get(Environment.GIT_COMMIT));
  }

  /**
   * A linked worktree ({@code git worktree add}) has a .git file; its branch's ref is in the main
   * repository's git directory, loose and then packed.
   */
  @Test
  void capture_recordsCommitAndDirtyFlagOfALinkedWorktree() throws Exception {
    assumeTrue(git("--version") == 0, "git is not installed");
    Path repo = Files.createDirectories(dir.resolve("repo"));
    Files.writeString(repo.resolve("train.py"), "v1\n");
    assertThat(git("-C", repo.toString(), "init", "-q")).isZero();
    assertThat(git("-C", repo.toString(), "add", "train.py")).isZero();
    assertThat(commit(repo, "first")).isZero();
    Path worktree = dir.resolve("wt");
    assertThat(
            git(
                "-C",
                repo.toString(),
                "worktree",
                "add",
                "-q",
                "-b",
                "feature",
                worktree.toString()))
        .isZero();
    Files.writeString(worktree.resolve("train.py"), "v2\n");
    assertThat(commit(worktree, "second")).isZero();
    assertThat(Files.isRegularFile(worktree.resolve(".git"))).isTrue();
    String head = output("-C", worktree.toString(), "rev-parse", "HEAD");
    String mainHead = output("-C", repo.toString(), "rev-parse", "HEAD");
    assertThat(head).isNotEqualTo(mainHead);

    Map<String, String> tags =
        Environment.capture(worktree.resolve("."), Map.of(), Environment.Git.DEFAULT);
    assertThat(tags)
        .containsEntry(Environment.GIT_COMMIT, head)
        .containsEntry(Environment.GIT_DIRTY, "false");
    Files.writeString(worktree.resolve("train.py"), "v3\n");
    assertThat(Environment.capture(worktree, Map.of(), Environment.Git.DEFAULT))
        .containsEntry(Environment.GIT_DIRTY, "true");

    assertThat(git("-C", repo.toString(), "pack-refs", "--all")).isZero();
    assertThat(Files.exists(repo.resolve(".git/refs/heads/feature"))).isFalse();
    assertThat(Environment.capture(worktree, Map.of(), unavailableGit()))
        .containsEntry(Environment.GIT_COMMIT, head);
    assertThat(Environment.capture(repo, Map.of(), unavailableGit()))
        .containsEntry(Environment.GIT_COMMIT, mainHead);
  }

  @Test
  void ciVariables_giveTheCommitWhenThereIsNoCheckout() throws IOException {
    Map<String, String> github = Map.of("GITHUB_SHA", A);
    assertThat(Environment.capture(dir, github, unavailableGit()))
        .containsEntry(Environment.GIT_COMMIT, A)
        .doesNotContainKey(Environment.GIT_DIRTY);
    // the first variable holding a commit hash wins; others are skipped
    Map<String, String> several =
        Map.of(
            "CI_COMMIT_SHA",
            "not-a-sha",
            "BUILDKITE_COMMIT",
            "HEAD",
            "GIT_COMMIT",
            B.toUpperCase(),
            "BITBUCKET_COMMIT",
            A);
    assertThat(Environment.capture(dir, several, unavailableGit()))
        .containsEntry(Environment.GIT_COMMIT, B);
    assertThat(Environment.capture(dir, Map.of("CIRCLE_SHA1", "  " + A + "\n"), unavailableGit()))
        .containsEntry(Environment.GIT_COMMIT, A);
    assertThat(Environment.capture(dir, Map.of("BUILD_SOURCEVERSION", "1234"), unavailableGit()))
        .doesNotContainKey(Environment.GIT_COMMIT);
    for (String name : Environment.CI_COMMIT_VARIABLES) {
      assertThat(Environment.ciCommit(Map.of(name, A))).as(name).isEqualTo(A);
    }

    // a checkout's own HEAD wins over the CI variable
    Path git = Files.createDirectories(dir.resolve("repo/.git"));
    Files.writeString(git.resolve("HEAD"), B + "\n");
    assertThat(Environment.capture(dir.resolve("repo"), github, unavailableGit()))
        .containsEntry(Environment.GIT_COMMIT, B);
  }

  @Test
  void dirtyFlag_comesFromGitStatusOutputAndExitCode() throws IOException {
    Path checkout = fakeCheckout();
    assertThat(Environment.capture(checkout, Map.of(), fakeGit("echo ' M train.py'; exit 0")))
        .containsEntry(Environment.GIT_COMMIT, A)
        .containsEntry(Environment.GIT_DIRTY, "true");
    assertThat(Environment.capture(checkout, Map.of(), fakeGit("exit 0")))
        .containsEntry(Environment.GIT_DIRTY, "false");
    assertThat(Environment.capture(checkout, Map.of(), fakeGit("echo oops; exit 128")))
        .containsEntry(Environment.GIT_COMMIT, A)
        .doesNotContainKey(Environment.GIT_DIRTY);
    assertThat(Environment.capture(checkout, Map.of(), unavailableGit()))
        .containsEntry(Environment.GIT_COMMIT, A)
        .doesNotContainKey(Environment.GIT_DIRTY);
  }

  /**
   * A git that does not answer (here: a script that starts a child holding its output open and
   * waits for it) is killed with its child after the timeout; the commit read from the files is
   * kept, the dirty flag is left out. The test waits until the script has started its child before
   * the timeout begins, so it does not depend on how fast the machine is.
   */
  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES) // safety net: a git that is never killed hangs
  void hangingGit_isKilledWithItsChildrenAfterTheTimeout() throws Exception {
    Path checkout = fakeCheckout();
    Path childPid = dir.resolve("child.pid");
    Path script =
        script(
            "sleep 600 &\necho $! > '"
                + childPid
                + ".tmp'\nmv '"
                + childPid
                + ".tmp' '"
                + childPid
                + "'\nwait\necho ' M never'\n");
    AtomicReference<Process> started = new AtomicReference<>();
    Environment.Git hanging =
        new Environment.Git(
            List.of(script.toString()),
            Duration.ofMillis(50),
            p -> {
              started.set(p);
              awaitFile(childPid, p);
            });

    Map<String, String> tags = Environment.capture(checkout, Map.of(), hanging);

    assertThat(tags)
        .containsEntry(Environment.GIT_COMMIT, A)
        .doesNotContainKey(Environment.GIT_DIRTY);
    Process git = started.get();
    assertThat(git).isNotNull();
    assertThat(git.waitFor(2, TimeUnit.MINUTES)).as("git was killed").isTrue();
    assertThat(git.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
    long child = Long.parseLong(Files.readString(childPid).strip());
    awaitDead(child);
  }

  // ------------------------------------------------------------------ helpers

  /** A checkout whose HEAD is commit A, made without git. */
  private Path fakeCheckout() throws IOException {
    Path checkout = Files.createDirectories(dir.resolve("checkout"));
    Path git = Files.createDirectories(checkout.resolve(".git"));
    Files.writeString(git.resolve("HEAD"), A + "\n");
    return checkout;
  }

  /** A git that does not exist: starting it fails. */
  private Environment.Git unavailableGit() {
    return new Environment.Git(
        List.of(dir.resolve("no-such-git").toString()), Duration.ofSeconds(30), p -> {});
  }

  /** A fake git running {@code body} in /bin/sh, with a generous timeout. */
  private Environment.Git fakeGit(String body) throws IOException {
    return new Environment.Git(List.of(script(body).toString()), Duration.ofMinutes(2), p -> {});
  }

  private Path script(String body) throws IOException {
    assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs /bin/sh");
    Path script = Files.createTempFile(dir, "git", ".sh");
    Files.writeString(script, "#!/bin/sh\n" + body + "\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  /** Waits (bounded, as a safety net) until the script has written {@code file}. */
  private static void awaitFile(Path file, Process p) {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (!Files.exists(file)) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("the fake git did not start its child");
      }
      Thread.onSpinWait();
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /**
   * Waits (bounded) until the process is gone or a zombie waiting for its new parent to reap it:
   * SIGKILL is delivered asynchronously.
   */
  private static void awaitDead(long pid) throws Exception {
    Path stat = Path.of("/proc/" + pid + "/stat");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    if (!Files.isDirectory(Path.of("/proc/self"))) {
      return; // no /proc to look at; the exit code of git showed the kill
    }
    while (true) {
      String state;
      try {
        String s = Files.readString(stat);
        state = s.substring(s.lastIndexOf(')') + 2, s.lastIndexOf(')') + 3);
      } catch (IOException e) {
        return; // gone
      }
      if (state.equals("Z") || state.equals("X")) {
        return;
      }
      assertThat(System.nanoTime())
          .as("child %d of the fake git still runs (state %s)", pid, state)
          .isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  private static int commit(Path repo, String message) throws Exception {
    return git(
        "-C",
        repo.toString(),
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.org",
        "commit",
        "-q",
        "-a",
        "-m",
        message);
  }

  private static int git(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor();
    } catch (IOException e) {
      return -1;
    }
  }

  private static String output(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor()).isZero();
    return out;
  }
}
