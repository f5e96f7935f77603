package io.github.mlops4j.serving.batch;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writing side of one {@link BatchJob} run; also starts and stops the reader and the workers.
 * One reader thread cuts the input into chunks, the workers score them ({@link ChunkScorer}), and
 * the thread that calls {@link #run} writes the results in input order to the partial files,
 * checkpoints every {@code checkpointEvery} rows, reports progress and, at the end, moves the
 * partial files into place. At most {@code parallelism + 1} chunks exist at once.
 *
 * <p>A checkpoint forces the partial files to disk and then writes the checkpoint file. The writer
 * hands both to a thread of their own and goes on writing chunks meanwhile, so that the reader and
 * the workers are not held up for the time a disk takes to force its data (tens of milliseconds per
 * checkpoint on a busy disk, while at most {@code parallelism + 1} chunks may wait): the checkpoint
 * file is written only after the bytes it counts are forced (bytes written after them are forced
 * too, and cut off again on resume). The next checkpoint, the next progress report, the end of the
 * run, any failure message (which says whether the checkpoint is kept) and {@link #close} wait for
 * it.
 */
final class BatchPipeline implements AutoCloseable {
  /** Logged under the job's name, as before the pipeline had its own class. */
  private static final Logger LOG = LoggerFactory.getLogger(BatchJob.class);

  private static final Duration LOG_INTERVAL = Duration.ofSeconds(10);
  private static final Duration THREAD_JOIN = Duration.ofSeconds(30);
  private static final RecordSplitter.Chunk POISON =
      new RecordSplitter.Chunk(-1, new byte[0], 0, new int[0], new int[0], new long[0], 0, 0, 0);

  /** Messages to the writer. */
  private record End(long chunks) {}

  private record Failure(Throwable error) {}

  /** The job's settings and files. */
  private final BatchJob job;

  private final JobPlan plan;

  /** The job's identity: input, model version, layout. */
  private final Checkpoint identity;

  private final long inputSize;
  private final Instant started;
  private final long startRows;
  private final long startOffset;
  private final FileChannel outChannel;
  private final FileChannel rejChannel;
  private final FileLock lock;
  private final OutputStream out;
  private final OutputStream rej;
  private final List<Thread> threads = new ArrayList<>();
  private final BlockingQueue<Object> results = new LinkedBlockingQueue<>();
  private final BlockingQueue<RecordSplitter.Chunk> work = new LinkedBlockingQueue<>();
  private final Semaphore permits;
  private final AtomicInteger inFlight = new AtomicInteger();

  private long rowsRead;
  private long rowsScored;
  private long rowsRejected;
  private long inputOffset;
  private long inputLine;
  private long outputBytes;
  private long rejectsBytes;
  private boolean headerWritten;
  private long rowsSinceCheckpoint;
  private long consecutiveModelErrors;
  private long modelErrors;
  private @Nullable Throwable firstModelError;
  private long lastReportRows;
  private Instant lastReport;
  private Instant lastLog;
  private boolean finished;

  /** The thread forcing the files and writing the last checkpoint, if it may not be done. */
  private @Nullable Thread pendingCheckpoint;

  /** What the checkpoint thread failed with, if it did. */
  private volatile @Nullable Throwable checkpointError;

  BatchPipeline(
      BatchJob job,
      JobPlan plan,
      Checkpoint identity,
      Checkpoint state,
      boolean resumed,
      Instant started)
      throws IOException {
    this.job = job;
    this.permits = new Semaphore(job.parallelism + 1);
    this.plan = plan;
    this.identity = identity;
    this.inputSize = identity.inputSize();
    this.started = started;
    this.lastReport = started;
    this.lastLog = started;
    this.rowsRead = state.rowsRead();
    this.startRows = state.rowsRead();
    this.rowsScored = state.rowsScored();
    this.rowsRejected = state.rowsRejected();
    this.inputOffset = state.inputOffset();
    this.startOffset = state.inputOffset();
    this.inputLine = state.inputLine();
    this.lastReportRows = state.rowsRead();
    this.outChannel =
        FileChannel.open(job.partialOutput(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileChannel rc = null;
    FileLock l = null;
    try {
      l = tryLock(outChannel);
      rc =
          FileChannel.open(
              job.partialRejects(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      outChannel.truncate(state.outputBytes());
      outChannel.position(state.outputBytes());
      rc.truncate(state.rejectsBytes());
      rc.position(state.rejectsBytes());
    } catch (IOException | RuntimeException e) {
      if (rc != null) {
        rc.close();
      }
      outChannel.close();
      throw e;
    }
    this.lock = l;
    this.rejChannel = rc;
    this.out = new BufferedOutputStream(Channels.newOutputStream(outChannel), 1 << 16);
    this.rej = new BufferedOutputStream(Channels.newOutputStream(rejChannel), 1 << 16);
    this.outputBytes = state.outputBytes();
    this.rejectsBytes = state.rejectsBytes();
    this.headerWritten = state.outputHeaderWritten();
    if (!resumed && job.rejectsFormat == BatchFormat.CSV) {
      writeRejects(ChunkScorer.csvHeader(JobPlan.REJECT_COLUMNS));
    }
    if (job.outputFormat != BatchFormat.CSV) {
      headerWritten = true; // JSON Lines has no header
    } else if (!headerWritten && plan.scoreKeys.get() != null) {
      writeHeader();
    }
  }

  private FileLock tryLock(FileChannel channel) throws IOException {
    FileLock l;
    try {
      l = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      l = null;
    }
    if (l == null) {
      throw new BatchJobException(
          "Another batch job is writing " + job.partialOutput() + "; wait for it to finish");
    }
    return l;
  }

  BatchResult run(RecordSplitter splitter) throws IOException {
    job.peakReorderBuffer = 0;
    job.peakChunksInFlight.set(0);
    startThreads(splitter);
    Map<Long, ChunkResult> pending = new HashMap<>();
    long next = 0;
    long total = -1;
    try {
      while (total < 0 || next < total) {
        Object m = results.take();
        if (m instanceof Failure f) {
          throw failure(f.error());
        } else if (m instanceof End e) {
          total = e.chunks();
        } else {
          ChunkResult r = (ChunkResult) m;
          pending.put(r.seq(), r);
          job.peakReorderBuffer = Math.max(job.peakReorderBuffer, pending.size());
          ChunkResult head;
          while ((head = pending.remove(next)) != null) {
            write(head);
            next++;
            inFlight.decrementAndGet();
            permits.release();
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BatchJobException(
          "Batch job on " + job.input + " was interrupted after row " + rowsRead + resumeHint());
    }
    if (rowsScored == 0 && modelErrors > 0) {
      throw modelFailure(
          "No row could be scored: " + modelErrors + " row(s) failed in the" + " model");
    }
    return finish();
  }

  private void startThreads(RecordSplitter splitter) {
    String name = "mlops-batch-" + job.output.getFileName();
    Thread reader = new Thread(() -> read(splitter), name + "-reader");
    threads.add(reader);
    for (int i = 0; i < job.parallelism; i++) {
      ChunkScorer scorer = new ChunkScorer(plan, job.service, job.overloadRetry);
      threads.add(new Thread(() -> score(scorer), name + "-worker-" + i));
    }
    for (Thread t : threads) {
      t.setDaemon(true);
      t.start();
    }
  }

  private void read(RecordSplitter splitter) {
    long seq = 0;
    try {
      while (true) {
        permits.acquire();
        RecordSplitter.Chunk c = splitter.next(seq, job.chunkSize);
        if (c == null) {
          permits.release();
          results.put(new End(seq));
          return;
        }
        job.peakChunksInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        work.put(c);
        seq++;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // stopped by the writer
    } catch (Throwable t) {
      results.add(new Failure(t));
    } finally {
      for (int i = 0; i < job.parallelism; i++) {
        work.add(POISON);
      }
    }
  }

  @SuppressWarnings("ReferenceEquality") // POISON is a sentinel instance
  private void score(ChunkScorer scorer) {
    try {
      while (true) {
        RecordSplitter.Chunk c = work.take();
        if (c == POISON) {
          return;
        }
        results.put(scorer.score(c));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // stopped by the writer
    } catch (Throwable t) {
      results.add(new Failure(t));
    }
  }

  private void write(ChunkResult r) throws IOException {
    if (consecutiveModelErrors + r.leadingModelErrors() >= job.maxConsecutiveModelErrors
        || r.longestModelErrors() >= job.maxConsecutiveModelErrors) {
      if (firstModelError == null) {
        firstModelError = r.firstModelError();
      }
      throw modelFailure(job.maxConsecutiveModelErrors + " rows in a row failed in the model");
    }
    consecutiveModelErrors =
        r.rowsScored() == 0 ? consecutiveModelErrors + r.modelErrors() : r.trailingModelErrors();
    modelErrors += r.modelErrors();
    if (firstModelError == null) {
      firstModelError = r.firstModelError();
    }
    if (r.output().length > 0) {
      if (!headerWritten) {
        writeHeader();
      }
      out.write(r.output());
      outputBytes += r.output().length;
    }
    writeRejects(r.rejects());
    rowsRead += r.rowsRead();
    rowsScored += r.rowsScored();
    rowsRejected += r.rowsRejected();
    inputOffset = r.endOffset();
    inputLine = r.endLine();
    rowsSinceCheckpoint += r.rowsRead();
    if (rowsSinceCheckpoint >= job.checkpointEvery) {
      checkpointNow();
    }
    maybeReport(false);
  }

  private void writeHeader() throws IOException {
    List<String> keys = plan.scoreKeys.get();
    byte[] h = ChunkScorer.csvHeader(plan.outputHeader(keys == null ? List.of() : keys));
    out.write(h);
    outputBytes += h.length;
    headerWritten = true;
  }

  private void writeRejects(byte[] bytes) throws IOException {
    if (bytes.length > 0) {
      rej.write(bytes);
      rejectsBytes += bytes.length;
    }
  }

  private void checkpointNow() throws IOException {
    awaitCheckpoint();
    out.flush();
    rej.flush();
    Checkpoint checkpoint =
        new Checkpoint(
            Checkpoint.SCHEMA,
            inputSize,
            identity.inputHeadSha256(),
            job.inputFormat,
            job.outputFormat,
            identity.model(),
            identity.version(),
            plan.leadingColumns(),
            plan.scoreKeys.get(),
            rowsRead,
            rowsScored,
            rowsRejected,
            inputOffset,
            inputLine,
            outputBytes,
            rejectsBytes,
            headerWritten);
    Thread t =
        new Thread(
            () -> {
              try {
                outChannel.force(false);
                rejChannel.force(false);
                checkpoint.write(job.checkpoint());
              } catch (Throwable e) {
                checkpointError = e;
              }
            },
            "mlops-batch-" + job.output.getFileName() + "-checkpoint");
    t.setDaemon(true);
    pendingCheckpoint = t;
    t.start();
    rowsSinceCheckpoint = 0;
  }

  /**
   * Waits for the checkpoint being written, if any (not interruptibly: an interrupt would close the
   * channels it forces; the interrupt flag is kept), and rethrows what it failed with.
   */
  private void awaitCheckpoint() throws IOException {
    Thread t = pendingCheckpoint;
    if (t == null) {
      return;
    }
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    pendingCheckpoint = null;
    Throwable e = checkpointError;
    checkpointError = null;
    if (e instanceof IOException io) {
      throw io;
    } else if (e instanceof RuntimeException r) {
      throw r;
    } else if (e instanceof Error err) {
      throw err;
    } else if (e != null) {
      throw new IOException(e);
    }
  }

  /** {@link #awaitCheckpoint} on a failure path: a failure of the checkpoint is logged. */
  private void awaitCheckpointQuietly() {
    try {
      awaitCheckpoint();
    } catch (IOException | RuntimeException e) {
      LOG.warn("Cannot write the checkpoint of {}: {}", job.output, e.toString());
    }
  }

  private void syncFiles() throws IOException {
    out.flush();
    rej.flush();
    outChannel.force(false);
    rejChannel.force(false);
  }

  private void maybeReport(boolean last) throws IOException {
    Instant now = job.clock.instant();
    boolean due =
        last
            || rowsRead - lastReportRows >= job.progressEveryRows
            || Duration.between(lastReport, now).compareTo(job.progressInterval) >= 0;
    if (!due) {
      return;
    }
    awaitCheckpoint(); // a report after a checkpoint finds it on disk
    lastReportRows = rowsRead;
    lastReport = now;
    Duration elapsed = Duration.between(started, now);
    double seconds = elapsed.toNanos() / 1e9;
    double rate = seconds > 0 ? (rowsRead - startRows) / seconds : 0;
    double byteRate = seconds > 0 ? (inputOffset - startOffset) / seconds : 0;
    BatchProgress p =
        new BatchProgress(rowsRead, rowsRejected, rate, elapsed, inputOffset, inputSize, byteRate);
    if (last || Duration.between(lastLog, now).compareTo(LOG_INTERVAL) >= 0) {
      lastLog = now;
      LOG.info(
          "Batch job {}: {} rows done ({} rejected), {} rows/s, {}% of the input{}",
          job.output.getFileName(),
          rowsRead,
          rowsRejected,
          Math.round(rate),
          Math.round(p.fractionDone() * 100),
          p.eta()
              .map(d -> ", ETA " + d.truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
              .orElse(""));
    }
    if (job.listener != null) {
      job.listener.onProgress(p);
    }
  }

  private BatchResult finish() throws IOException {
    awaitCheckpoint();
    if (!headerWritten) {
      writeHeader();
    }
    syncFiles();
    // The checkpoint goes first: a crash between the moves below then makes the next run start
    // over (nothing is lost, the work is redone) instead of finding a checkpoint whose partial
    // files are gone.
    Files.deleteIfExists(job.checkpoint());
    lock.release();
    out.close(); // closes the channels too
    rej.close();
    Checkpoint.moveAtomically(job.partialRejects(), job.rejects);
    Checkpoint.moveAtomically(job.partialOutput(), job.output);
    finished = true;
    Instant end = job.clock.instant();
    Duration elapsed = Duration.between(started, end);
    double seconds = elapsed.toNanos() / 1e9;
    double rate = seconds > 0 ? (rowsRead - startRows) / seconds : 0;
    maybeReport(true);
    if (rowsRejected > 0) {
      LOG.warn(
          "Batch job {}: {} of {} rows rejected, see {}",
          job.output.getFileName(),
          rowsRejected,
          rowsRead,
          job.rejects);
    }
    return new BatchResult(
        rowsRead, rowsScored, rowsRejected, elapsed, rate, job.output, job.rejects, startRows);
  }

  private BatchJobException modelFailure(String what) {
    String msg =
        "Batch job on "
            + job.input
            + " stopped: "
            + what
            + " (first error: "
            + (firstModelError == null
                ? "none"
                : firstModelError.getClass().getSimpleName()
                    + ": "
                    + ChunkScorer.firstLine(firstModelError.getMessage()))
            + "). Rejected rows so far are in "
            + job.partialRejects()
            + resumeHint();
    return firstModelError == null
        ? new BatchJobException(msg)
        : new BatchJobException(msg, firstModelError);
  }

  private RuntimeException failure(Throwable t) {
    if (t instanceof BatchJobException e) {
      return e;
    }
    return new BatchJobException(
        "Batch job on " + job.input + " failed after row " + rowsRead + ": " + t + resumeHint(), t);
  }

  @Override
  public void close() throws IOException {
    awaitCheckpointQuietly();
    for (Thread t : threads) {
      t.interrupt();
    }
    for (Thread t : threads) {
      try {
        t.join(THREAD_JOIN.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      if (t.isAlive()) {
        LOG.warn("Batch thread {} did not stop within {}", t.getName(), THREAD_JOIN);
      }
    }
    if (!finished) {
      // Leave the partial files as they are: the checkpoint says how much of them counts.
      try {
        out.close();
        rej.close();
      } catch (IOException e) {
        LOG.warn("Cannot close the partial files of {}: {}", job.output, e.toString());
      } finally {
        outChannel.close();
        rejChannel.close();
      }
    }
  }

  private String resumeHint() {
    awaitCheckpointQuietly(); // the hint says whether a checkpoint is kept
    return BatchResume.hint(job.checkpoint());
  }
}
