package io.github.mlops4j.serving.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.mlops4j.registry.FeatureSpec;
import io.github.mlops4j.registry.ModelSignature;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.core.Gen;

/**
 * The plain-CSV fast path ({@link PlainCsv}, {@code ChunkScorer.scorePlainCsv}) gives what the CSV
 * parser's path gives (the simple path, {@link ChunkScorer#parseCsvStrict} and {@link
 * ChunkScorer#parseDouble} on each cell's text): the same fields, numbers, rows and reject reasons.
 */
class PlainCsvProperties {
  private static final long SEED = 0x9A1C5L;

  /** Bytes of plain records: separators, number syntax, spaces, letters, non-ASCII text. */
  private static final String[] PIECES = {
    ",",
    ",",
    "0",
    "1",
    "7",
    "9",
    ".",
    "e",
    "E",
    "-",
    "+",
    " ",
    "\t",
    "a",
    "x",
    "N",
    "NaN",
    "Infinity",
    "é",
    "€",
    "#",
    "'",
    ";",
    "\\",
    "0x1p3",
    "d",
    "f",
    "1.5",
    "-2.25e-3",
    "\u00a0"
  };

  @TempDir static Path workspace;
  private static BatchFixtures fx;

  @BeforeAll
  static void open() {
    fx = BatchFixtures.open(workspace);
  }

  @AfterAll
  static void close() {
    fx.close();
  }

  private static Gen<String> texts(int maxPieces) {
    return lists()
        .of(integers().between(0, PIECES.length - 1))
        .ofSizeBetween(0, maxPieces)
        .map(
            picks -> {
              StringBuilder sb = new StringBuilder();
              picks.forEach(k -> sb.append(PIECES[k]));
              return sb.toString();
            });
  }

