package io.github.mlops4j.redis;

import io.github.mlops4j.features.FeatureException;
import org.jspecify.annotations.Nullable;

/**
 * A Redis online store operation failed: the server was unreachable, refused the command, did not
 * answer within the timeout, or held a record this version cannot read. {@link #server()} names the
 * server, {@link #operation()} what was attempted and {@link #view()} the feature view.
 *
 * <p>Writes are idempotent and keep the newest record, so a failed write (for example a
 * materialization) can be retried as a whole once the server is back; the store reconnects by
 * itself.
 *
 * @since 0.1.0
 */
public class RedisOnlineStoreException extends FeatureException {
  private static final long serialVersionUID = 1L;
  private final String server;
  private final String operation;
  private final int keys;

  public RedisOnlineStoreException(
      String server,
      String operation,
      @Nullable String view,
      int keys,
      String message,
      Throwable cause) {
    super(view, null, -1, message, cause);
    this.server = server;
    this.operation = operation;
    this.keys = keys;
  }

  public RedisOnlineStoreException(
      String server, String operation, @Nullable String view, int keys, String message) {
    super(view, null, -1, message);
    this.server = server;
    this.operation = operation;
    this.keys = keys;
  }

  /** The server, as {@code host:port} (no credentials). */
  public String server() {
    return server;
  }

  /** What was attempted: {@code "read"} or {@code "write"}. */
  public String operation() {
    return operation;
  }

  /** How many entity keys the failed operation involved. */
  public int keys() {
    return keys;
  }
}
