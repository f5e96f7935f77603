package io.github.mlops4j.serving.batch;

/**
 * Receives progress reports of a {@link BatchJob}: after the rows or the time set by {@link
 * BatchJob.Builder#progressEvery} and once at the end. Called on the job's writing thread, so a
 * slow listener slows the job; it should return quickly.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface BatchProgressListener {
  /** Called with the job's progress so far. */
  void onProgress(BatchProgress progress);
}