  @Test
  void split_givesTheFieldsTheCsvParserGives() {
    qt().withFixedSeed(SEED)
        .withExamples(5_000)
        .forAll(texts(20))
        .assuming(PlainCsvProperties::plain)
        .checkAssert(
            record -> {
              byte[] data = (record + "\n").getBytes(StandardCharsets.UTF_8);
              int end = data.length - 1;
              List<String[]> parsed;
              try {
                parsed = ChunkScorer.parseCsvStrict(data, 0, data.length);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
              int[] from = new int[64];
              int[] to = new int[64];
              int n = split(data, 0, end, from, to);
              List<String> fields = new ArrayList<>();
              for (int k = 0; k < n; k++) {
                fields.add(PlainCsv.text(data, from[k], to[k]));
              }
              assertThat(parsed).as(record).hasSize(1);
              assertThat(fields).as(record).containsExactly(parsed.get(0));
            });
  }

  /** {@link #PIECES} and what makes a record not plain or not UTF-8 ({@code <ff>}: byte FF). */
  private static final String[] SCAN_PIECES = {
    ",", ",", ",", "0", "1", "1.5", ".", "-", " ", "\t", "a", "é", "€", "\u0001", "\"", "\r", "<ff>"
  };

  /** Records of {@link #SCAN_PIECES}, the bytes of a chunk: mostly plain, some not. */
  private static Gen<List<byte[]>> scanRecords() {
    Gen<byte[]> record =
        lists()
            .of(integers().between(0, SCAN_PIECES.length - 1))
            .ofSizeBetween(0, 12)
            .zip(
                integers().between(0, 3),
                (picks, keep) -> {
                  ByteArrayOutputStream b = new ByteArrayOutputStream();
                  for (int k : picks) {
                    String piece = SCAN_PIECES[k];
                    if (keep > 0 && k >= SCAN_PIECES.length - 4) {
                      piece = "7"; // mostly plain: most records drop the rare pieces
                    }
                    byte[] bytes =
                        piece.equals("<ff>")
                            ? new byte[] {(byte) 0xFF}
                            : piece.getBytes(StandardCharsets.UTF_8);
                    b.write(bytes, 0, bytes.length);
                  }
                  return b.toByteArray();
                });
    return lists().of(record).ofSizeBetween(1, 8);
  }

  /** One instance for every example, as a worker reuses it chunk after chunk. */
  private static final PlainCsv.Fields SCAN = new PlainCsv.Fields();

  @Test
  void fieldsScan_givesWhatIsPlainSplitAndUtf8Give() {
    qt().withFixedSeed(SEED + 3)
        .withExamples(20_000)
        .forAll(scanRecords(), integers().between(1, 8))
        .checkAssert(
            (records, width) -> {
              ByteArrayOutputStream b = new ByteArrayOutputStream();
              int n = records.size();
              int[] starts = new int[n];
              int[] ends = new int[n];
              for (int i = 0; i < n; i++) {
                starts[i] = b.size();
                b.write(records.get(i), 0, records.get(i).length);
                ends[i] = b.size();
                b.write('\n');
              }
              byte[] data = b.toByteArray();
              RecordSplitter.Chunk chunk =
                  new RecordSplitter.Chunk(
                      0, data, data.length, starts, ends, new long[n], n, data.length, n + 1);
              String what = new String(data, StandardCharsets.ISO_8859_1);
              boolean plain = SCAN.scan(chunk);
              assertThat(plain).as(what).isEqualTo(isPlain(chunk));
              if (!plain) {
                return;
              }
              boolean ascii = true;
              for (int i = 0; i < n; i++) {
                int[] from = new int[width];
                int[] to = new int[width];
                int[] simpleFrom = new int[width];
                int[] simpleTo = new int[width];
                int count = SCAN.fields(i, starts[i], from, to);
                int simple = split(data, starts[i], ends[i], simpleFrom, simpleTo);
                assertThat(count).as(what).isEqualTo(simple);
                int stored = Math.min(count, width);
                assertThat(Arrays.copyOf(from, stored))
                    .as(what)
                    .containsExactly(Arrays.copyOf(simpleFrom, stored));
                assertThat(Arrays.copyOf(to, stored))
                    .as(what)
                    .containsExactly(Arrays.copyOf(simpleTo, stored));
                for (int p = starts[i]; p < ends[i]; p++) {
                  ascii &= data[p] >= 0;
                }
              }
              assertThat(SCAN.ascii()).as(what).isEqualTo(ascii);
              if (ascii) {
                for (int i = 0; i < n; i++) {
                  assertThat(Utf8.firstInvalid(data, starts[i], ends[i])).as(what).isEqualTo(-1);
                }
              }
            });
  }

  @Test
  void parseReal_agreesWithParseDoubleOnTheText() {
    Gen<String> numbers =
        doubles()
            .any()
            .zip(
                integers().between(0, 3),
                (d, form) ->
                    switch (form) {
                      case 0 -> Double.toString(d);
                      case 1 -> String.format(Locale.ROOT, "%.4f", d);
                      case 2 -> String.format(Locale.ROOT, "%.6e", d);
                      default -> " " + Float.toString(d.floatValue()) + "\t";
                    });
    qt().withFixedSeed(SEED)
        .withExamples(10_000)
        .forAll(numbers.mix(texts(6), 40))
        .checkAssert(
            text -> {
              byte[] data = ("," + text + ",").getBytes(StandardCharsets.UTF_8);
              Object simple = parseOrError(() -> ChunkScorer.parseDouble(text));
              Object fast = parseOrError(() -> PlainCsv.parseReal(data, 1, data.length - 1));
              assertThat(fast).as("'%s'", text).isEqualTo(simple);
            });
  }

  /**
   * The short-decimal path of {@link PlainCsv#parseReal} ({@link PlainCsv#shortDecimal}) gives
   * {@link Double#parseDouble}'s value, sign of zero included, or leaves the field to the full
   * parser: fields of digits, signs and points in any arrangement, with up to 20 digits (so past
   * the 15 the short path takes), leading zeros, {@code -0}, {@code .5}, {@code 5.} and the usual
   * decimal forms of random doubles.
   */
  @Test
  void shortDecimals_parseAsParseDouble() {
    String[] symbols = {"0", "1", "2", "5", "9", "0", "7", ".", "-", "+"};
    Gen<String> arranged =
        lists()
            .of(integers().between(0, symbols.length - 1).map(k -> symbols[k]))
            .ofSizeBetween(0, 21)
            .map(parts -> String.join("", parts));
    Gen<String> decimals =
        doubles()
            .between(-1e6, 1e6)
            .zip(
                integers().between(0, 17),
                (d, places) -> String.format(Locale.ROOT, "%." + places + "f", d));
    Gen<String> fixed =
        integers()
            .between(0, 11)
            .map(
                k ->
                    new String[] {
                          "-0",
                          "-0.0",
                          "+0",
                          "0.",
                          ".5",
                          "-.5",
                          "5.",
                          "-",
                          ".",
                          "+.",
                          "1.5.",
                          "999999999999999"
                        }
                        [k]);
    qt().withFixedSeed(SEED + 2)
        .withExamples(20_000)
        .forAll(arranged.mix(decimals, 40).mix(fixed, 10))
        .checkAssert(
            text -> {
              byte[] data = ("," + text + ",").getBytes(StandardCharsets.UTF_8);
              Object simple = parseOrError(() -> Double.parseDouble(text));
              Object fast = parseOrError(() -> PlainCsv.parseReal(data, 1, data.length - 1));
              assertThat(fast).as("'%s'", text).isEqualTo(simple);
              double shortValue = PlainCsv.shortDecimal(data, 1, data.length - 1);
              if (!Double.isNaN(shortValue)) {
                assertThat(Double.valueOf(shortValue)).as("'%s'", text).isEqualTo(simple);
              }
            });
  }

  @Test
  void plainChunks_scoreAsTheCsvParsersPathDoes() {
    List<FeatureSpec> features = fx.service.signature().map(ModelSignature::inputs).orElseThrow();
    Gen<String> cells =
        texts(4).mix(doubles().between(-100, 1000).map(d -> Double.toString(d.doubleValue())), 60);
    Gen<String> records =
        lists()
            .of(cells)
            .ofSizeBetween(2, 5)
            .map(cs -> String.join(",", cs))
            .assuming(PlainCsvProperties::plain);
    qt().withFixedSeed(SEED)
        .withExamples(300)
        .forAll(lists().of(records).ofSizeBetween(1, 6), integers().between(0, 1))
        .checkAssert(
            (rows, signature) -> {
              String csv = "customer_id,tenure,spend,note\n" + String.join("\n", rows) + "\n";
              JobPlan plan =
                  new JobPlan(
                      BatchFormat.CSV,
                      BatchFormat.JSON_LINES,
                      BatchFormat.CSV,
                      List.of("customer_id", "tenure", "spend", "note"),
                      signature == 1 ? features : null,
                      Set.of(),
                      List.of("customer_id", "note"),
                      List.of(),
                      null);
              Scored fast = score(csv, plan, true);
              Scored simple = score(csv, plan, false);
              assertThat(fast.rejects).as(csv).isEqualTo(simple.rejects);
              assertThat(fast.output).as(csv).isEqualTo(simple.output);
              assertThat(fast.counts).as(csv).containsExactly(simple.counts);
            });
  }

  private static boolean plain(String record) {
    byte[] data = record.getBytes(StandardCharsets.UTF_8);
    return isPlain(data, 0, data.length);
  }

  /** A chunk's outcome without the random prediction ids. */
  private record Scored(List<JsonNode> output, String rejects, long[] counts) {}

  private static Scored score(String csv, JobPlan plan, boolean fastCsv) {
    try {
      RecordSplitter splitter =
          new RecordSplitter(
              new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), 0, 1, true, 4096);
      BatchJob.readHeader(splitter);
      RecordSplitter.Chunk chunk = splitter.next(0, 100);
      assertThat(chunk).isNotNull();
      assertThat(isPlain(chunk)).as(csv).isTrue();
      ChunkResult r = new ChunkScorer(plan, fx.service, Duration.ZERO, fastCsv).score(chunk);
      List<JsonNode> output = new ArrayList<>();
      String text = new String(r.output(), StandardCharsets.UTF_8);
      for (String line : text.split("\n")) {
        if (!line.isEmpty()) {
          ObjectNode node = (ObjectNode) ChunkScorer.JSON.readTree(line);
          assertThat(node.remove(JobPlan.PREDICTION_ID)).isNotNull();
          output.add(node);
        }
      }
      return new Scored(
          output,
          new String(r.rejects(), StandardCharsets.UTF_8),
          new long[] {r.rowsRead(), r.rowsScored(), r.rowsRejected(), r.modelErrors()});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Object parseOrError(java.util.function.DoubleSupplier parse) {
    try {
      return Double.valueOf(parse.getAsDouble()); // boxed: NaN equals NaN, -0.0 differs from 0.0
    } catch (NumberFormatException e) {
      return NumberFormatException.class;
    }
  }

  @Test
  void isPlain_refusesQuotesCarriageReturnsAndBlankRecords() throws IOException {
    for (String record : List.of("a,\"b\",c", "a,b\rc", " \t ", "a, b", " a,b", "\ta")) {
      byte[] data = (record + "\n").getBytes(StandardCharsets.UTF_8);
      RecordSplitter.Chunk chunk =
          new RecordSplitter.Chunk(
              0,
              data,
              data.length,
              new int[] {0},
              new int[] {data.length - 1},
              new long[] {1},
              1,
              data.length,
              2);
      assertThat(isPlain(chunk)).as(Arrays.toString(data)).isFalse();
    }
  }

  // The plain check and the split as they were before PlainCsv.Fields did both in one pass: the
  // simple path the one pass is compared with.

  /**
   * True if every record of the chunk is plain: no {@code '"'}, no {@code '\r'}, and no field that
   * starts with a space, a tab or another control character (the CSV parser drops such leading
   * bytes while it looks for an opening quote; a record that holds one takes its path, which also
   * covers blank and empty records).
   */
  private static boolean isPlain(RecordSplitter.Chunk chunk) {
    byte[] data = chunk.data();
    int[] starts = chunk.starts();
    int[] ends = chunk.ends();
    for (int i = 0; i < chunk.count(); i++) {
      if (!isPlain(data, starts[i], ends[i])) {
        return false;
      }
    }
    return true;
  }

  /**
   * True if the record {@code data[from, to)} is plain (see {@link
   * #isPlain(RecordSplitter.Chunk)}).
   */
  private static boolean isPlain(byte[] data, int from, int to) {
    if (from == to) {
      return false; // an empty line, which the parser skips
    }
    boolean fieldStart = true;
    for (int p = from; p < to; p++) {
      byte b = data[p];
      if (b == '"' || b == '\r' || (fieldStart && b >= 0 && b <= ' ')) {
        return false;
      }
      fieldStart = b == ',';
    }
    return true;
  }

  /**
   * Splits the plain record {@code data[from, to)} at its commas into fields: field {@code k} is
   * {@code data[fieldFrom[k], fieldTo[k])}. Returns the number of fields, which may exceed the
   * arrays' length (then only the first {@code fieldFrom.length} are stored).
   */
  private static int split(byte[] data, int from, int to, int[] fieldFrom, int[] fieldTo) {
    int n = 0;
    int start = from;
    for (int p = from; p < to; p++) {
      if (data[p] == ',') {
        if (n < fieldFrom.length) {
          fieldFrom[n] = start;
          fieldTo[n] = p;
        }
        n++;
        start = p + 1;
      }
    }
    if (n < fieldFrom.length) {
      fieldFrom[n] = start;
      fieldTo[n] = to;
    }
    return n + 1;
  }
}
