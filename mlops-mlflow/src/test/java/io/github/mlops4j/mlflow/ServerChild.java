package io.github.mlops4j.mlflow;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An {@link MlflowServer} in a JVM of its own, for behaviour that depends on JVM-wide state (the
 * JDK HTTP server's properties, read once per JVM; shutdown hooks). It prints the server's URL,
 * then either waits for its standard input to close ({@code serve}) or, once a line arrives, exits
 * without closing the server ({@code exit}).
 */
final class ServerChild {
  private ServerChild() {}

  public static void main(String[] args) throws IOException {
    String mode = args[0];
    MlflowServer server =
        MlflowServer.builder().workspace(Path.of(args[1])).port(0).threads(4).start();
    System.out.println(server.url());
    System.out.flush();
    InputStream in = System.in;
    if (mode.equals("exit")) {
      while (in.read() != '\n') {
        // wait for the parent's go
      }
      System.exit(0);
    }
    in.transferTo(java.io.OutputStream.nullOutputStream());
    server.close();
  }

  /** Starts a child JVM on this test class path; the caller destroys it. */
  static Process start(List<String> jvmOptions, String mode, Path workspace) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(ServerChild.class.getName());
    cmd.add(mode);
    cmd.add(workspace.toString());
    return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  /** Starts {@code java -jar jar --workspace workspace --port 0}; the caller destroys it. */
  static Process startJar(Path jar, Path workspace) throws IOException {
    List<String> cmd =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            jar.toString(),
            "--workspace",
            workspace.toString(),
            "--port",
            "0");
    return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  /** Reads the URL line the child prints once its server listens (any text before the URL). */
  static String url(Process child) throws IOException {
    StringBuilder line = new StringBuilder();
    InputStream out = child.getInputStream();
    for (int c = out.read(); c != '\n'; c = out.read()) {
      if (c < 0) {
        throw new IOException("The child JVM ended before printing its URL: " + line);
      }
      line.append((char) c);
    }
    String text = line.toString().trim();
    return text.substring(Math.max(0, text.lastIndexOf(' ') + 1));
  }

  static void stop(Process child) throws InterruptedException {
    child.destroy();
    if (!child.waitFor(30, TimeUnit.SECONDS)) {
      child.destroyForcibly();
    }
  }
}
