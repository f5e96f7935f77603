package io.github.mlops4j.tracking;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One page of search results.
 *
 * @param runs the runs of this page, in the query's order
 * @param nextPageToken the token for {@link RunQuery.Builder#pageToken(String)} to read the next
 *     page, or null when this is the last page
 * @since 0.1.0
 */
public record RunPage(List<RunInfo> runs, @Nullable String nextPageToken) {
  public RunPage {
    runs = List.copyOf(Objects.requireNonNull(runs, "runs"));
  }
}
