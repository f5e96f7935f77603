package io.github.mlops4j.console;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One answer of the console, for a host that adapts it to its own HTTP server (a servlet, a
 * framework's handler): the status, the headers to send (content type and security headers
 * included) and the body.
 *
 * @since 0.1.0
 */
public final class ConsoleResponse {
  private final int status;
  private final Map<String, String> headers;
  private final long length;
  private final Supplier<InputStream> body;

  ConsoleResponse(
      int status, Map<String, String> headers, long length, Supplier<InputStream> body) {
    this.status = status;
    this.headers = Map.copyOf(headers);
    this.length = length;
    this.body = Objects.requireNonNull(body, "body");
  }

  static ConsoleResponse of(int status, Map<String, String> headers, byte[] body) {
    return new ConsoleResponse(status, headers, body.length, () -> new ByteArrayInputStream(body));
  }

  /** The HTTP status code. */
  public int status() {
    return status;
  }

  /** The response headers, each with one value. */
  public Map<String, String> headers() {
    return headers;
  }

  /** The body's length in bytes, or -1 when it is streamed and its length is not known. */
  public long length() {
    return length;
  }

  /**
   * Writes the body. An artifact's body is read from the artifact store as it is written, and its
   * digest is checked at the end: a changed file fails with an exception after part of it is sent.
   */
  public void writeTo(OutputStream out) {
    try (InputStream in = body.get()) {
      in.transferTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
