package io.github.mlops4j.serving.batch;

/**
 * A checkpoint exists for the job's output but was written for another input file, model version or
 * output layout, so resuming would mix two jobs' rows. Start over with {@link
 * BatchJob.Builder#restart(boolean) restart(true)}, or delete the checkpoint file it names.
 *
 * @since 0.1.0
 */
public final class CheckpointMismatchException extends BatchJobException {
  private static final long serialVersionUID = 1L;

  public CheckpointMismatchException(String message) {
    super(message);
  }
}
