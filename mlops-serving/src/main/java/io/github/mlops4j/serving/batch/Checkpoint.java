package io.github.mlops4j.serving.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.mlops4j.internal.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The persisted state of a batch job after a checkpoint: how far it got and what it was run on.
 * Stored as JSON (schema version {@value #SCHEMA}) and replaced atomically.
 *
 * @param schema format version of this file
 * @param inputSize input file size in bytes
 * @param inputHeadSha256 SHA-256 of the input's first MiB (or the whole file if smaller)
 * @param inputFormat the input format
 * @param outputFormat the output format
 * @param model the model name
 * @param version the model version the job started with
 * @param outputColumns the output's leading columns (pass-through and request columns)
 * @param scoreColumns the score columns, null while not yet known
 * @param rowsRead data rows consumed from the input
 * @param rowsScored rows written to the output
 * @param rowsRejected rows written to the reject file
 * @param inputOffset the input byte offset just after the rows consumed
 * @param inputLine the input line number at {@code inputOffset}
 * @param outputBytes bytes of the partial output that belong to the rows consumed
 * @param rejectsBytes bytes of the partial reject file that belong to the rows consumed
 * @param outputHeaderWritten whether the output's header row is among {@code outputBytes}
 */
record Checkpoint(
    int schema,
    long inputSize,
    String inputHeadSha256,
    BatchFormat inputFormat,
    BatchFormat outputFormat,
    String model,
    int version,
    List<String> outputColumns,
    @Nullable List<String> scoreColumns,
    long rowsRead,
    long rowsScored,
    long rowsRejected,
    long inputOffset,
    long inputLine,
    long outputBytes,
    long rejectsBytes,
    boolean outputHeaderWritten) {
  static final int SCHEMA = 1;
  static final int HEAD_BYTES = 1 << 20;

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  Checkpoint {
    Objects.requireNonNull(inputHeadSha256, "inputHeadSha256");
    Objects.requireNonNull(inputFormat, "inputFormat");
    Objects.requireNonNull(outputFormat, "outputFormat");
    Objects.requireNonNull(model, "model");
    outputColumns = List.copyOf(outputColumns);
    scoreColumns = scoreColumns == null ? null : List.copyOf(scoreColumns);
  }

  /** SHA-256 (hex) of the first MiB of a file. */
  static String headSha256(Path file) {
    MessageDigest digest = Sha256.newDigest();
    byte[] buf = new byte[1 << 16];
    int remaining = HEAD_BYTES;
    try (InputStream in = Files.newInputStream(file)) {
      while (remaining > 0) {
        int n = in.read(buf, 0, Math.min(buf.length, remaining));
        if (n < 0) {
          break;
        }
        digest.update(buf, 0, n);
        remaining -= n;
      }
    } catch (IOException e) {
      throw new BatchJobException("Cannot read the input " + file + ": " + e.getMessage(), e);
    }
    return Sha256.hex(digest.digest());
  }

  /** Reads a checkpoint file, if there is one. */
  static Optional<Checkpoint> read(Path file) {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    Checkpoint cp;
    try {
      cp = JSON.readValue(file.toFile(), Checkpoint.class);
    } catch (IOException e) {
      throw new BatchJobException(
          "Cannot read the checkpoint "
              + file
              + " ("
              + e.getMessage()
              + "); delete it or run with restart(true) to start over",
          e);
    }
    if (cp.schema() != SCHEMA) {
      throw new BatchJobException(
          "Checkpoint "
              + file
              + " has schema version "
              + cp.schema()
              + " but this version of mlops4j reads "
              + SCHEMA
              + "; run with restart(true)");
    }
    return Optional.of(cp);
  }

  /**
   * Writes the checkpoint durably: to a temporary file that is forced to disk and then moved over
   * the checkpoint atomically (where the file system supports it).
   */
  void write(Path file) {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      byte[] bytes = JSON.writeValueAsBytes(this);
      try (FileChannel ch =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
      }
      moveAtomically(tmp, file);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot encode checkpoint", e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write checkpoint " + file, e);
    }
  }

  /** Moves a file into place atomically where supported, else by replacing the target. */
  static void moveAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** What differs between this checkpoint and the job about to run, empty if nothing. */
  List<String> differences(Checkpoint job) {
    List<String> diffs = new ArrayList<>();
    diff(diffs, "input size", inputSize, job.inputSize);
    diff(diffs, "SHA-256 of the input's first MiB", inputHeadSha256, job.inputHeadSha256);
    diff(diffs, "input format", inputFormat, job.inputFormat);
    diff(diffs, "output format", outputFormat, job.outputFormat);
    diff(diffs, "model", model, job.model);
    diff(diffs, "model version", version, job.version);
    diff(diffs, "output columns", outputColumns, job.outputColumns);
    return diffs;
  }

  private static void diff(List<String> diffs, String what, Object was, Object now) {
    if (!was.equals(now)) {
      diffs.add(what + " was " + was + ", is now " + now);
    }
  }
}
