package io.github.mlops4j.tracking;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Who holds a run: one token per open tracker, plus the host, process id and process start time of
 * its JVM. Stored on each run it starts (tracking schema version 2) with a heartbeat time.
 *
 * <p>A run is ended by another process only when its heartbeat is older than the lease <em>and</em>
 * its process is not seen alive: when the run's host is this host and a process with that id and
 * start time is alive, the run is never touched, whatever its heartbeat says. The process check can
 * only keep a run alive, never end one, so hosts that share a name (containers) are safe.
 */
record RunOwner(String token, String host, long pid, @Nullable Long started) {
  /** The owner for a tracker opened in this JVM now. */
  static RunOwner forThisProcess() {
    ProcessHandle self = ProcessHandle.current();
    return new RunOwner(
        UUID.randomUUID().toString().replace("-", ""),
        Host.NAME,
        self.pid(),
        self.info().startInstant().map(Instant::toEpochMilli).orElse(null));
  }

  /**
   * Whether the process that held a run is visibly alive: same host name, and a live process with
   * that id whose start time matches (when both are known).
   */
  static boolean processAlive(@Nullable String host, long pid, @Nullable Long started) {
    if (host == null || !host.equals(Host.NAME)) {
      return false;
    }
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty() || !handle.get().isAlive()) {
      return false;
    }
    if (started == null) {
      return true;
    }
    Optional<Instant> start = handle.get().info().startInstant();
    return start.isEmpty() || start.get().toEpochMilli() == started;
  }

  /** The host name, read once per JVM, without a DNS lookup (see {@link #hostName}). */
  private static final class Host {
    static final String NAME = hostName(RunOwner::readFirstLine, System::getenv);
  }

  /**
   * This host's name without DNS, so that opening a tracker never waits for a resolver: the
   * kernel's name ({@code /proc/sys/kernel/hostname} on Linux, which is what {@code
   * InetAddress.getLocalHost()} starts from), else {@code COMPUTERNAME} (Windows), else {@code
   * HOSTNAME}, else {@code /etc/hostname}, else {@code "unknown"}. Every process of a host reads
   * the same name the same way; a name shared by several hosts is safe, as it can only keep a run
   * alive (a live process with the same id and start time), never end one.
   */
  static String hostName(
      java.util.function.Function<String, @Nullable String> file,
      java.util.function.Function<String, @Nullable String> env) {
    for (String candidate :
        new String[] {
          file.apply("/proc/sys/kernel/hostname"),
          env.apply("COMPUTERNAME"),
          env.apply("HOSTNAME"),
          file.apply("/etc/hostname")
        }) {
      if (candidate != null && !candidate.isBlank()) {
        return candidate.strip();
      }
    }
    return "unknown";
  }

  private static @Nullable String readFirstLine(String path) {
    try (java.io.BufferedReader r =
        java.nio.file.Files.newBufferedReader(
            java.nio.file.Path.of(path), java.nio.charset.StandardCharsets.UTF_8)) {
      return r.readLine();
    } catch (java.io.IOException | RuntimeException e) {
      return null; // not this kind of system
    }
  }
}
