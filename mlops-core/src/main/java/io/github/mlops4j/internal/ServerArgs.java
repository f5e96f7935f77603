package io.github.mlops4j.internal;

import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The command line of the standalone servers ({@code --workspace DIR}, {@code --host H}, {@code
 * --port P}) and the bearer token from an environment variable. Not API.
 *
 * @param workspace the workspace directory (required)
 * @param host the address to bind, or null for the server's default
 * @param port the port, or null for the server's default
 * @param token the bearer token, or null when the variable is unset or empty
 */
public record ServerArgs(
    Path workspace, @Nullable String host, @Nullable Integer port, @Nullable String token) {

  /**
   * Reads {@code args} and the token variable {@code tokenEnv}.
   *
   * @throws IllegalArgumentException naming an unknown option (cut to 100 characters), an option
   *     without its value, a port that is not a number, or a missing {@code --workspace}
   */
  public static ServerArgs parse(String[] args, String tokenEnv) {
    Path workspace = null;
    String host = null;
    Integer port = null;
    for (int i = 0; i < args.length; i += 2) {
      String option = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(cut(option) + " needs a value");
      }
      String value = args[i + 1];
      switch (option) {
        case "--workspace" -> workspace = Path.of(value);
        case "--host" -> host = value;
        case "--port" -> port = port(value);
        default ->
            throw new IllegalArgumentException(
                "Unknown option '" + cut(option) + "'; use --workspace, --host, --port");
      }
    }
    if (workspace == null) {
      throw new IllegalArgumentException("--workspace DIR is required");
    }
    String token = System.getenv(tokenEnv);
    return new ServerArgs(workspace, host, port, token == null || token.isEmpty() ? null : token);
  }

  /** Passes each setting that was given to its setter; the workspace is the caller's. */
  public void apply(Consumer<String> host, IntConsumer port, Consumer<String> token) {
    String h = host();
    Integer p = port();
    String t = token();
    if (h != null) {
      host.accept(h);
    }
    if (p != null) {
      port.accept(p);
    }
    if (t != null) {
      token.accept(t);
    }
  }

  private static int port(String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--port needs a number, not '" + cut(value) + "'", e);
    }
  }

  private static String cut(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "… (" + s.length() + " characters)";
  }
}
