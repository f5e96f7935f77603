package io.github.mlops4j.tracking;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Who holds a run: one token per open tracker, plus the host, process id and process start time
 * of its JVM. Stored on each run it starts (tracking schema version 2) with a heartbeat time.
 *
 * <p>A run is ended by another process only when its heartbeat is older than the lease <em>and</em>
 * its process is not seen alive: when the run's host is this host and a process with that id and
 * start time is alive, the run is never touched, whatever its heartbeat says. The process check
 * can only keep a run alive, never end one, so hosts that share a name (containers) are safe.
 */
record RunOwner(String token, String host, long pid, @Nullable Long started) {
  /** The owner for a tracker opened in this JVM now. */
  static RunOwner forThisProcess() {
    ProcessHandle self = ProcessHandle.current();
    return new RunOwner(UUID.randomUUID().toString().replace("-", ""), Host.NAME, self.pid(),
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

  /** The host name, looked up once per JVM (it may take a DNS round trip). */
  private static final class Host {
    static final String NAME = lookup();

    private static String lookup() {
      try {
        return InetAddress.getLocalHost().getHostName();
      } catch (Exception e) {
        String env = System.getenv("HOSTNAME");
        return env == null || env.isBlank() ? "unknown" : env;
      }
    }
  }
}
