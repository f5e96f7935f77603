package io.github.mlops4j.serving.batch;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What a finished {@link BatchJob} did. Row counts cover the whole output file, rows written by an
 * earlier, interrupted run included; {@code elapsed} and {@code rowsPerSecond} cover this run.
 *
 * @param rowsRead data rows read from the input (the header and blank lines not counted)
 * @param rowsScored rows written to the output
 * @param rowsRejected rows written to the reject file
 * @param elapsed wall time of this run
 * @param rowsPerSecond rows read by this run per second of {@code elapsed}
 * @param output the output file
 * @param rejects the reject file
 * @param resumedFromRow how many rows an earlier run had already done (0 for a fresh run)
 * @since 0.1.0
 */
public record BatchResult(
    long rowsRead,
    long rowsScored,
    long rowsRejected,
    Duration elapsed,
    double rowsPerSecond,
    Path output,
    Path rejects,
    long resumedFromRow) {
  public BatchResult {
    Objects.requireNonNull(elapsed, "elapsed");
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(rejects, "rejects");
  }
}
