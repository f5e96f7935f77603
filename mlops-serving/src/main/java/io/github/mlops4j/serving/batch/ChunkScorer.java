package io.github.mlops4j.serving.batch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.NumberInput;
import com.fasterxml.jackson.core.io.NumberOutput;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.github.mlops4j.registry.FeatureSpec;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.InvalidInputException;
import io.github.mlops4j.serving.OverloadedException;
import io.github.mlops4j.serving.Prediction;
import io.github.mlops4j.serving.internal.BatchAccess;
import io.github.mlops4j.serving.internal.DenseRow;
import io.github.mlops4j.serving.internal.Texts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Turns one chunk of raw records into output and reject bytes: parses the records, converts cells
 * to the model's input types, predicts the rows through the service's batch path (one model call
 * per version the rows were routed to, for up to {@link #MAX_BATCH_ROWS} rows) and formats the
 * rows. One instance per worker thread (not thread-safe).
 */
final class ChunkScorer {
  static final CsvFactory CSV =
      CsvFactory.builder()
          .enable(CsvParser.Feature.WRAP_AS_ARRAY)
          .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
          .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
          .build();

  /** Reads rows (a key given twice in an object is an error) and writes output rows. */
  static final ObjectMapper JSON =
      new ObjectMapper(
              JsonFactory.builder()
                  .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
                  .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                  .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static final long MAX_BACKOFF_NANOS = Duration.ofMillis(100).toNanos();

  /**
   * The most rows predicted in one batch: a chunk of more rows is predicted in batches of this
   * many, so that the converted requests of a huge chunk are not all held at once.
   */
  static final int MAX_BATCH_ROWS = 8192;

  private final JobPlan plan;
  private final InferenceService service;
  private final long overloadRetryNanos;

  /**
   * The initial size of a chunk's output buffer: grown to the largest output of the chunks before
   * (chunks are mostly alike), so that the buffer of a chunk is not grown, and copied, row by row.
   */
  private int outputHint = RowSink.INITIAL_SIZE;

  /**
   * The largest {@link #outputHint}, so that one huge chunk does not size every buffer after it.
   */
  static final int MAX_OUTPUT_HINT = 1 << 22;

  /** Whether chunks of plain CSV records take {@link #scorePlainCsv} (off only in tests). */
  private final boolean fastCsv;

  /**
   * Whether the rows of plain CSV records whose inputs are all numbers go to the service as {@link
   * DenseRow}s instead of maps (off only in tests).
   */
  private final boolean denseRows;

  /**
   * Whether a batch of staged rows that are all {@link DenseRow}s is offered to the service's chunk
   * path ({@link BatchAccess#predictDense}) before its row-by-row one (off only in tests).
   */
  private final boolean denseBatches;

  ChunkScorer(JobPlan plan, InferenceService service, Duration overloadRetry) {
    this(plan, service, overloadRetry, true);
  }

  ChunkScorer(JobPlan plan, InferenceService service, Duration overloadRetry, boolean fastCsv) {
    this(plan, service, overloadRetry, fastCsv, true);
  }

  ChunkScorer(
      JobPlan plan,
      InferenceService service,
      Duration overloadRetry,
      boolean fastCsv,
      boolean denseRows) {
    this(plan, service, overloadRetry, fastCsv, denseRows, true);
  }

  ChunkScorer(
      JobPlan plan,
      InferenceService service,
      Duration overloadRetry,
      boolean fastCsv,
      boolean denseRows,
      boolean denseBatches) {
    this.fastCsv = fastCsv;
    this.denseRows = denseRows;
    this.denseBatches = denseBatches;
    this.plan = plan;
    this.service = service;
    this.overloadRetryNanos = overloadRetry.toNanos();
  }

  /** Scores a chunk. Rows are written in input order. */
  ChunkResult score(RecordSplitter.Chunk chunk) {
    ChunkResult.Builder result = new ChunkResult.Builder(chunk);
    pending.clear(); // left by a chunk that failed
    requests.clear();
    try (RowSink out = RowSink.output(plan, outputHint);
        RowSink rejects = RowSink.rejects(plan)) {
      if (plan.inputFormat == BatchFormat.CSV) {
        scoreCsv(chunk, result, out, rejects);
      } else {
        scoreJsonLines(chunk, result, out, rejects);
      }
      flush(result, out, rejects, chunk);
      out.finish();
      rejects.finish();
      byte[] output = out.bytes();
      // the next chunk's buffer starts at this one's size and a sixteenth more, up to a bound
      outputHint =
          Math.min(MAX_OUTPUT_HINT, Math.max(outputHint, output.length + output.length / 16));
      return result.build(output, rejects.bytes());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot format rows of the chunk starting at line " + chunk.lines()[0], e);
    }
  }

  // ---------------------------------------------------------------- CSV

  private void scoreCsv(
      RecordSplitter.Chunk chunk, ChunkResult.Builder result, RowSink out, RowSink rejects)
      throws IOException {
    // One pass finds whether the chunk is plain, its fields and whether it is all ASCII; a chunk
    // that is not (or not plain) has its records checked for UTF-8 as before.
    boolean plain = fastCsv && fields.scan(chunk);
    int[] badUtf8 = plain && fields.ascii() ? null : invalidUtf8(chunk);
    if (badUtf8 == null && plain) {
      scorePlainCsv(chunk, result, out, rejects);
      return;
    }
    List<String[]> rows = badUtf8 == null ? parseCsv(chunk.data(), 0, chunk.dataLength()) : null;
    boolean aligned = rows != null && rows.size() == chunk.count();
    List<String> header = plan.header;
    int columns = header == null ? 0 : header.size();
    for (int i = 0; i < chunk.count(); i++) {
      String[] cells;
      if (badUtf8 != null && badUtf8[i] >= 0) {
        rejectUtf8(result, rejects, chunk, i, badUtf8[i]);
        continue;
      }
      if (aligned) {
        cells = Objects.requireNonNull(rows, "aligned rows").get(i);
      } else {
        // The chunk as a whole did not parse into its records: parse this record on its own.
        List<String[]> one;
        String problem = null;
        try {
          one =
              parseCsvStrict(
                  chunk.data(), chunk.starts()[i], chunk.ends()[i] - chunk.starts()[i] + 1);
        } catch (IOException e) {
          one = null;
          problem = "malformed CSV: " + firstLine(e.getMessage());
        }
        if (one == null || one.size() != 1) {
          skip(
              result,
              rejects,
              chunk,
              i,
              problem != null ? problem : "malformed CSV: the record does not parse as one row");
          continue;
        }
        cells = one.get(0);
      }
      if (cells.length != columns) {
        skip(
            result,
            rejects,
            chunk,
            i,
            "expected " + columns + " columns but found " + cells.length);
        continue;
      }
      Map<String, Object> request =
          new HashMap<>(
              capacity(
                  plan.features == null
                      ? columns
                      : plan.inputColumns.length + plan.requestColumns.size()));
      String problem = csvRequest(cells, request);
      if (problem != null) {
        skip(result, rejects, chunk, i, problem);
        continue;
      }
      @Nullable Object[] passThrough = new Object[plan.passThrough.size()];
      for (int p = 0; p < passThrough.length; p++) {
        passThrough[p] = cells[plan.passThroughColumns[p]];
      }
      stage(result, out, rejects, chunk, i, request, passThrough);
    }
  }

  /**
   * The pass-through values of a row when there are none (shared: an empty array never changes).
   */
  private static final @Nullable Object[] NO_PASS_THROUGH = new Object[0];

  /** The fields of the current chunk when it is plain ({@link PlainCsv.Fields#scan}). */
  private final PlainCsv.Fields fields = new PlainCsv.Fields();

  /** Field bounds of the current plain record (grown to the header's width). */
  private int[] fieldFrom = new int[0];

  private int[] fieldTo = new int[0];

  /**
   * {@link #scoreCsv} for a chunk of plain records ({@link PlainCsv}): the same rows, requests and
   * reject reasons, without the CSV parser and without a text per numeric cell.
   */
  private void scorePlainCsv(
      RecordSplitter.Chunk chunk, ChunkResult.Builder result, RowSink out, RowSink rejects)
      throws IOException {
    List<String> header = plan.header;
    int columns = header == null ? 0 : header.size();
    if (fieldFrom.length < columns) {
      fieldFrom = new int[columns];
      fieldTo = new int[columns];
    }
    byte[] data = chunk.data();
    String @Nullable [] denseNames = denseRows ? plan.denseNames : null;
    int capacity =
        capacity(
            plan.features == null
                ? columns
                : plan.inputColumns.length + plan.requestColumns.size());
    for (int i = 0; i < chunk.count(); i++) {
      int n = fields.fields(i, chunk.starts()[i], fieldFrom, fieldTo);
      if (n != columns) {
        skip(result, rejects, chunk, i, "expected " + columns + " columns but found " + n);
        continue;
      }
      @Nullable Map<String, Object> request =
          denseNames == null ? null : denseRow(data, denseNames);
      @Nullable String problem = null;
      if (request == null) {
        request = new HashMap<>(capacity);
        if (plan.features == null) {
          String[] cells = new String[columns];
          for (int c = 0; c < columns; c++) {
            cells[c] = PlainCsv.text(data, fieldFrom[c], fieldTo[c]);
          }
          problem = csvRequest(cells, request);
        } else {
          problem = plainRequest(data, request);
        }
      }
      if (problem != null) {
        skip(result, rejects, chunk, i, problem);
        continue;
      }
      @Nullable Object[] passThrough =
          plan.passThrough.isEmpty() ? NO_PASS_THROUGH : new Object[plan.passThrough.size()];
      for (int p = 0; p < passThrough.length; p++) {
        int c = plan.passThroughColumns[p];
        passThrough[p] = PlainCsv.text(data, fieldFrom[c], fieldTo[c]);
      }
      stage(result, out, rejects, chunk, i, request, passThrough);
    }
  }

  /**
   * The request of a plain record whose inputs are all numeric columns ({@link
   * JobPlan#denseNames}), as a {@link DenseRow}: the same entries as the map {@link #plainRequest}
   * fills, in the same order, without a map entry or a boxed number per cell. Null if a cell is
   * empty or not a number: that row takes {@code plainRequest}, which leaves the missing value out
   * or gives the reject reason.
   */
  private @Nullable DenseRow denseRow(byte[] data, String[] names) {
    int[] inputs = plan.denseInputs;
    double[] values = new double[inputs.length];
    for (int k = 0; k < inputs.length; k++) {
      int c = plan.inputColumns[inputs[k]];
      int from = fieldFrom[c];
      int to = fieldTo[c];
      if (from == to) {
        return null;
      }
      try {
        values[k] = PlainCsv.parseReal(data, from, to);
      } catch (NumberFormatException e) {
        return null; // the map path gives the reject reason
      }
    }
    return new DenseRow(names, values);
  }

  /**
   * {@link #csvRequest} for the fields of a plain record (the model has a signature): numbers are
   * parsed from the bytes; a text is made only for the cells that are kept as text or rejected.
   */
  private @Nullable String plainRequest(byte[] data, Map<String, Object> request) {
    List<String> problems = null;
    for (int f = 0; f < plan.inputColumns.length; f++) {
      String name = plan.inputNames[f];
      int from = fieldFrom[plan.inputColumns[f]];
      int to = fieldTo[plan.inputColumns[f]];
      if (from == to) {
        continue; // missing value: the service's validation policy decides
      }
      switch (plan.inputKinds[f]) {
        case JobPlan.REAL -> {
          try {
            request.put(name, PlainCsv.parseReal(data, from, to));
          } catch (NumberFormatException e) {
            if (problems == null) {
              problems = new ArrayList<>(2);
            }
            problems.add(
                "'"
                    + name
                    + "' is not a number: '"
                    + abbreviate(PlainCsv.text(data, from, to))
                    + "'");
          }
        }
        case JobPlan.TEXT -> request.put(name, PlainCsv.text(data, from, to));
        default -> request.put(name, numberOrText(PlainCsv.text(data, from, to)));
      }
    }
    for (int r = 0; r < plan.requestColumns.size(); r++) {
      int c = plan.requestColumnIndexes[r];
      if (fieldFrom[c] != fieldTo[c]) {
        request.put(plan.requestColumns.get(r), PlainCsv.text(data, fieldFrom[c], fieldTo[c]));
      }
    }
    return problems == null ? null : String.join("; ", problems);
  }

  /** Fills the request from CSV cells; returns a reject reason, or null. */
  private @Nullable String csvRequest(String[] cells, Map<String, Object> request) {
    List<FeatureSpec> features = plan.features;
    if (features == null) {
      // No signature: numbers as numbers, anything else as text; empty cells are left out.
      List<String> header = plan.header;
      for (int c = 0; c < cells.length; c++) {
        String cell = cells[c];
        if (!cell.isEmpty() && header != null) {
          request.put(header.get(c), numberOrText(cell));
        }
      }
      return null;
    }
    List<String> problems = null;
    for (int f = 0; f < plan.inputColumns.length; f++) {
      String name = plan.inputNames[f];
      String cell = cells[plan.inputColumns[f]];
      if (cell.isEmpty()) {
        continue; // missing value: the service's validation policy decides
      }
      switch (plan.inputKinds[f]) {
        case JobPlan.REAL -> {
          try {
            request.put(name, parseDouble(cell));
          } catch (NumberFormatException e) {
            if (problems == null) {
              problems = new ArrayList<>(2);
            }
            problems.add("'" + name + "' is not a number: '" + abbreviate(cell) + "'");
          }
        }
        // a category, encoded by the service as predict(Map) does
        case JobPlan.TEXT -> request.put(name, cell);
        // Tribuo's categorical features and one-hot columns hold numbers
        default -> request.put(name, numberOrText(cell));
      }
    }
    for (int r = 0; r < plan.requestColumns.size(); r++) {
      String cell = cells[plan.requestColumnIndexes[r]];
      if (!cell.isEmpty()) {
        request.put(plan.requestColumns.get(r), cell);
      }
    }
    return problems == null ? null : String.join("; ", problems);
  }

  /**
   * A cell of a categorical or one-hot column as {@code predict(Map)} would get it from a client: a
   * number when it is one, {@code true}/{@code false} as booleans (which count as 1 and 0), else
   * the text.
   */
  private static Object numberOrText(String cell) {
    if (cell.isEmpty()) {
      return cell;
    }
    if (cell.equalsIgnoreCase("true") || cell.equalsIgnoreCase("false")) {
      return Boolean.valueOf(cell);
    }
    char c = cell.charAt(0);
    if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.') {
      try {
        return parseDouble(cell);
      } catch (NumberFormatException e) {
        return cell;
      }
    }
    return cell;
  }

  /**
   * Parses a number as {@link Double#parseDouble} does (same syntax and result), with Jackson's
   * bundled fast parser.
   */
  static double parseDouble(String text) {
    return NumberInput.parseDouble(text, true);
  }

  /**
   * For each record of the chunk, the offset in it of its first byte that is not valid UTF-8, or
   * -1; null when every record is valid (the common case: one pass, no allocation).
   */
  private static int @Nullable [] invalidUtf8(RecordSplitter.Chunk chunk) {
    int[] bad = null;
    for (int i = 0; i < chunk.count(); i++) {
      int from = chunk.starts()[i];
      int at = Utf8.firstInvalid(chunk.data(), from, chunk.ends()[i]);
      if (at >= 0) {
        if (bad == null) {
          bad = new int[chunk.count()];
          java.util.Arrays.fill(bad, -1);
        }
        bad[i] = at - from;
      }
    }
    return bad;
  }

  private void rejectUtf8(
      ChunkResult.Builder result,
      RowSink rejects,
      RecordSplitter.Chunk chunk,
      int record,
      int offset)
      throws IOException {
    skip(
        result,
        rejects,
        chunk,
        record,
        "not valid UTF-8 (byte " + (offset + 1) + " of the record); the input must be UTF-8");
  }

  /** Parses CSV rows; null if the text does not parse. */
  private static @Nullable List<String[]> parseCsv(byte[] data, int offset, int length) {
    try {
      return parseCsvStrict(data, offset, length);
    } catch (IOException e) {
      return null;
    }
  }

  static List<String[]> parseCsvStrict(byte[] data, int offset, int length) throws IOException {
    List<String[]> rows = new ArrayList<>();
    try (CsvParser p = CSV.createParser(data, offset, length)) {
      p.setSchema(CsvSchema.emptySchema());
      if (p.nextToken() != JsonToken.START_ARRAY) {
        return rows;
      }
      List<String> cells = new ArrayList<>();
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.START_ARRAY) {
        cells.clear();
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
          if (t == null) {
            throw new IOException("unexpected end of CSV input");
          }
          cells.add(p.getText());
        }
        rows.add(cells.toArray(new String[0]));
      }
    }
    return rows;
  }

  // ---------------------------------------------------------------- JSON Lines

  private void scoreJsonLines(
      RecordSplitter.Chunk chunk, ChunkResult.Builder result, RowSink out, RowSink rejects)
      throws IOException {
    for (int i = 0; i < chunk.count(); i++) {
      int from = chunk.starts()[i];
      int len = chunk.ends()[i] - from;
      int bad = Utf8.firstInvalid(chunk.data(), from, from + len);
      if (bad >= 0) {
        rejectUtf8(result, rejects, chunk, i, bad - from);
        continue;
      }
      JsonNode node;
      try {
        node = JSON.readTree(chunk.data(), from, len);
      } catch (IOException e) {
        skip(result, rejects, chunk, i, jsonProblem(e));
        continue;
      }
      if (node == null || !node.isObject()) {
        skip(result, rejects, chunk, i, "expected a JSON object");
        continue;
      }
      Map<String, Object> request = new HashMap<>();
      String problem = jsonRequest(node, request);
      if (problem != null) {
        skip(result, rejects, chunk, i, problem);
        continue;
      }
      @Nullable Object[] passThrough = new Object[plan.passThrough.size()];
      for (int p = 0; p < passThrough.length; p++) {
        JsonNode v = node.get(plan.passThrough.get(p));
        passThrough[p] = v == null || v.isNull() ? null : v;
      }
      stage(result, out, rejects, chunk, i, request, passThrough);
    }
  }

  /** The reject reason of a line that does not parse, bounded. */
  static String jsonProblem(IOException e) {
    if (e instanceof JsonParseException p
        && p.getMessage() != null
        && p.getOriginalMessage().startsWith("Duplicate field '")) {
      String m = p.getOriginalMessage();
      int end = m.lastIndexOf('\'');
      String key = end > 17 ? m.substring(17, end) : m;
      return "duplicate key '" + Texts.abbreviate(key) + "': each key of a row must be unique";
    }
    return "malformed JSON: " + Texts.abbreviate(firstLine(e.getMessage()), 3 * Texts.MAX);
  }

  private @Nullable String jsonRequest(JsonNode node, Map<String, Object> request) {
    List<FeatureSpec> features = plan.features;
    if (features == null) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        JsonNode v = e.getValue();
        if (v.isNumber()) {
          request.put(e.getKey(), v.doubleValue());
        } else if (v.isTextual()) {
          request.put(e.getKey(), v.textValue());
        }
      }
      return null;
    }
    List<String> problems = null;
    for (FeatureSpec spec : features) {
      JsonNode v = node.get(spec.name());
      if (v == null || v.isNull()) {
        continue; // missing value: the service's validation policy decides
      }
      String problem = null;
      if (spec.type() != FeatureSpec.Type.CATEGORICAL) { // REAL, INTEGER: a number
        if (v.isNumber()) {
          request.put(spec.name(), v.doubleValue());
        } else if (v.isTextual()) {
          try {
            request.put(spec.name(), parseDouble(v.textValue()));
          } catch (NumberFormatException e) {
            problem = "'" + spec.name() + "' is not a number: '" + abbreviate(v.textValue()) + "'";
          }
        } else {
          problem = "'" + spec.name() + "' is not a number: " + abbreviate(v.toString());
        }
      } else if (v.isNumber()) {
        request.put(spec.name(), v.doubleValue());
      } else if (v.isValueNode()) {
        request.put(spec.name(), numberOrText(v.asText()));
      } else {
        problem = "'" + spec.name() + "' is not a single value: " + abbreviate(v.toString());
      }
      if (problem != null) {
        if (problems == null) {
          problems = new ArrayList<>(2);
        }
        problems.add(problem);
      }
    }
    for (Map.Entry<String, List<String>> g : plan.groups.entrySet()) {
      // the raw form of a one-hot encoded field: the service encodes it as predict(Map) does
      JsonNode v = node.get(g.getKey());
      if (v != null && !v.isNull()) {
        if (v.isValueNode()) {
          request.put(g.getKey(), v.isNumber() ? v.numberValue() : v.asText());
        } else {
          if (problems == null) {
            problems = new ArrayList<>(2);
          }
          problems.add("'" + g.getKey() + "' is not a single value: " + abbreviate(v.toString()));
        }
      }
    }
    for (String column : plan.requestColumns) {
      JsonNode v = node.get(column);
      if (v != null && v.isValueNode() && !v.isNull()) {
        request.put(column, v.asText());
      }
    }
    return problems == null ? null : String.join("; ", problems);
  }

  // ---------------------------------------------------------------- predict and write

  /**
   * A record of the chunk waiting for the batch prediction of the rows staged before it: a row to
   * predict (request set) or a reject written in its place, so that rejects keep input order.
   */
  @SuppressWarnings("ArrayRecordComponent") // private, never compared or hashed: only carried
  private record Pending(
      int record, @Nullable Object @Nullable [] passThrough, @Nullable String reason) {}

  private final List<Pending> pending = new ArrayList<>();
  private final List<Map<String, Object>> requests = new ArrayList<>();

  /** Rejects a record that never reached the model: now, or after the rows staged before it. */
  private void skip(
      ChunkResult.Builder result,
      RowSink rejects,
      RecordSplitter.Chunk chunk,
      int record,
      String reason)
      throws IOException {
    if (pending.isEmpty()) {
      reject(result, rejects, chunk, record, reason, false);
    } else {
      pending.add(new Pending(record, null, reason));
    }
  }

  /** Stages a row for the chunk's batch prediction; predicts a full batch at once. */
  private void stage(
      ChunkResult.Builder result,
      RowSink out,
      RowSink rejects,
      RecordSplitter.Chunk chunk,
      int record,
      Map<String, Object> request,
      @Nullable Object[] passThrough)
      throws IOException {
    pending.add(new Pending(record, passThrough, null));
    requests.add(request);
    if (requests.size() >= MAX_BATCH_ROWS) {
      flush(result, out, rejects, chunk);
    }
  }

  /**
   * Predicts the staged rows in one batch ({@code InferenceService.predictAll}'s path: one model
   * call per version the rows were routed to) and writes them and the rejects between them in input
   * order.
   */
  private void flush(
      ChunkResult.Builder result, RowSink out, RowSink rejects, RecordSplitter.Chunk chunk)
      throws IOException {
    if (pending.isEmpty()) {
      return;
    }
    BatchAccess.@Nullable DenseResult dense = predictDense();
    List<BatchAccess.RowResult> predicted =
        requests.isEmpty() || dense != null
            ? List.of()
            : predict(chunk.lines()[pending.get(0).record()]);
    int next = 0;
    for (Pending row : pending) {
      String reason = row.reason();
      if (reason != null) {
        reject(result, rejects, chunk, row.record(), reason, false);
      } else if (dense != null) {
        int i = next++;
        Map<String, Double> scores = dense.scores().get(i);
        out.prediction(
            Objects.requireNonNull(row.passThrough()),
            dense.idPrefix(),
            dense.firstId() + i,
            dense.version(),
            dense.outputs().get(i),
            scores,
            plan.scoreKeys(scores));
        result.scored();
      } else {
        write(
            result,
            out,
            rejects,
            chunk,
            row.record(),
            predicted.get(next++),
            Objects.requireNonNull(row.passThrough()));
      }
    }
    pending.clear();
    requests.clear();
  }

  private void write(
      ChunkResult.Builder result,
      RowSink out,
      RowSink rejects,
      RecordSplitter.Chunk chunk,
      int record,
      BatchAccess.RowResult outcome,
      @Nullable Object[] passThrough)
      throws IOException {
    RuntimeException error = outcome.error();
    if (error instanceof InvalidInputException e) {
      // the row's own fault (never a model error): at most 10 problems, each bounded
      List<InvalidInputException.Problem> problems = e.problems();
      int shown = Math.min(problems.size(), InvalidInputException.MESSAGE_PROBLEMS);
      String reason =
          problems.subList(0, shown).stream()
                  .map(Object::toString)
                  .collect(Collectors.joining("; "))
              + (problems.size() > shown ? "; ... and " + (problems.size() - shown) + " more" : "");
      reject(result, rejects, chunk, record, "invalid input: " + reason, false);
      return;
    }
    if (error != null) {
      result.modelError(error);
      reject(
          result,
          rejects,
          chunk,
          record,
          "model error: " + error.getClass().getSimpleName() + ": " + firstLine(error.getMessage()),
          true);
      return;
    }
    Prediction p = Objects.requireNonNull(outcome.prediction());
    List<String> keys = plan.scoreKeys(p.scores());
    out.prediction(passThrough, p, keys);
    result.scored();
  }

  /**
   * The staged rows predicted in one call of the service's chunk path, when every one is a {@link
   * DenseRow} and the service takes them that way ({@link BatchAccess#predictDense}); else null.
   */
  private BatchAccess.@Nullable DenseResult predictDense() {
    if (!denseBatches || requests.isEmpty()) {
      return null;
    }
    List<DenseRow> rows = new ArrayList<>(requests.size());
    for (Map<String, Object> r : requests) {
      if (!(r instanceof DenseRow row)) {
        return null;
      }
      rows.add(row);
    }
    return BatchAccess.predictDense(service, rows);
  }

  /**
   * The outcome of each staged request; the requests the service refused as overloaded are sent
   * again with backoff until {@code overloadRetry} has passed.
   */
  private List<BatchAccess.RowResult> predict(long firstLine) {
    long backoff = Duration.ofMillis(1).toNanos();
    long giveUp = System.nanoTime() + overloadRetryNanos;
    List<BatchAccess.RowResult> results =
        new ArrayList<>(BatchAccess.predictEach(service, requests));
    while (true) {
      List<Integer> overloaded = new ArrayList<>();
      for (int i = 0; i < results.size(); i++) {
        if (results.get(i).error() instanceof OverloadedException) {
          overloaded.add(i);
        }
      }
      if (overloaded.isEmpty() || System.nanoTime() + backoff - giveUp > 0) {
        return results;
      }
      LockSupport.parkNanos(backoff);
      if (Thread.currentThread().isInterrupted()) {
        throw new BatchJobException(
            "Interrupted while retrying line "
                + firstLine
                + " and the rows after it after the service was overloaded");
      }
      backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
      List<Map<String, Object>> again = new ArrayList<>(overloaded.size());
      overloaded.forEach(i -> again.add(requests.get(i)));
      List<BatchAccess.RowResult> retried = BatchAccess.predictEach(service, again);
      for (int k = 0; k < overloaded.size(); k++) {
        results.set(overloaded.get(k), retried.get(k));
      }
    }
  }

  private static void reject(
      ChunkResult.Builder result,
      RowSink rejects,
      RecordSplitter.Chunk chunk,
      int record,
      String reason,
      boolean modelError)
      throws IOException {
    int from = chunk.starts()[record];
    String raw =
        new String(chunk.data(), from, chunk.ends()[record] - from, StandardCharsets.UTF_8);
    rejects.reject(chunk.lines()[record], reason, raw);
    result.rejected(modelError);
  }

  private static int capacity(int entries) {
    return (int) (entries / 0.75f) + 1;
  }

  static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }

  static String firstLine(@Nullable String message) {
    if (message == null) {
      return "(no message)";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  // ---------------------------------------------------------------- output formatting

  /** Formats output or reject rows of one chunk into bytes. */
  abstract static class RowSink implements AutoCloseable {
    /** The size a buffer starts at unless told otherwise. */
    static final int INITIAL_SIZE = 8192;

    final Bytes buffer;
    private boolean closed;

    RowSink(int initialSize) {
      buffer = new Bytes(initialSize);
    }

    static RowSink output(JobPlan plan, int initialSize) throws IOException {
      return plan.outputFormat == BatchFormat.CSV
          ? new CsvSink(true, initialSize)
          : new JsonSink(plan, initialSize);
    }

    static RowSink rejects(JobPlan plan) throws IOException {
      return plan.rejectsFormat == BatchFormat.CSV
          ? new CsvSink()
          : new JsonSink(plan, INITIAL_SIZE);
    }

    abstract JsonGenerator generator();

    abstract void prediction(@Nullable Object[] passThrough, Prediction p, List<String> keys)
        throws IOException;

    /**
     * Writes the row of a prediction of the service's chunk path, with the id {@code idPrefix +
     * Long.toHexString(idNumber)}: the bytes {@link #prediction} writes for the same prediction.
     */
    void prediction(
        @Nullable Object[] passThrough,
        String idPrefix,
        long idNumber,
        int version,
        String output,
        Map<String, Double> scores,
        List<String> keys)
        throws IOException {
      prediction(
          passThrough,
          new Prediction(
              idPrefix + Long.toHexString(idNumber),
              "",
              version,
              output,
              scores,
              Duration.ZERO,
              ""),
          keys);
    }

    abstract void reject(long line, String reason, String raw) throws IOException;

    /** Flushes what was written into {@link #bytes()}; closing again does nothing. */
    void finish() throws IOException {
      close();
    }

    byte[] bytes() {
      return buffer.toByteArray();
    }

    @Override
    public void close() throws IOException {
      if (!closed) {
        closed = true;
        generator().close();
      }
    }

    static String text(@Nullable Object value) {
      if (value == null) {
        return "";
      }
      if (value instanceof JsonNode node) {
        return node.isValueNode() ? node.asText() : node.toString();
      }
      return value.toString();
    }
  }

  /**
   * The bytes of one sink: a {@link ByteArrayOutputStream} whose writes are not synchronized (a
   * sink belongs to one thread) and that {@link CsvSink#plainRow} writes ASCII into in place.
   */
  @SuppressWarnings("UnsynchronizedOverridesSynchronized") // one thread writes a sink
  static final class Bytes extends ByteArrayOutputStream {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    Bytes(int initialSize) {
      super(initialSize);
    }

    @Override
    public void write(int b) {
      ensure(1);
      buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      Objects.checkFromIndexSize(off, len, b.length);
      ensure(len);
      System.arraycopy(b, off, buf, count, len);
      count += len;
    }

    /** Makes room for {@code extra} more bytes. */
    void ensure(int extra) {
      if (extra > buf.length - count) {
        buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, count + extra));
      }
    }

    /** Appends a text of ASCII characters only (a plain text or a formatted number). */
    @SuppressWarnings("deprecation") // getBytes(int, int, byte[], int) copies ASCII as it is
    void ascii(String ascii) {
      int n = ascii.length();
      ensure(n);
      ascii.getBytes(0, n, buf, count);
      count += n;
    }

    /** Appends {@code Long.toHexString(v)} for {@code v >= 0}. */
    void hex(long v) {
      int digits = CsvSink.hexDigits(v);
      ensure(digits);
      long rest = v;
      for (int k = count + digits - 1; k >= count; k--) {
        buf[k] = HEX[(int) (rest & 0xF)];
        rest >>>= 4;
      }
      count += digits;
    }
  }

  static final class CsvSink extends RowSink {
    private final CsvGenerator gen;

    /** Whether rows of plain texts skip the generator ({@link #plainRow}; off only in tests). */
    private final boolean plainRows;

    CsvSink() throws IOException {
      this(true);
    }

    CsvSink(boolean plainRows) throws IOException {
      this(plainRows, INITIAL_SIZE);
    }

    CsvSink(boolean plainRows, int initialSize) throws IOException {
      super(initialSize);
      this.plainRows = plainRows;
      gen = CSV.createGenerator(buffer);
      gen.setSchema(CsvSchema.emptySchema());
    }

    @Override
    JsonGenerator generator() {
      return gen;
    }

    /**
     * Writes a text cell. The CSV writer cannot write an unpaired surrogate (a JSON input may hold
     * one as {@code "\ud800"}): it is written as U+FFFD.
     */
    private void cell(String text) throws IOException {
      gen.writeString(Texts.wellFormed(text));
    }

    /** Writes one row of text cells. */
    void row(List<String> cells) throws IOException {
      generatorPending = true;
      gen.writeStartArray();
      for (String c : cells) {
        cell(c);
      }
      gen.writeEndArray();
    }

    /** The model version of the last plain row, and its text (one version per chunk, mostly). */
    private int version = -1;

    private String versionText = "-1";

    /**
     * The last id prefix of a chunk-path row found plain, and its bytes: the rows of a chunk share
     * one prefix instance, which is then checked and encoded once (compared by identity).
     */
    private @Nullable String plainPrefix;

    private byte[] plainPrefixBytes = new byte[0];

    /**
     * Outputs of chunk-path rows found plain (compared by identity: a classifier's rows share its
     * label texts), up to {@value #OUTPUTS} of them, replaced in turn.
     */
    private final @Nullable String[] plainOutputs = new String[OUTPUTS];

    private int nextOutput;

    private static final int OUTPUTS = 8;

    /** Whether the generator holds output not yet flushed into {@link #buffer}. */
    private boolean generatorPending;

    @Override
    void prediction(@Nullable Object[] passThrough, Prediction p, List<String> keys)
        throws IOException {
      if (plainRows
          && plainRow(passThrough, p.id(), -1, p.version(), p.output(), p.scores(), keys)) {
        return;
      }
      generatorRow(passThrough, p.id(), p.version(), p.output(), p.scores(), keys);
    }

    @Override
    void prediction(
        @Nullable Object[] passThrough,
        String idPrefix,
        long idNumber,
        int version,
        String output,
        Map<String, Double> scores,
        List<String> keys)
        throws IOException {
      if (plainRows && plainRow(passThrough, idPrefix, idNumber, version, output, scores, keys)) {
        return;
      }
      generatorRow(
          passThrough, idPrefix + Long.toHexString(idNumber), version, output, scores, keys);
    }

    /** Writes a prediction row through the CSV generator. */
    private void generatorRow(
        @Nullable Object[] passThrough,
        String id,
        int version,
        String output,
        Map<String, Double> scores,
        List<String> keys)
        throws IOException {
      generatorPending = true;
      gen.writeStartArray();
      for (Object v : passThrough) {
        cell(text(v));
      }
      cell(id);
      gen.writeNumber(version);
      cell(output);
      for (String k : keys) {
        Double s = scores.get(k);
        if (s == null) {
          gen.writeString("");
        } else {
          gen.writeNumber(s);
        }
      }
      gen.writeEndArray();
    }

    /**
     * Writes a prediction row straight into {@link #buffer}, the bytes the CSV generator would
     * write, when every text cell of the row is {@linkplain #plainText plain} (the common case:
     * prediction ids, labels and numeric pass-through columns); returns false, having written
     * nothing, for a row the generator must quote. The id is {@code id}, or with {@code idNumber}
     * zero or more {@code id + Long.toHexString(idNumber)}, written without making that text (and
     * the prefix {@code id} and the output checked once for the rows that share them). Numbers are
     * formatted as the generator formats them ({@link NumberOutput#toString(double, boolean)} with
     * the fast writer, which the CSV factory enables). {@code CsvRowProperties} checks that both
     * give the same bytes.
     */
    private boolean plainRow(
        @Nullable Object[] passThrough,
        String id,
        long idNumber,
        int version,
        String output,
        Map<String, Double> scores,
        List<String> keys)
        throws IOException {
      boolean prefixed = idNumber >= 0;
      int idLength = id.length() + (prefixed ? hexDigits(idNumber) : 0);
      if (idLength > PLAIN_MAX) {
        return false;
      }
      if (prefixed) {
        if (!plainPrefix(id) || !plainOutput(output)) {
          return false;
        }
      } else if (!plainText(id) || !plainText(output)) {
        return false;
      }
      for (Object v : passThrough) {
        if (!plainText(text(v))) {
          return false;
        }
      }
      if (generatorPending) {
        gen.flush(); // keep the generator's earlier rows before this one
        generatorPending = false;
      }
      Bytes b = buffer;
      for (Object v : passThrough) {
        b.ascii(text(v));
        b.write(',');
      }
      if (prefixed) {
        b.write(plainPrefixBytes, 0, plainPrefixBytes.length);
        b.hex(idNumber);
      } else {
        b.ascii(id);
      }
      b.write(',');
      if (version != this.version) {
        this.version = version;
        versionText = Integer.toString(version);
      }
      b.ascii(versionText);
      b.write(',');
      b.ascii(output);
      for (String k : keys) {
        b.write(',');
        Double s = scores.get(k);
        if (s != null) {
          b.ascii(NumberOutput.toString(s, true));
        }
      }
      b.write('\n');
      return true;
    }

    /** {@link #plainText} of an id prefix, remembered for the last prefix found plain. */
    @SuppressWarnings("ReferenceEquality") // a cache of the shared instance
    private boolean plainPrefix(String prefix) {
      if (prefix == plainPrefix) {
        return true;
      }
      if (!plainText(prefix)) {
        return false;
      }
      plainPrefix = prefix;
      plainPrefixBytes = prefix.getBytes(StandardCharsets.US_ASCII);
      return true;
    }

    /** {@link #plainText} of an output, remembered for the last outputs found plain. */
    @SuppressWarnings("ReferenceEquality") // a cache of shared instances
    private boolean plainOutput(String output) {
      for (String known : plainOutputs) {
        if (known == output) {
          return true;
        }
      }
      if (!plainText(output)) {
        return false;
      }
      plainOutputs[nextOutput] = output;
      nextOutput = (nextOutput + 1) % OUTPUTS;
      return true;
    }

    /** The number of digits of {@code Long.toHexString(v)}, for {@code v >= 0}. */
    static int hexDigits(long v) {
      return Math.max(1, (Long.SIZE - Long.numberOfLeadingZeros(v) + 3) / 4);
    }

    /**
     * Whether the CSV generator writes the text as it is, unquoted: 1 to {@value #PLAIN_MAX}
     * characters, each an ASCII letter, digit, {@code '-'}, {@code '_'} or {@code '.'}. (The
     * generator quotes every text longer than 24 characters without looking at it, an empty text is
     * left to it as well.)
     */
    static boolean plainText(String text) {
      int n = text.length();
      if (n == 0 || n > PLAIN_MAX) {
        return false;
      }
      for (int i = 0; i < n; i++) {
        char c = text.charAt(i);
        if (!((c >= 'a' && c <= 'z')
            || (c >= 'A' && c <= 'Z')
            || (c >= '0' && c <= '9')
            || c == '-'
            || c == '_'
            || c == '.')) {
          return false;
        }
      }
      return true;
    }

    /** The longest text {@link #plainText} accepts. */
    static final int PLAIN_MAX = 24;

    @Override
    void reject(long line, String reason, String raw) throws IOException {
      generatorPending = true;
      gen.writeStartArray();
      gen.writeNumber(line);
      cell(reason);
      cell(raw);
      gen.writeEndArray();
    }
  }

  static final class JsonSink extends RowSink {
    private final JsonGenerator gen;
    private final JobPlan plan;

    JsonSink(JobPlan plan, int initialSize) throws IOException {
      super(initialSize);
      this.plan = plan;
      JsonFactory factory = JSON.getFactory();
      gen = factory.createGenerator(buffer);
      gen.setRootValueSeparator(null);
    }

    @Override
    JsonGenerator generator() {
      return gen;
    }

    @Override
    void prediction(@Nullable Object[] passThrough, Prediction p, List<String> keys)
        throws IOException {
      gen.writeStartObject();
      for (int i = 0; i < passThrough.length; i++) {
        gen.writeFieldName(plan.passThrough.get(i));
        Object v = passThrough[i];
        if (v == null) {
          gen.writeNull();
        } else if (v instanceof JsonNode node) {
          gen.writeTree(node);
        } else {
          gen.writeString(v.toString());
        }
      }
      gen.writeStringField(JobPlan.PREDICTION_ID, p.id());
      gen.writeNumberField(JobPlan.MODEL_VERSION, p.version());
      gen.writeStringField(JobPlan.OUTPUT, p.output());
      Map<String, Double> scores = p.scores();
      for (String k : keys) {
        Double s = scores.get(k);
        gen.writeFieldName(JobPlan.SCORE_PREFIX + k);
        if (s == null) {
          gen.writeNull();
        } else {
          gen.writeNumber(s);
        }
      }
      gen.writeEndObject();
      gen.writeRaw('\n');
    }

    @Override
    void reject(long line, String reason, String raw) throws IOException {
      gen.writeStartObject();
      gen.writeNumberField("line", line);
      gen.writeStringField("reason", reason);
      gen.writeStringField("raw", raw);
      gen.writeEndObject();
      gen.writeRaw('\n');
    }
  }

  /** Bytes of an output or reject header row (CSV only; JSON Lines has none). */
  static byte[] csvHeader(List<String> columns) {
    try (CsvSink sink = new CsvSink()) {
      sink.row(columns);
      sink.finish();
      return sink.bytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
