package io.github.mlops4j.tracking;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/**
 * The page token of {@link Tracker#metricHistory(String, String, int, String)}: the cursor {@code
 * (chunk id, index of the point in the chunk)} of the next point and a hash of the run id and key,
 * so that a token of another series is refused, in URL-safe Base64 of {@code
 * h1:<chunk>:<index>:<hash>}.
 */
final class HistoryToken {
  private HistoryToken() {}

  /** The cursor of the first page: before every chunk. */
  static final long FIRST_CHUNK = Long.MIN_VALUE + 1;

  static String encode(String runId, String key, long chunkId, long index) {
    String raw = "h1:" + chunkId + ":" + index + ":" + hash(runId, key);
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The cursor {@code {chunk id, index}} a token holds; {@link #FIRST_CHUNK} for null or empty.
   *
   * @throws IllegalArgumentException if the token was not issued for this run and key
   */
  @SuppressWarnings("StringSplitter") // our own "h1:chunk:index:hash" token; the length is checked
  static long[] decode(String runId, String key, @Nullable String token) {
    if (token == null || token.isEmpty()) {
      return new long[] {FIRST_CHUNK, 0};
    }
    if (token.length() <= 200) {
      try {
        String[] parts =
            new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":");
        if (parts.length == 4 && parts[0].equals("h1") && parts[3].equals(hash(runId, key))) {
          long chunk = Long.parseLong(parts[1]);
          long index = Long.parseLong(parts[2]);
          if (chunk >= FIRST_CHUNK && index >= 0 && index < MetricWriter.MAX_CHUNK_POINTS) {
            return new long[] {chunk, index};
          }
        }
      } catch (IllegalArgumentException e) {
        // fall through to the error below
      }
    }
    throw new IllegalArgumentException(
        "Page token '"
            + Tracker.cut(token)
            + "' was not issued for the history of metric '"
            + Tracker.cut(key)
            + "' of run "
            + Tracker.cut(runId)
            + "; pass the token returned with the previous page of the same series");
  }

  private static String hash(String runId, String key) {
    return Integer.toHexString((runId + '\u0000' + key).hashCode());
  }
}
