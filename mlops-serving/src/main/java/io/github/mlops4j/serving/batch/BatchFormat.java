package io.github.mlops4j.serving.batch;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * File formats a {@link BatchJob} reads and writes.
 *
 * @since 0.1.0
 */
public enum BatchFormat {
  /**
   * Comma-separated values with a header row (RFC 4180: fields may be quoted with {@code "}, quotes
   * inside doubled, quoted fields may hold commas and line breaks), UTF-8. Extension {@code .csv}.
   */
  CSV,
  /**
   * One JSON object per line, UTF-8. Extensions {@code .jsonl}, {@code .ndjson} and {@code .json}.
   */
  JSON_LINES;

  /** The format a file name's extension stands for, if it is one of the known extensions. */
  public static Optional<BatchFormat> fromExtension(Path path) {
    Path name = path.getFileName();
    String file = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
    if (file.endsWith(".csv")) {
      return Optional.of(CSV);
    }
    if (file.endsWith(".jsonl") || file.endsWith(".ndjson") || file.endsWith(".json")) {
      return Optional.of(JSON_LINES);
    }
    return Optional.empty();
  }

  /** The usual extension, with its dot. */
  public String extension() {
    return this == CSV ? ".csv" : ".jsonl";
  }
}
