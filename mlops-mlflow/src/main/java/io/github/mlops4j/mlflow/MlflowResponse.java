package io.github.mlops4j.mlflow;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The answer to an {@link MlflowRequest}: a status, a content type and a body to send once. A body
 * streamed from the artifact store must be closed by whoever sends it (the JDK adapter does).
 *
 * @since 0.1.0
 */
public final class MlflowResponse {
  private final int status;
  private final String contentType;
  private final InputStream body;
  private final long length;

  private MlflowResponse(int status, String contentType, InputStream body, long length) {
    this.status = status;
    this.contentType = contentType;
    this.body = body;
    this.length = length;
  }

  /** A JSON answer. */
  static MlflowResponse json(int status, String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    return new MlflowResponse(
        status, "application/json", new ByteArrayInputStream(bytes), bytes.length);
  }

  /** A streamed binary answer of {@code length} bytes (-1 if unknown). */
  static MlflowResponse stream(InputStream body, long length) {
    return new MlflowResponse(
        200, "application/octet-stream", Objects.requireNonNull(body, "body"), length);
  }

  /** The HTTP status code. */
  public int status() {
    return status;
  }

  /** The value of the {@code Content-Type} header. */
  public String contentType() {
    return contentType;
  }

  /** The body, to read once and close. */
  public InputStream body() {
    return body;
  }

  /** The body's length in bytes, or -1 if it is not known in advance. */
  public long length() {
    return length;
  }

  @Override
  public String toString() {
    return "MlflowResponse[" + status + ", " + contentType + ", " + length + " bytes]";
  }
}
