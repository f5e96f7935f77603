package io.github.mlops4j.tracking;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a run ran: Java, OS, CPU count, host, and the git commit and dirty flag of the working
 * directory when it is a git checkout. Captured once per tracker and recorded as tags on each run.
 *
 * <p>The commit is read from the repository's files, without running git: {@code .git} may be a
 * directory or, in a linked worktree or a submodule, a file saying {@code gitdir: <path>}; refs are
 * looked up in the worktree's git directory, then in the common one ({@code commondir}), loose then
 * packed. Outside a checkout (or when HEAD cannot be read) the commit comes from the first CI
 * variable set to a commit hash ({@link #CI_COMMIT_VARIABLES}, e.g. {@code GITHUB_SHA}). The dirty
 * flag needs {@code git status}, which runs for at most {@link Git#DEFAULT 2 s}: its output goes to
 * a file, and when it does not finish in time the process and its descendants are killed and the
 * flag is left out.
 */
final class Environment {
  static final String JAVA_VERSION = "mlops.java.version";
  static final String JAVA_VENDOR = "mlops.java.vendor";
  static final String OS_NAME = "mlops.os.name";
  static final String OS_ARCH = "mlops.os.arch";
  static final String CPU_COUNT = "mlops.cpu.count";
  static final String HOST = "mlops.host";
  static final String GIT_COMMIT = "mlops.git.commit";
  static final String GIT_DIRTY = "mlops.git.dirty";

  /**
   * Environment variables that CI systems set to the commit being built, in the order they are
   * tried: GitHub Actions, GitLab CI (and Woodpecker), Buildkite, CircleCI, Jenkins, Bitbucket
   * Pipelines, Travis CI, Azure Pipelines, AWS CodeBuild, Drone, TeamCity, Semaphore, AppVeyor.
   * Only a value that is a full commit hash (40 or 64 hex digits) is used.
   */
  static final List<String> CI_COMMIT_VARIABLES =
      List.of(
          "GITHUB_SHA",
          "CI_COMMIT_SHA",
          "BUILDKITE_COMMIT",
          "CIRCLE_SHA1",
          "GIT_COMMIT",
          "BITBUCKET_COMMIT",
          "TRAVIS_COMMIT",
          "BUILD_SOURCEVERSION",
          "CODEBUILD_RESOLVED_SOURCE_VERSION",
          "DRONE_COMMIT_SHA",
          "BUILD_VCS_NUMBER",
          "SEMAPHORE_GIT_SHA",
          "APPVEYOR_REPO_COMMIT");

  private static final Logger LOG = LoggerFactory.getLogger(Environment.class);
  private static final Pattern HASH = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

  /** A ref name as git writes it in HEAD; no {@code ..}, so it stays inside the git directory. */
  private static final Pattern REF = Pattern.compile("refs/[A-Za-z0-9._/+-]{1,240}");

  /** Larger HEAD, ref, .git and commondir files are not git's. */
  private static final int SMALL_FILE = 4_096;

  /** Symbolic refs followed at most (git itself stops at 5). */
  private static final int MAX_SYMREF_DEPTH = 5;

  private Environment() {}

  /**
   * How {@code git status} is run: the command before its arguments, the time it may take, and an
   * observer of the started process (for tests).
   */
  record Git(List<String> command, Duration timeout, Consumer<Process> onStart) {
    static final Git DEFAULT = new Git(List.of("git"), Duration.ofSeconds(2), p -> {});

    Git {
      command = List.copyOf(command);
      Objects.requireNonNull(timeout, "timeout");
      Objects.requireNonNull(onStart, "onStart");
    }
  }

  /** A git checkout: its work tree and its git directory. */
  record Checkout(Path workTree, Path gitDir) {}

  static Map<String, String> capture(Path workingDirectory) {
    return capture(workingDirectory, System.getenv(), Git.DEFAULT);
  }

  static Map<String, String> capture(Path workingDirectory, Map<String, String> env, Git git) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(JAVA_VERSION, System.getProperty("java.version", "unknown"));
    tags.put(JAVA_VENDOR, System.getProperty("java.vendor", "unknown"));
    tags.put(OS_NAME, System.getProperty("os.name", "unknown"));
    tags.put(OS_ARCH, System.getProperty("os.arch", "unknown"));
    tags.put(CPU_COUNT, Integer.toString(Runtime.getRuntime().availableProcessors()));
    tags.put(HOST, host(env));
    Checkout checkout = findCheckout(workingDirectory.toAbsolutePath());
    String commit = checkout == null ? null : headCommit(checkout.gitDir());
    if (checkout != null && commit != null) {
      tags.put(GIT_COMMIT, commit);
      Boolean dirty = dirty(checkout.workTree(), git);
      if (dirty != null) {
        tags.put(GIT_DIRTY, dirty.toString());
      }
    } else {
      String ci = ciCommit(env);
      if (ci != null) {
        tags.put(GIT_COMMIT, ci);
      }
    }
    return tags;
  }

  private static String host(Map<String, String> env) {
    String name = env.get("HOSTNAME");
    if (name != null && !name.isBlank()) {
      return name.strip();
    }
    try {
      return Files.readString(Path.of("/etc/hostname"), StandardCharsets.UTF_8).strip();
    } catch (IOException | RuntimeException e) {
      try {
        return java.net.InetAddress.getLocalHost().getHostName();
      } catch (IOException e2) {
        return "unknown";
      }
    }
  }

  /** The commit of the first CI variable holding one, lower-cased; null when none does. */
  static @Nullable String ciCommit(Map<String, String> env) {
    for (String name : CI_COMMIT_VARIABLES) {
      String value = env.get(name);
      if (value != null) {
        String hash = value.strip().toLowerCase(java.util.Locale.ROOT);
        if (HASH.matcher(hash).matches()) {
          return hash;
        }
      }
    }
    return null;
  }

  /** The git directory of the checkout holding {@code dir}, following a {@code .git} file. */
  static @Nullable Path findGitDir(Path dir) {
    Checkout c = findCheckout(dir);
    return c == null ? null : c.gitDir();
  }

  /**
   * The nearest directory at or above {@code dir} with a {@code .git} directory, or a {@code .git}
   * file pointing to one ({@code gitdir: <path>}, relative to the file's directory or absolute).
   */
  static @Nullable Checkout findCheckout(Path dir) {
    for (Path d = dir; d != null; d = d.getParent()) {
      Path git = d.resolve(".git");
      if (Files.isDirectory(git)) {
        return new Checkout(d, git);
      }
      if (Files.isRegularFile(git)) {
        Path linked = gitdirOf(git);
        return linked == null ? null : new Checkout(d, linked);
      }
    }
    return null;
  }

  private static @Nullable Path gitdirOf(Path gitFile) {
    String text = readSmall(gitFile);
    if (text == null || !text.startsWith("gitdir:")) {
      return null;
    }
    try {
      Path target = gitFile.resolveSibling(text.substring("gitdir:".length()).strip()).normalize();
      return Files.isDirectory(target) ? target : null;
    } catch (InvalidPathException e) {
      return null;
    }
  }

  /**
   * Reads HEAD without running git: a detached hash, or a ref looked up loose in the git directory,
   * then loose and packed in the common directory of a linked worktree ({@code commondir}).
   */
  static @Nullable String headCommit(Path gitDir) {
    Path common = commonDir(gitDir);
    String head = readSmall(gitDir.resolve("HEAD"));
    for (int depth = 0; head != null && depth <= MAX_SYMREF_DEPTH; depth++) {
      if (HASH.matcher(head).matches()) {
        return head;
      }
      if (!head.startsWith("ref:")) {
        return null;
      }
      String ref = head.substring(4).strip();
      if (!REF.matcher(ref).matches() || ref.contains("..")) {
        LOG.debug("Ignoring git ref '{}' in {}", ref, gitDir);
        return null;
      }
      Path loose = gitDir.resolve(ref);
      if (!Files.isRegularFile(loose)) {
        loose = common.resolve(ref);
      }
      head = Files.isRegularFile(loose) ? readSmall(loose) : packedRef(common, ref);
    }
    return null; // a branch without commits yet, or something that is not git's
  }

  /**
   * The directory {@code commondir} names (a linked worktree's main git directory), else itself.
   */
  private static Path commonDir(Path gitDir) {
    String common = readSmall(gitDir.resolve("commondir"));
    if (common == null || common.isEmpty()) {
      return gitDir;
    }
    try {
      Path p = gitDir.resolve(common).normalize();
      return Files.isDirectory(p) ? p : gitDir;
    } catch (InvalidPathException e) {
      return gitDir;
    }
  }

  private static @Nullable String packedRef(Path common, String ref) {
    Path packed = common.resolve("packed-refs");
    if (!Files.isRegularFile(packed)) {
      return null;
    }
    try (BufferedReader r = Files.newBufferedReader(packed, StandardCharsets.UTF_8)) {
      String suffix = " " + ref;
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.endsWith(suffix)) {
          return line.substring(0, line.length() - suffix.length()); // checked by the caller
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("Cannot read {}: {}", packed, e.toString());
    }
    return null;
  }

  /** The stripped text of a file of at most {@link #SMALL_FILE} bytes; null otherwise. */
  private static @Nullable String readSmall(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(SMALL_FILE + 1);
      if (bytes.length > SMALL_FILE) {
        return null;
      }
      return new String(bytes, StandardCharsets.UTF_8).strip();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Runs {@code git status} in the work tree for at most {@code git.timeout()}; null when git is
   * not installed, fails or does not answer in time (then it is killed with its descendants).
   */
  static @Nullable Boolean dirty(Path workTree, Git git) {
    Path out = null;
    Process process = null;
    try {
      out = Files.createTempFile("mlops-git-status", ".txt");
      List<String> command = new java.util.ArrayList<>(git.command());
      command.addAll(
          List.of("--no-optional-locks", "status", "--porcelain", "--untracked-files=no"));
      process =
          new ProcessBuilder(command)
              .directory(workTree.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
              .redirectOutput(out.toFile())
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      git.onStart().accept(process);
      if (!process.waitFor(git.timeout().toNanos(), TimeUnit.NANOSECONDS)) {
        LOG.debug("git status in {} took longer than {}; killed", workTree, git.timeout());
        return null;
      }
      if (process.exitValue() != 0) {
        return null;
      }
      return Files.size(out) > 0;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } finally {
      if (process != null) {
        killTree(process);
      }
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException e) {
          LOG.debug("Cannot delete {}: {}", out, e.toString());
        }
      }
    }
  }

  /** Kills the process and every descendant still running, and reaps the process. */
  private static void killTree(Process process) {
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroyForcibly();
    for (ProcessHandle h : descendants) {
      h.destroyForcibly();
    }
    boolean interrupted = Thread.interrupted();
    try {
      process.waitFor(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      interrupted = true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static java.io.File nullDevice() {
    return new java.io.File(
        System.getProperty("os.name", "").startsWith("Windows") ? "NUL" : "/dev/null");
  }
}
