package io.github.mlops4j.benchmarks;

import ch.randelshofer.fastdoubleparser.JavaDoubleParser;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.batch.BatchJob;
import io.github.mlops4j.serving.batch.BatchResult;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;

/**
 * Batch scoring of a CSV file with {@link BatchJob}, CSV parsing and output included, beside the
 * single-thread raw prediction rate of the same model in the same run.
 *
 * <p>Setup: a CSV file of {@code rows} rows (default 1,000,000; about 150 MB) with a header and
 * {@value LogisticFixture#FEATURES} numeric columns {@code f0 .. f19} (standard normal, 4
 * decimals); a logistic regression trained on 5,000 rows registered in an embedded workspace; a
 * service pinned to version 1. The fork runs with {@code -Xms256m -Xmx256m}: the job must stream a
 * file bigger than its heap. One operation scores all rows; scores are seconds per operation,
 * rows/s = rows / score.
 *
 * <ul>
 *   <li>{@code batchJob}: {@code BatchJob} with the default parallelism (one worker per core),
 *       default chunk (1,000 rows) and checkpoint interval (100,000 rows); writes {@code
 *       prediction_id, model_version, output, score_no, score_yes} per row.
 *   <li>{@code batchJobOneWorker}: the same with {@code parallelism(1)}.
 *   <li>{@code baselineRawPredict}: one thread, {@code model.predict(example)} for {@code rows}
 *       examples cycling through 50,000 prebuilt ones (the first rows of the file; 1,000,000
 *       prebuilt examples would not fit the heap). This is the rate the target multiplies.
 *   <li>{@code baselineParsePredictByHand}: one thread reads the same file with Jackson's {@code
 *       CsvMapper} (the library the job uses), parses the 20 doubles, builds an {@code
 *       ArrayExample}, predicts and writes {@code label,score} per row through a buffered writer.
 *   <li>{@code baselineParseOnlyByHand}: the same reading and parsing of the 20 doubles per row, no
 *       prediction and no output: the floor of CSV input on one thread with this library.
 *   <li>{@code baselineHandLoopFastParser}: the hand-written loop with the fastest parsing found:
 *       one thread reads the file's bytes through a 1 MiB buffer, splits lines and fields by hand,
 *       parses each field from the bytes with FastDoubleParser ({@code
 *       JavaDoubleParser.parseDouble(byte[], int, int)}), predicts with the raw Tribuo model and
 *       writes {@code label,score} per row with {@code Double.toString}. No quoting, no checks.
 *   <li>{@code baselineHandLoopTwoThreads}: that loop on two threads, each on half of the file's
 *       bytes (cut at a line break) writing its own output file: no reader, writer or ordering, the
 *       most two cores can do with this parser and model.
 *   <li>{@code baselineParseOnlyFastParser}: the same reading, splitting and parsing, no prediction
 *       and no output.
 * </ul>
 *
 * <p>Target (performance round): {@code batchJob} &gt;= 1,000,000 rows/s and &gt;= 0.8 x {@code
 * baselineHandLoopFastParser}. Earlier target: {@code batchJob} rows/s &gt;= 0.8 x cores x {@code
 * baselineRawPredict} rows/s, with the heap bounded. The trial's teardown prints the peak use of
 * each heap pool.
 *
 * <p>Run (from the repository root): {@code java -jar mlops-benchmarks/target/benchmarks.jar
 * BatchScoringBenchmark -f 1}.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 4)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@State(Scope.Benchmark)
public class BatchScoringBenchmark {
  static final int PREBUILT = 50_000;

  @Param("1000000")
  int rows;

  Path dir;
  Path input;
  Path output;
  Path handOutput;
  ModelRegistry registry;
  Model<Label> model;
  InferenceService service;
  ArrayExample<Label>[] prebuilt;

  @Setup(Level.Trial)
  @SuppressWarnings({"unchecked", "rawtypes"})
  public void setUp() throws IOException {
    dir = BenchmarkSupport.tempDir("batch");
    input = dir.resolve("customers.csv");
    output = dir.resolve("scores.csv");
    handOutput = dir.resolve("hand.csv");
    prebuilt = new ArrayExample[PREBUILT];
    SplittableRandom random = new SplittableRandom(5);
    try (Writer w = Files.newBufferedWriter(input, StandardCharsets.UTF_8)) {
      w.write(String.join(",", LogisticFixture.NAMES));
      w.write('\n');
      StringBuilder line = new StringBuilder(256);
      for (int r = 0; r < rows; r++) {
        double[] x = LogisticFixture.row(random);
        if (r < PREBUILT) {
          prebuilt[r] = LogisticFixture.unlabelled(x);
        }
        line.setLength(0);
        for (int f = 0; f < x.length; f++) {
          if (f > 0) {
            line.append(',');
          }
          line.append(x[f]);
        }
        line.append('\n');
        w.append(line);
      }
    }
    registry =
        ModelRegistry.builder().workspace(dir.resolve("ws")).pollInterval(Duration.ZERO).build();
    model = LogisticFixture.train(5_000, 7);
    registry.register("churn", model, null);
    service = InferenceService.builder().registry(registry).model("churn").version(1).build();
  }

  @Setup(Level.Invocation)
  public void clean() throws IOException {
    for (Path p :
        new Path[] {
          output, handOutput, dir.resolve("hand-2.csv"), dir.resolve("scores.rejects.csv")
        }) {
      Files.deleteIfExists(p);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        System.out.printf(
            "%nheap pool %s: peak %.1f MiB, max %.1f MiB",
            pool.getName(),
            pool.getPeakUsage().getUsed() / 1048576.0,
            pool.getUsage().getMax() / 1048576.0);
      }
    }
    System.out.printf(
        "%ninput %s: %.1f MiB%n", input.getFileName(), input.toFile().length() / 1048576.0);
    service.close();
    registry.close();
    BenchmarkSupport.deleteRecursively(dir);
  }

  private BatchResult runJob(int parallelism) {
    BatchResult r =
        BatchJob.builder()
            .service(service)
            .input(input)
            .output(output)
            .parallelism(parallelism)
            .build()
            .run();
    if (r.rowsScored() != rows || r.rowsRejected() != 0) {
      throw new IllegalStateException("Expected " + rows + " scored rows, got " + r);
    }
    return r;
  }

  @Benchmark
  public BatchResult batchJob() {
    return runJob(Runtime.getRuntime().availableProcessors());
  }

  @Benchmark
  public BatchResult batchJobOneWorker() {
    return runJob(1);
  }

  @Benchmark
  public void baselineRawPredict(Blackhole bh) {
    for (int r = 0; r < rows; r++) {
      bh.consume(model.predict(prebuilt[r % PREBUILT]));
    }
  }

  @Benchmark
  public double baselineParseOnlyByHand() throws IOException {
    CsvMapper mapper = new CsvMapper();
    mapper.enable(CsvParser.Feature.WRAP_AS_ARRAY);
    double sum = 0;
    long n = 0;
    try (MappingIterator<String[]> it =
        mapper.readerFor(String[].class).readValues(input.toFile())) {
      int width = it.next().length;
      while (it.hasNext()) {
        String[] cells = it.next();
        for (int f = 0; f < width; f++) {
          sum += Double.parseDouble(cells[f]);
        }
        n++;
      }
    }
    if (n != rows) {
      throw new IllegalStateException("Read " + n + " rows, expected " + rows);
    }
    return sum;
  }

  /** Reads the input's data rows, calling {@code row} with each row's 20 parsed features. */
  private long forEachRow(RowHandler row) throws IOException {
    long n = forEachRow(0, Files.size(input), true, row);
    if (n != rows) {
      throw new IllegalStateException("Read " + n + " rows, expected " + rows);
    }
    return n;
  }

  /**
   * Reads the data rows of the input's bytes {@code [from, to)} (which start at a line), calling
   * {@code row} with each row's 20 parsed features; skips the first line if {@code header}.
   */
  private long forEachRow(long from, long to, boolean header, RowHandler row) throws IOException {
    int width = LogisticFixture.FEATURES;
    double[] values = new double[width];
    byte[] buf = new byte[1 << 20];
    long n = 0;
    boolean skip = header;
    try (FileChannel in = FileChannel.open(input, StandardOpenOption.READ)) {
      long position = from;
      int len = 0; // bytes in buf
      boolean eof = false;
      while (!eof) {
        int read =
            position >= to
                ? -1
                : in.read(
                    ByteBuffer.wrap(buf, len, (int) Math.min(buf.length - len, to - position)),
                    position);
        if (read < 0) {
          eof = true;
        } else {
          len += read;
          position += read;
        }
        int start = 0;
        while (true) {
          int nl = indexOf(buf, (byte) '\n', start, len);
          if (nl < 0) {
            if (!eof || start >= len) {
              break;
            }
            nl = len; // the last line has no line break
          }
          if (skip) {
            skip = false;
          } else {
            int f = 0;
            int cell = start;
            for (int p = start; p <= nl && f < width; p++) {
              if (p == nl || buf[p] == ',') {
                values[f++] = JavaDoubleParser.parseDouble(buf, cell, p - cell);
                cell = p + 1;
              }
            }
            row.accept(values);
            n++;
          }
          start = nl + 1;
        }
        len = Math.max(len - start, 0);
        if (len > 0) {
          System.arraycopy(buf, start, buf, 0, len);
        }
      }
    }
    return n;
  }

  private static int indexOf(byte[] buf, byte b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (buf[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /** One parsed row. */
  @FunctionalInterface
  interface RowHandler {
    void accept(double[] values) throws IOException;
  }

  @Benchmark
  public double baselineParseOnlyFastParser() throws IOException {
    double[] sum = {0};
    forEachRow(
        values -> {
          for (double v : values) {
            sum[0] += v;
          }
        });
    return sum[0];
  }

  /** The output line of a raw prediction: {@code label,score_yes}. */
  private byte[] handLine(double[] values) {
    org.tribuo.Prediction<Label> p =
        model.predict(
            new ArrayExample<>(LabelFactory.UNKNOWN_LABEL, LogisticFixture.NAMES, values.clone()));
    String line = p.getOutput().getLabel() + ',' + p.getOutputScores().get("yes").getScore() + '\n';
    return line.getBytes(StandardCharsets.US_ASCII);
  }

  @Benchmark
  public long baselineHandLoopFastParser() throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(handOutput), 1 << 20)) {
      out.write("output,score_yes\n".getBytes(StandardCharsets.US_ASCII));
      return forEachRow(values -> out.write(handLine(values)));
    }
  }

  /**
   * {@link #baselineHandLoopFastParser} on two threads: the file is cut at the first line break
   * after its middle, each thread reads, parses, predicts and writes its half to its own file (the
   * two files, in order, are the output). No reader or writer thread, no hand-off, no ordering: the
   * most two cores can do with this parser and model.
   */
  @Benchmark
  public long baselineHandLoopTwoThreads() throws Exception {
    long size = Files.size(input);
    long cut = lineStartAfter(size / 2);
    Path[] parts = {handOutput, dir.resolve("hand-2.csv")};
    long[][] ranges = {{0, cut}, {cut, size}};
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Long>> halves = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        int half = t;
        halves.add(
            pool.submit(
                () -> {
                  try (OutputStream out =
                      new BufferedOutputStream(Files.newOutputStream(parts[half]), 1 << 20)) {
                    if (half == 0) {
                      out.write("output,score_yes\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    return forEachRow(
                        ranges[half][0],
                        ranges[half][1],
                        half == 0,
                        values -> out.write(handLine(values)));
                  }
                }));
      }
      long n = halves.get(0).get() + halves.get(1).get();
      if (n != rows) {
        throw new IllegalStateException("Read " + n + " rows, expected " + rows);
      }
      return n;
    } finally {
      pool.shutdownNow();
    }
  }

  /** The offset of the first line that starts at or after {@code offset}. */
  private long lineStartAfter(long offset) throws IOException {
    try (FileChannel in = FileChannel.open(input, StandardOpenOption.READ)) {
      ByteBuffer b = ByteBuffer.allocate(1 << 16);
      long position = offset;
      while (in.read(b.clear(), position) > 0) {
        b.flip();
        while (b.hasRemaining()) {
          position++;
          if (b.get() == '\n') {
            return position;
          }
        }
      }
      return position;
    }
  }

  @Benchmark
  public long baselineParsePredictByHand() throws IOException {
    CsvMapper mapper = new CsvMapper();
    mapper.enable(CsvParser.Feature.WRAP_AS_ARRAY);
    long n = 0;
    try (MappingIterator<String[]> it =
            mapper.readerFor(String[].class).readValues(input.toFile());
        BufferedWriter out = Files.newBufferedWriter(handOutput, StandardCharsets.UTF_8)) {
      String[] header = it.next();
      int width = header.length;
      out.write("output,score_yes\n");
      while (it.hasNext()) {
        String[] cells = it.next();
        double[] values = new double[width];
        for (int f = 0; f < width; f++) {
          values[f] = Double.parseDouble(cells[f]);
        }
        org.tribuo.Prediction<Label> p =
            model.predict(new ArrayExample<>(LabelFactory.UNKNOWN_LABEL, header, values));
        out.write(p.getOutput().getLabel());
        out.write(',');
        out.write(Double.toString(p.getOutputScores().get("yes").getScore()));
        out.write('\n');
        n++;
      }
    }
    if (n != rows) {
      throw new IllegalStateException("Read " + n + " rows, expected " + rows);
    }
    return n;
  }
}
