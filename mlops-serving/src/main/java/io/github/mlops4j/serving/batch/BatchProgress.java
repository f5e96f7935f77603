package io.github.mlops4j.serving.batch;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A progress report of a running {@link BatchJob}.
 *
 * @param rowsDone rows read and written so far (to the output or the reject file), rows of an
 *     earlier interrupted run included
 * @param rowsRejected rows of {@code rowsDone} that went to the reject file
 * @param rowsPerSecond rows per second of this run so far (0 before any time has passed)
 * @param elapsed time since this run started
 * @param bytesDone input bytes behind the rows done
 * @param bytesTotal the input file's size
 * @param bytesPerSecond input bytes per second of this run so far
 * @since 0.1.0
 */
public record BatchProgress(
    long rowsDone,
    long rowsRejected,
    double rowsPerSecond,
    Duration elapsed,
    long bytesDone,
    long bytesTotal,
    double bytesPerSecond) {
  public BatchProgress {
    Objects.requireNonNull(elapsed, "elapsed");
  }

  /**
   * The estimated time to finish, from the input bytes still to read and this run's byte rate;
   * empty until a rate is known.
   */
  public Optional<Duration> eta() {
    if (!(bytesPerSecond > 0) || bytesTotal < bytesDone) {
      return Optional.empty();
    }
    double seconds = (bytesTotal - bytesDone) / bytesPerSecond;
    return Optional.of(Duration.ofMillis(Math.round(seconds * 1000)));
  }

  /** The fraction of the input done, in [0, 1]. */
  public double fractionDone() {
    return bytesTotal <= 0 ? 1.0 : Math.min(1.0, (double) bytesDone / bytesTotal);
  }
}
