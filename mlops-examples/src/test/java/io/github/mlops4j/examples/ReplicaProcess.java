package io.github.mlops4j.examples;

import io.github.mlops4j.testing.TestClassPath;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A replica in a child JVM: {@code java <this JVM's flags> -cp <this JVM's class path> <main>} with
 * the {@code MLOPS_*} environment of {@link ReplicaService.Settings}. Its standard output is read
 * line by line (the control port, announcements), its standard error goes to a log file.
 */
final class ReplicaProcess implements AutoCloseable {
  /** Safety net for waits that only run out when something is broken. */
  static final long SAFETY_NANOS = TimeUnit.SECONDS.toNanos(120);

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private final String name;
  private final Process process;
  private final Path log;
  private final List<String> lines = new ArrayList<>();
  private final int port;

  /** An answer of the control channel. */
  record Answer(int status, String body) {}

  private ReplicaProcess(String name, Process process, Path log) throws Exception {
    this.name = name;
    this.process = process;
    this.log = log;
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                  }
                }
              } catch (IOException e) {
                // the process died: waiters see it through isAlive()
              } finally {
                synchronized (lines) {
                  lines.notifyAll();
                }
              }
            },
            "stdout-" + name);
    reader.setDaemon(true);
    reader.start();
    String portLine = awaitLine(l -> l.startsWith("control-port="));
    this.port = Integer.parseInt(portLine.substring("control-port=".length()));
  }

  /** Starts {@code main} in a child JVM with {@code environment} added to this one's. */
  static ReplicaProcess start(
      String name, Class<?> main, Map<String, String> environment, Path logDir) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!arg.startsWith("-agentlib:jdwp") && !arg.startsWith("-Djava.class.path")) {
        command.add(arg);
      }
    }
    command.add("-cp");
    command.add(String.join(File.pathSeparator, TestClassPath.entries()));
    command.add(main.getName());
    Path log = logDir.resolve(name + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.to(log.toFile()));
    pb.environment().putAll(environment);
    Process process = pb.start();
    // a test JVM that exits without @AfterAll (interrupted run) still takes its children along
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "kill-" + name));
    try {
      return new ReplicaProcess(name, process, log);
    } catch (Exception | Error e) {
      process.destroyForcibly(); // did not come up in time: no orphan
      throw e;
    }
  }

  String name() {
    return name;
  }

  /** Waits until the process printed a line matching {@code wanted}, and returns it. */
  String awaitLine(Predicate<String> wanted) throws InterruptedException {
    long deadline = System.nanoTime() + SAFETY_NANOS;
    synchronized (lines) {
      int seen = 0;
      while (true) {
        for (; seen < lines.size(); seen++) {
          if (wanted.test(lines.get(seen))) {
            return lines.get(seen);
          }
        }
        long left = deadline - System.nanoTime();
        if (!process.isAlive() || left <= 0) {
          throw new AssertionError(
              name
                  + (process.isAlive() ? " did not print the line in time" : " exited")
                  + "; stdout "
                  + lines
                  + "; log:\n"
                  + logTail());
        }
        TimeUnit.NANOSECONDS.timedWait(lines, Math.min(left, TimeUnit.SECONDS.toNanos(1)));
      }
    }
  }

  Answer get(String pathAndQuery) throws Exception {
    return send(HttpRequest.newBuilder(uri(pathAndQuery)).GET());
  }

  Answer post(String pathAndQuery, String body) throws Exception {
    return send(
        HttpRequest.newBuilder(uri(pathAndQuery))
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
  }

  /** Sends a request whose answer is not awaited (the process is killed before it answers). */
  void postAndForget(String pathAndQuery) {
    HTTP.sendAsync(
        HttpRequest.newBuilder(uri(pathAndQuery)).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.discarding());
  }

  private URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + port + pathAndQuery);
  }

  private Answer send(HttpRequest.Builder request) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            request.timeout(Duration.ofSeconds(60)).build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new Answer(r.statusCode(), r.body());
  }

  /** Kills the process (SIGKILL) and waits until it is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(60, TimeUnit.SECONDS);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String logTail() {
    try {
      String s = Files.readString(log, StandardCharsets.UTF_8);
      return s.length() <= 4000 ? s : s.substring(s.length() - 4000);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }
}
