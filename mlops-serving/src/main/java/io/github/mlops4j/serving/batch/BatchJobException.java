package io.github.mlops4j.serving.batch;

import io.github.mlops4j.serving.ServingException;
import org.jspecify.annotations.Nullable;

/**
 * A batch job could not run or had to stop: a missing input file or output directory, a header
 * without the model's columns, a failed write, or a model that fails on every row. Row-level
 * problems never raise it; they go to the reject file. When the job stopped after it started
 * writing, the message says how to resume.
 *
 * @since 0.1.0
 */
public class BatchJobException extends ServingException {
  private static final long serialVersionUID = 1L;

  public BatchJobException(String message) {
    super(message);
  }

  public BatchJobException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
