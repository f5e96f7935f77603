package io.github.mlops4j.tracking;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a run ran: Java, OS, CPU count, host, and the git commit and dirty flag of the working
 * directory when it is a git checkout. Captured once per tracker and recorded as tags on each run.
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

  private static final Logger log = LoggerFactory.getLogger(Environment.class);

  private Environment() {}

  static Map<String, String> capture(Path workingDirectory) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(JAVA_VERSION, System.getProperty("java.version", "unknown"));
    tags.put(JAVA_VENDOR, System.getProperty("java.vendor", "unknown"));
    tags.put(OS_NAME, System.getProperty("os.name", "unknown"));
    tags.put(OS_ARCH, System.getProperty("os.arch", "unknown"));
    tags.put(CPU_COUNT, Integer.toString(Runtime.getRuntime().availableProcessors()));
    tags.put(HOST, host());
    Path gitDir = findGitDir(workingDirectory.toAbsolutePath());
    if (gitDir != null) {
      String commit = headCommit(gitDir);
      if (commit != null) {
        tags.put(GIT_COMMIT, commit);
        Boolean dirty = dirty(gitDir.getParent());
        if (dirty != null) {
          tags.put(GIT_DIRTY, dirty.toString());
        }
      }
    }
    return tags;
  }

  private static String host() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env.strip();
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

  static @Nullable Path findGitDir(Path dir) {
    for (Path d = dir; d != null; d = d.getParent()) {
      Path git = d.resolve(".git");
      if (Files.isDirectory(git)) {
        return git;
      }
    }
    return null;
  }

  /** Reads HEAD without running git: a detached hash, a loose ref, or a packed ref. */
  static @Nullable String headCommit(Path gitDir) {
    try {
      String head = Files.readString(gitDir.resolve("HEAD"), StandardCharsets.UTF_8).strip();
      if (!head.startsWith("ref: ")) {
        return head.matches("[0-9a-f]{40,64}") ? head : null;
      }
      String ref = head.substring(5).strip();
      Path loose = gitDir.resolve(ref);
      if (Files.isRegularFile(loose)) {
        return Files.readString(loose, StandardCharsets.UTF_8).strip();
      }
      Path packed = gitDir.resolve("packed-refs");
      if (Files.isRegularFile(packed)) {
        for (String line : Files.readAllLines(packed, StandardCharsets.UTF_8)) {
          if (line.endsWith(" " + ref)) {
            return line.substring(0, line.indexOf(' '));
          }
        }
      }
      return null; // a branch without commits yet
    } catch (IOException e) {
      log.debug("Cannot read git HEAD in {}: {}", gitDir, e.toString());
      return null;
    }
  }

  /** Runs {@code git status} (2 s at most); null when git is not installed or does not answer. */
  private static @Nullable Boolean dirty(@Nullable Path checkout) {
    if (checkout == null) {
      return null;
    }
    Process process = null;
    try {
      process = new ProcessBuilder("git", "status", "--porcelain", "--untracked-files=no")
          .directory(checkout.toFile())
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(2, TimeUnit.SECONDS) || process.exitValue() != 0) {
        return null;
      }
      return out.length > 0;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } finally {
      if (process != null) {
        process.destroy();
      }
    }
  }
}
