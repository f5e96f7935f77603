package io.github.mlops4j.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real redis-server as a child process of the test JVM, on a free port of 127.0.0.1, with a temp
 * dir and no persistence; a JUnit extension that starts it before a test class and stops it after.
 *
 * <p>The binary is, in this order: {@code $REDIS_SERVER}; the Linux x86-64 redis-server 6.2 that
 * the Maven artifact {@code com.github.codemonstur:embedded-redis} ships (a test dependency); a
 * {@code redis-server} on the PATH (Debian: {@code apt-get install redis-server}). Without any, the
 * tests fail (never skip) with a message that says so.
 *
 * <p>Shared with other modules' tests through mlops-redis's test jar: register it in a static
 * {@code @RegisterExtension} field, hand {@link #uri()} to the code under test, and {@link #stop()}
 * then {@link #start()} it for an outage.
 */
public final class RedisServer implements BeforeAllCallback, AfterAllCallback {
  /** The resource of embedded-redis's jar with the Linux x86-64 binary. */
  private static final String BUNDLED = "redis-server-6.2.6-v5-linux-amd64";

  private static final long READY_SAFETY_NET_NANOS = TimeUnit.SECONDS.toNanos(60);

  private Path dir;
  private Path binary;
  private int port;
  private Process process;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    dir = Files.createTempDirectory("redis-test");
    binary = locate(dir);
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    stop();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** The server's port on 127.0.0.1 (the same after a restart). */
  public int port() {
    return port;
  }

  /** {@code redis://127.0.0.1:<port>}. */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** Starts the server on {@link #port()} (again, after {@link #stop()}), empty. */
  public void start() throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(
        List.of(
            "--port",
            Integer.toString(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            dir.toString(),
            "--daemonize",
            "no"));
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis.log").toFile())
            .start();
    long deadline = System.nanoTime() + READY_SAFETY_NET_NANOS;
    while (!answersPing()) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "redis-server " + binary + " exited with " + process.exitValue() + ": " + log());
      }
      if (System.nanoTime() > deadline) {
        process.destroyForcibly();
        throw new IllegalStateException("redis-server did not answer PING: " + log());
      }
      Thread.sleep(10); // polling the child's readiness, not timing anything under test
    }
  }

  /** Stops the server (SIGTERM, then SIGKILL after 10 s) and waits until it is gone. */
  public void stop() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    process = null;
  }

  private boolean answersPing() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      byte[] buf = new byte[7];
      int n = s.getInputStream().readNBytes(buf, 0, 7);
      return new String(buf, 0, n, StandardCharsets.US_ASCII).equals("+PONG\r\n");
    } catch (IOException e) {
      return false;
    }
  }

  private String log() {
    try {
      return Files.readString(dir.resolve("redis.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static Path locate(Path dir) throws IOException {
    String env = System.getenv("REDIS_SERVER");
    if (env != null && !env.isBlank()) {
      Path p = Path.of(env);
      if (!Files.isExecutable(p)) {
        throw new IllegalStateException("REDIS_SERVER=" + env + " is not an executable file");
      }
      return p;
    }
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch");
    if (os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"))) {
      try (InputStream in = RedisServer.class.getClassLoader().getResourceAsStream(BUNDLED)) {
        if (in != null) {
          Path p = dir.resolve("redis-server");
          Files.copy(in, p, StandardCopyOption.REPLACE_EXISTING);
          if (!p.toFile().setExecutable(true)) {
            throw new UncheckedIOException(new IOException("cannot make " + p + " executable"));
          }
          return p;
        }
      }
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String d : path.split(java.io.File.pathSeparator)) {
        Path p = Path.of(d, "redis-server");
        if (Files.isExecutable(p)) {
          return p;
        }
      }
    }
    throw new IllegalStateException(
        "The Redis tests need a redis-server binary and found none: not in $REDIS_SERVER, not"
            + " bundled for "
            + os
            + "/"
            + arch
            + " by com.github.codemonstur:embedded-redis, not on the PATH. Install one (Debian:"
            + " apt-get install redis-server; macOS: brew install redis) or set REDIS_SERVER to"
            + " its path.");
  }
}
