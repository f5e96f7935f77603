package io.github.mlops4j.serving.batch;

import org.jspecify.annotations.Nullable;

/**
 * The formatted rows of one chunk and its counts.
 *
 * @param seq the chunk's position in the input
 * @param output output row bytes
 * @param rejects reject row bytes
 * @param rowsRead records in the chunk
 * @param rowsScored rows written to the output
 * @param rowsRejected rows written to the reject file
 * @param modelErrors rejected rows whose prediction failed in the model or service (not in the
 *     input)
 * @param leadingModelErrors model errors before the chunk's first scored row (all of them if none
 *     was scored)
 * @param trailingModelErrors model errors after the chunk's last scored row
 * @param longestModelErrors the longest run of consecutive model errors inside the chunk
 * @param firstModelError the first model error, if any
 * @param endOffset the input offset after the chunk
 * @param endLine the input line number after the chunk
 */
@SuppressWarnings("ArrayRecordComponent") // a carrier between threads, never compared
record ChunkResult(
    long seq,
    byte[] output,
    byte[] rejects,
    int rowsRead,
    int rowsScored,
    int rowsRejected,
    int modelErrors,
    int leadingModelErrors,
    int trailingModelErrors,
    int longestModelErrors,
    @Nullable Throwable firstModelError,
    long endOffset,
    long endLine) {

  static final class Builder {
    private final RecordSplitter.Chunk chunk;
    private int scored;
    private int rejected;
    private int modelErrors;
    private int leading;
    private int trailing;
    private int longest;
    private @Nullable Throwable firstModelError;

    Builder(RecordSplitter.Chunk chunk) {
      this.chunk = chunk;
    }

    void modelError(Throwable error) {
      if (firstModelError == null) {
        firstModelError = error;
      }
    }

    void rejected(boolean modelError) {
      rejected++;
      if (modelError) {
        modelErrors++;
        trailing++;
        longest = Math.max(longest, trailing);
        if (scored == 0) {
          leading++;
        }
      }
    }

    void scored() {
      scored++;
      trailing = 0;
    }

    ChunkResult build(byte[] output, byte[] rejects) {
      return new ChunkResult(
          chunk.seq(),
          output,
          rejects,
          chunk.count(),
          scored,
          rejected,
          modelErrors,
          leading,
          trailing,
          longest,
          firstModelError,
          chunk.endOffset(),
          chunk.endLine());
    }
  }
}
