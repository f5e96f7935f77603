package io.github.mlops4j.serving.batch;

import io.github.mlops4j.internal.Checks;
import io.github.mlops4j.registry.ModelSignature;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.internal.BuilderSettings;
import io.github.mlops4j.serving.internal.Texts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores a CSV or JSON Lines file through an {@link InferenceService} and writes one output row per
 * input row, in input order.
 *
 * <pre>{@code
 * BatchResult r = BatchJob.builder().service(churn)
 *     .input(Path.of("customers.csv")).output(Path.of("scores.csv"))
 *     .passThrough("customer_id")
 *     .parallelism(4).checkpointEvery(10_000)
 *     .build().run();
 * }</pre>
 *
 * <p><b>Streaming and order.</b> One reader thread cuts the input into chunks of raw records
 * ({@link Builder#chunkSize}); {@link Builder#parallelism} worker threads parse, convert, predict
 * and format each chunk; the calling thread writes the chunks in input order. At most {@code
 * parallelism + 1} chunks exist at any time (read but not yet written), so memory is bounded by the
 * chunk size whatever the file size.
 *
 * <p><b>Conversion.</b> Cells are converted by the service's {@link ModelSignature}: a {@code REAL}
 * or {@code INTEGER} feature is parsed as a double (a value of an {@code INTEGER} feature that is
 * not a whole number is then refused by the service as invalid input), a {@code CATEGORICAL} one is
 * passed as text. An empty cell (or a missing or null JSON field) is a missing value and the
 * service's validation policy decides about it, as it does for NaN and infinite values. Without a
 * signature every column is passed, numbers as doubles and anything else as text.
 *
 * <p><b>Output.</b> The pass-through columns, {@code prediction_id}, {@code model_version}, {@code
 * output} and one {@code score_<key>} column per score key (from the signature's output labels for
 * classification and regression, else from the first prediction's score keys, sorted).
 *
 * <p><b>Bad rows</b> (a number that does not parse, a wrong number of columns, malformed JSON, an
 * {@link io.github.mlops4j.serving.InvalidInputException} from the service, or an error of the
 * model on that row) go to the reject file with their line number, the reason and the raw row. A
 * service that is overloaded is retried with exponential backoff (1 ms doubling to 100 ms, for up
 * to {@link Builder#overloadRetry} per row) before the row is rejected. The job stops with a {@link
 * BatchJobException} when {@link Builder#maxConsecutiveModelErrors} rows in a row failed in the
 * model, or when no row at all could be scored because of model errors.
 *
 * <p><b>Checkpoints.</b> Rows are written to {@code <output>.partial} and {@code
 * <rejects>.partial}. Every {@link Builder#checkpointEvery} rows both are flushed and forced to
 * disk and {@code <output>.checkpoint} is replaced atomically with the rows consumed, the bytes of
 * both files that hold them, the input's identity (size and SHA-256 of its first MiB) and the model
 * version. {@link #run()} on a job whose checkpoint matches truncates the partial files to the
 * recorded lengths, skips the consumed input and goes on, so no row is lost or written twice; a
 * checkpoint for another input, model version or output layout is an error ({@link
 * CheckpointMismatchException}) unless {@link Builder#restart(boolean) restart(true)}. At the end
 * the partial files are moved into place (atomically where the file system supports it) and the
 * checkpoint is deleted.
 *
 * <p>A job may be run again after it finished or failed, not by two threads at once.
 *
 * @since 0.1.0
 */
public final class BatchJob {
  private static final Logger LOG = LoggerFactory.getLogger(BatchJob.class);

  /** The longest record accepted; longer ones usually mean an unbalanced quote. */
  static final int MAX_RECORD_BYTES = 16 << 20;

  // Settings; package-private for BatchPipeline, which runs the job with them.
  final InferenceService service;
  final Path input;
  final Path output;
  final Path rejects;
  final BatchFormat inputFormat;
  final BatchFormat outputFormat;
  final BatchFormat rejectsFormat;
  final int parallelism;
  final int chunkSize;
  final long checkpointEvery;
  private final List<String> passThrough;
  private final List<String> requestColumns;
  final @Nullable BatchProgressListener listener;
  final long progressEveryRows;
  final Duration progressInterval;
  final Clock clock;
  private final boolean restart;
  final int maxConsecutiveModelErrors;
  final Duration overloadRetry;

  private final AtomicBoolean running = new AtomicBoolean();

  /** The most chunks held at once by the last run: read, in a worker or awaiting writing. */
  final AtomicInteger peakChunksInFlight = new AtomicInteger();

  /** The most chunks the last run held in its reorder buffer at once; set by BatchPipeline. */
  volatile int peakReorderBuffer;

  private BatchJob(
      Builder b,
      BatchFormat inputFormat,
      BatchFormat outputFormat,
      Path rejects,
      BatchFormat rejectsFormat) {
    this.service = Objects.requireNonNull(b.service);
    this.input = Objects.requireNonNull(b.input);
    this.output = Objects.requireNonNull(b.output);
    this.rejects = rejects;
    this.inputFormat = inputFormat;
    this.outputFormat = outputFormat;
    this.rejectsFormat = rejectsFormat;
    this.parallelism = b.parallelism;
    this.chunkSize = b.chunkSize;
    this.checkpointEvery = b.checkpointEvery;
    this.passThrough = List.copyOf(b.passThrough);
    this.requestColumns = List.copyOf(b.requestColumns);
    this.listener = b.listener;
    this.progressEveryRows = b.progressEveryRows;
    this.progressInterval = b.progressInterval;
    this.clock = b.clock;
    this.restart = b.restart;
    this.maxConsecutiveModelErrors = b.maxConsecutiveModelErrors;
    this.overloadRetry = b.overloadRetry;
  }

  /** A new builder. {@code service}, {@code input} and {@code output} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The input file. */
  public Path input() {
    return input;
  }

  /** The output file, written when the job finishes. */
  public Path output() {
    return output;
  }

  /** The reject file, written when the job finishes. */
  public Path rejects() {
    return rejects;
  }

  /** The checkpoint file, present while a job is running or after it was interrupted. */
  public Path checkpoint() {
    return sibling(output, ".checkpoint");
  }

  /** The output being written, moved to {@link #output()} at the end. */
  public Path partialOutput() {
    return sibling(output, ".partial");
  }

  /** The reject file being written, moved to {@link #rejects()} at the end. */
  public Path partialRejects() {
    return sibling(rejects, ".partial");
  }

  /** The most chunks the last run held in its reorder buffer at once (at most parallelism + 1). */
  int peakReorderBuffer() {
    return peakReorderBuffer;
  }

  /** The most chunks the last run held at once, read but not yet written. */
  int peakChunksInFlight() {
    return peakChunksInFlight.get();
  }

  /**
   * Runs the job to the end, or resumes it from its checkpoint.
   *
   * @return what the job did
   * @throws BatchJobException if the input or an output directory is missing, the input lacks the
   *     model's columns, a file cannot be written, or the model fails on every row; the message
   *     says whether and how the job can be resumed
   * @throws CheckpointMismatchException if a checkpoint of another job is in the way
   * @throws IllegalStateException if the job is already running
   */
  public BatchResult run() {
    if (!running.compareAndSet(false, true)) {
      throw new IllegalStateException("Batch job writing " + output + " is already running");
    }
    try {
      return runOnce();
    } finally {
      running.set(false);
    }
  }

  @SuppressWarnings("ReferenceEquality") // BatchResume.state returns fresh itself when not resuming
  private BatchResult runOnce() {
    checkFiles();
    Instant started = clock.instant();
    long inputSize;
    try {
      inputSize = Files.size(input);
    } catch (IOException e) {
      throw new BatchJobException("Cannot read the input " + input + ": " + e.getMessage(), e);
    }
    String head = Checkpoint.headSha256(input);
    String model = service.modelName();
    int version = service.activeVersion();
    Optional<ModelSignature> signature = service.signature();
    boolean csv = inputFormat == BatchFormat.CSV;

    try (FileChannel in = FileChannel.open(input, StandardOpenOption.READ)) {
      RecordSplitter splitter =
          new RecordSplitter(Channels.newInputStream(in), 0, 1, csv, MAX_RECORD_BYTES);
      splitter.skipByteOrderMark();
      List<String> header = csv ? readHeader(splitter) : null;
      JobPlan plan =
          new JobPlan(
              inputFormat,
              outputFormat,
              rejectsFormat,
              header,
              signature.map(ModelSignature::inputs).orElse(null),
              Set.copyOf(service.enrichedFeatures()),
              passThrough,
              withEntityKeys(requestColumns),
              signature.flatMap(BatchJob::signatureScoreKeys).orElse(null));
      Checkpoint fresh =
          new Checkpoint(
              Checkpoint.SCHEMA,
              inputSize,
              head,
              inputFormat,
              outputFormat,
              model,
              version,
              plan.leadingColumns(),
              plan.scoreKeys.get(),
              0,
              0,
              0,
              splitter.offset(),
              splitter.line(),
              0,
              0,
              false);
      Checkpoint state =
          BatchResume.state(fresh, checkpoint(), partialOutput(), partialRejects(), restart);
      boolean resumed = state != fresh;
      if (resumed && state.scoreColumns() != null) {
        plan.scoreKeys.set(state.scoreColumns());
      }
      if (resumed) {
        in.position(state.inputOffset());
        splitter =
            new RecordSplitter(
                Channels.newInputStream(in),
                state.inputOffset(),
                state.inputLine(),
                csv,
                MAX_RECORD_BYTES);
      }
      try (BatchPipeline writer = new BatchPipeline(this, plan, fresh, state, resumed, started)) {
        LOG.info(
            "Batch job: scoring {} with '{}' v{} into {} on {} thread(s){}",
            input,
            model,
            version,
            output,
            parallelism,
            resumed
                ? ", resuming after row " + state.rowsRead() + " (line " + state.inputLine() + ")"
                : "");
        return writer.run(splitter);
      }
    } catch (IOException e) {
      throw new BatchJobException(
          "Batch job on " + input + " failed: " + e.getMessage() + resumeHint(), e);
    } catch (UncheckedIOException e) {
      throw new BatchJobException(
          "Batch job on " + input + " failed: " + e.getMessage() + resumeHint(), e.getCause());
    }
  }

  private String resumeHint() {
    return BatchResume.hint(checkpoint());
  }

  private void checkFiles() {
    if (!Files.isRegularFile(input)) {
      throw new BatchJobException(
          Files.exists(input)
              ? "Input " + input + " is not a regular file; pass the file to score"
              : "Input file " + input + " does not exist; check the path");
    }
    if (!Files.isReadable(input)) {
      throw new BatchJobException("Input file " + input + " is not readable; check permissions");
    }
    for (Path target : List.of(output, rejects)) {
      Path dir = target.getParent();
      if (dir != null && !Files.isDirectory(dir)) {
        throw new BatchJobException(
            "Output directory " + dir + " of " + target + " does not exist; create it first");
      }
    }
  }

  /**
   * Reads the CSV header: the column names, stripped of surrounding blanks.
   *
   * @throws BatchJobException if the input is empty, the header does not parse, or it names a
   *     column twice (which column would a feature be read from?)
   */
  static List<String> readHeader(RecordSplitter splitter) throws IOException {
    RecordSplitter.Chunk h = splitter.next(-1, 1);
    if (h == null) {
      throw new BatchJobException(
          "The CSV input is empty; it needs a header row naming the" + " columns");
    }
    int bad = Utf8.firstInvalid(h.data(), h.starts()[0], h.ends()[0]);
    if (bad >= 0) {
      throw new BatchJobException(
          "The CSV header on line "
              + h.lines()[0]
              + " is not valid UTF-8"
              + " (byte "
              + (bad - h.starts()[0] + 1)
              + "); the input must be UTF-8");
    }
    List<String[]> rows = parseHeader(h);
    if (rows.size() != 1) {
      throw new BatchJobException("Cannot parse the CSV header on line " + h.lines()[0]);
    }
    List<String> names = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (String cell : rows.get(0)) {
      String name = cell.strip();
      Integer first = seen.putIfAbsent(name, names.size());
      if (first != null) {
        throw new BatchJobException(
            "The CSV header on line "
                + h.lines()[0]
                + " names column '"
                + Texts.abbreviate(name)
                + "' twice (columns "
                + (first + 1)
                + " and "
                + (names.size() + 1)
                + "); column names must be unique: rename or drop one");
      }
      names.add(name);
    }
    return names;
  }

  private static List<String[]> parseHeader(RecordSplitter.Chunk h) {
    try {
      return ChunkScorer.parseCsvStrict(h.data(), 0, h.dataLength());
    } catch (IOException e) {
      throw new BatchJobException(
          "Cannot parse the CSV header on line "
              + h.lines()[0]
              + ": "
              + ChunkScorer.firstLine(e.getMessage()),
          e);
    }
  }

  /** The request columns plus the entity keys the service's feature lookup needs. */
  private List<String> withEntityKeys(List<String> columns) {
    List<String> all = new ArrayList<>(columns);
    for (String key : service.entityKeys()) {
      if (!all.contains(key)) {
        all.add(key);
      }
    }
    return all;
  }

  /** Score keys known from the signature: class labels and regression dimension names. */
  private static Optional<List<String>> signatureScoreKeys(ModelSignature signature) {
    String type = signature.outputType();
    if ((type.equals("Label") || type.equals("Regressor")) && !signature.outputLabels().isEmpty()) {
      return Optional.of(signature.outputLabels());
    }
    return Optional.empty();
  }

  private static Path sibling(Path file, String suffix) {
    return file.resolveSibling(file.getFileName() + suffix);
  }

  // ---------------------------------------------------------------- builder

  /** Configures a {@link BatchJob}. */
  public static final class Builder {
    private @Nullable InferenceService service;
    private @Nullable Path input;
    private @Nullable Path output;
    private @Nullable Path rejects;
    private @Nullable BatchFormat inputFormat;
    private @Nullable BatchFormat outputFormat;
    private int parallelism = Runtime.getRuntime().availableProcessors();
    private int chunkSize = 1000;
    private long checkpointEvery = 100_000;
    private List<String> passThrough = List.of();
    private List<String> requestColumns = List.of();
    private @Nullable BatchProgressListener listener;
    private long progressEveryRows = Long.MAX_VALUE;
    private Duration progressInterval = Duration.ofSeconds(1);
    private Clock clock = Clock.systemUTC();
    private boolean restart;
    private int maxConsecutiveModelErrors = 1000;
    private Duration overloadRetry = Duration.ofSeconds(60);

    private Builder() {}

    /**
     * The service that predicts every row: build it with {@code .version(n)} to pin a version
     * (recommended: then every row is scored by that version), or with {@code .alias(...)}, in
     * which case each row's {@code model_version} column says which version answered.
     */
    public Builder service(InferenceService service) {
      this.service = Objects.requireNonNull(service, "service");
      return this;
    }

    /** The file to score; its format comes from its extension unless set by {@link #format}. */
    public Builder input(Path input) {
      this.input = Objects.requireNonNull(input, "input").toAbsolutePath().normalize();
      return this;
    }

    /** The file to write; its format comes from its extension unless set by {@link #format}. */
    public Builder output(Path output) {
      this.output = Objects.requireNonNull(output, "output").toAbsolutePath().normalize();
      return this;
    }

    /**
     * Where rejected rows go; by default next to the output: {@code scores.csv} rejects to {@code
     * scores.rejects.csv}. A {@code .csv} file gets columns {@code line,reason,raw}, any other a
     * JSON object per line with those fields.
     */
    public Builder rejects(Path rejects) {
      this.rejects = Objects.requireNonNull(rejects, "rejects").toAbsolutePath().normalize();
      return this;
    }

    /** The format of both input and output, whatever their extensions. */
    public Builder format(BatchFormat format) {
      Objects.requireNonNull(format, "format");
      this.inputFormat = format;
      this.outputFormat = format;
      return this;
    }

    /** The input's format, whatever its extension. */
    public Builder inputFormat(BatchFormat format) {
      this.inputFormat = Objects.requireNonNull(format, "format");
      return this;
    }

    /** The output's format, whatever its extension. */
    public Builder outputFormat(BatchFormat format) {
      this.outputFormat = Objects.requireNonNull(format, "format");
      return this;
    }

    /** Worker threads that parse and predict (default: the number of processors). */
    public Builder parallelism(int threads) {
      Checks.atLeast(threads, 1, "parallelism");
      this.parallelism = threads;
      return this;
    }

    /** Rows per chunk handed to a worker (default 1,000). */
    public Builder chunkSize(int rows) {
      Checks.atLeast(rows, 1, "chunkSize");
      this.chunkSize = rows;
      return this;
    }

    /**
     * Rows between checkpoints (default 100,000). Checkpoints are taken at chunk boundaries, so the
     * rows between two of them are a multiple of the chunk size of at least this many.
     */
    public Builder checkpointEvery(long rows) {
      Checks.atLeast(rows, 1, "checkpointEvery");
      this.checkpointEvery = rows;
      return this;
    }

    /** Input columns (or JSON fields) copied to the front of every output row. */
    public Builder passThrough(String... columns) {
      this.passThrough =
          BuilderSettings.distinctColumns(
              "Pass-through columns",
              columns,
              c -> {
                if (c.equals(JobPlan.PREDICTION_ID)
                    || c.equals(JobPlan.MODEL_VERSION)
                    || c.equals(JobPlan.OUTPUT)
                    || c.startsWith(JobPlan.SCORE_PREFIX)) {
                  throw new IllegalArgumentException(
                      "Pass-through column '"
                          + c
                          + "' would clash with the output's own columns (prediction_id,"
                          + " model_version, output, score_*)");
                }
              });
      return this;
    }

    /**
     * Input columns passed to the service as text besides the signature's features, e.g. the entity
     * key the service uses for feature enrichment.
     */
    public Builder requestColumns(String... columns) {
      this.requestColumns = BuilderSettings.distinctColumns("Request columns", columns, c -> {});
      return this;
    }

    /** Receives progress reports (see {@link #progressEvery}). */
    public Builder listener(BatchProgressListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * How often progress is reported to the listener: after at least {@code rows} rows or {@code
     * interval} (by the job's clock) since the last report, whichever comes first, checked after
     * each chunk, plus once at the end. Default: every second. The INFO log line is written at most
     * every 10 seconds.
     */
    public Builder progressEvery(long rows, Duration interval) {
      Objects.requireNonNull(interval, "interval");
      Checks.atLeast(rows, 1, "progress rows");
      Checks.positive(interval, "progress interval");
      this.progressEveryRows = rows;
      this.progressInterval = interval;
      return this;
    }

    /** The clock for elapsed times, rates and progress intervals (default: the system clock). */
    public Builder clock(Clock clock) {
      this.clock = BuilderSettings.clock(clock);
      return this;
    }

    /** Ignore (and delete) an existing checkpoint and start from the first row. */
    public Builder restart(boolean restart) {
      this.restart = restart;
      return this;
    }

    /** Stop the job after this many consecutive rows failed in the model (default 1,000). */
    public Builder maxConsecutiveModelErrors(int rows) {
      Checks.atLeast(rows, 1, "maxConsecutiveModelErrors");
      this.maxConsecutiveModelErrors = rows;
      return this;
    }

    /** How long one row is retried while the service is overloaded (default 60 s). */
    public Builder overloadRetry(Duration duration) {
      Objects.requireNonNull(duration, "duration");
      Checks.notNegative(duration, "overloadRetry");
      this.overloadRetry = duration;
      return this;
    }

    /**
     * Builds the job; nothing is read or written until {@link BatchJob#run()}.
     *
     * @throws IllegalStateException if the service, input or output is missing
     * @throws IllegalArgumentException if a format cannot be told from a file extension, or the
     *     output is the input
     */
    public BatchJob build() {
      if (service == null || input == null || output == null) {
        List<String> missing = new ArrayList<>();
        List<String> calls = new ArrayList<>();
        if (service == null) {
          missing.add("service");
          calls.add("service(service)");
        }
        if (input == null) {
          missing.add("input");
          calls.add("input(path)");
        }
        if (output == null) {
          missing.add("output");
          calls.add("output(path)");
        }
        throw Checks.missing("BatchJob.Builder", missing, calls);
      }
      if (input.equals(output)) {
        throw new IllegalArgumentException(
            "The output " + output + " is the input; write the" + " scores to another file");
      }
      BatchFormat in = inputFormat != null ? inputFormat : formatOf(input, "input");
      BatchFormat out = outputFormat != null ? outputFormat : formatOf(output, "output");
      Path rej = rejects != null ? rejects : defaultRejects(output, out);
      if (rej.equals(output) || rej.equals(input)) {
        throw new IllegalArgumentException(
            "The reject file " + rej + " must differ from the input and the output");
      }
      BatchFormat rejFormat = BatchFormat.fromExtension(rej).orElse(BatchFormat.JSON_LINES);
      return new BatchJob(this, in, out, rej, rejFormat);
    }

    private static BatchFormat formatOf(Path p, String what) {
      return BatchFormat.fromExtension(p)
          .orElseThrow(
              () ->
                  new IllegalArgumentException(
                      "Cannot tell the "
                          + what
                          + " format of "
                          + p
                          + " from its extension (.csv, .jsonl,"
                          + " .ndjson or .json); set it with format(BatchFormat)"));
    }

    private static Path defaultRejects(Path output, BatchFormat format) {
      String name = output.getFileName().toString();
      int dot = name.lastIndexOf('.');
      String stem = dot > 0 ? name.substring(0, dot) : name;
      return output.resolveSibling(stem + ".rejects" + format.extension());
    }
  }
}
