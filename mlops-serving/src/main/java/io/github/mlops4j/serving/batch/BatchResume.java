package io.github.mlops4j.serving.batch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resume side of a {@link BatchJob}: whether a run starts over or goes on from the job's {@link
 * Checkpoint}, and what a failure message tells the user about resuming. The checkpoint is written
 * by {@link BatchPipeline}; the partial files are cut back to the lengths it records when the
 * pipeline opens them.
 */
final class BatchResume {
  private static final Logger LOG = LoggerFactory.getLogger(BatchJob.class);

  private BatchResume() {}

  /**
   * The checkpoint to resume from, or {@code fresh} to start over: {@code fresh} when there is no
   * checkpoint, and after deleting it when {@code restart}.
   *
   * @param fresh the job's identity (input, model version, layout) at row 0
   * @throws CheckpointMismatchException if the checkpoint is of another input, model version or
   *     output layout
   * @throws BatchJobException if a partial file is shorter than the checkpoint records
   */
  static Checkpoint state(
      Checkpoint fresh, Path cpFile, Path partialOutput, Path partialRejects, boolean restart) {
    if (restart) {
      deleteQuietly(cpFile);
      return fresh;
    }
    Optional<Checkpoint> existing = Checkpoint.read(cpFile);
    if (existing.isEmpty()) {
      return fresh;
    }
    Checkpoint cp = existing.get();
    List<String> diffs = cp.differences(fresh);
    if (!diffs.isEmpty()) {
      throw new CheckpointMismatchException(
          "Checkpoint "
              + cpFile
              + " belongs to another job: "
              + String.join("; ", diffs)
              + ". Run with restart(true) to start over, or delete the"
              + " checkpoint");
    }
    checkPartial(partialOutput, cp.outputBytes(), cpFile);
    checkPartial(partialRejects, cp.rejectsBytes(), cpFile);
    return cp;
  }

  private static void checkPartial(Path partial, long bytes, Path cpFile) {
    long size;
    try {
      size = Files.exists(partial) ? Files.size(partial) : -1;
    } catch (IOException e) {
      throw new BatchJobException("Cannot read " + partial + ": " + e.getMessage(), e);
    }
    if (size < bytes) {
      throw new BatchJobException(
          "Checkpoint "
              + cpFile
              + " records "
              + bytes
              + " bytes of "
              + partial
              + " but the file "
              + (size < 0 ? "is missing" : "has only " + size)
              + "; it cannot be resumed. Run with restart(true) to start over");
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      LOG.warn("Cannot delete {}: {}", p, e.toString());
    }
  }

  /** The end of a failure message: that the job can be resumed, when its checkpoint exists. */
  static String hint(Path checkpoint) {
    return Files.exists(checkpoint)
        ? ". Its checkpoint " + checkpoint + " is kept: run the job again to resume"
        : "";
  }
}
