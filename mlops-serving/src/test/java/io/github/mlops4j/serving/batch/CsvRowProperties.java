package io.github.mlops4j.serving.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import io.github.mlops4j.serving.Prediction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The direct formatting of output rows ({@code CsvSink.plainRow}) writes the bytes the CSV
 * generator writes for the same rows: texts that need quoting or are long or empty, NaN,
 * infinities, negative zero, missing scores, and rejects between the rows.
 */
class CsvRowProperties {
  private static final long SEED = 0xC5F0L;

  /** Pieces of texts: plain characters and every kind the generator may quote. */
  private static final String[] PIECES = {
    "a",
    "Z",
    "0",
    "9",
    "-",
    "_",
    ".",
    "yes",
    "no",
    "1f3a9c0b2d4e5f60-",
    "a1b2c3",
    ",",
    "\"",
    "\n",
    "\r",
    " ",
    "\t",
    "#",
    "'",
    ";",
    "é",
    "€",
    "\\",
    "\u0000",
    "\u001f",
    "abcdefghijkl"
  };

  private static final double[] SPECIAL = {
    Double.NaN,
    Double.POSITIVE_INFINITY,
    Double.NEGATIVE_INFINITY,
    -0.0,
    0.0,
    Double.MIN_VALUE,
    -Double.MIN_VALUE,
    Double.MAX_VALUE,
    1e-7,
    1e7,
    0.1,
    1.0 / 3
  };

  private static final List<String> KEYS = List.of("no", "yes", "maybe");

  /** One row to format: a prediction, or a reject when {@code reject} is set. */
  private record Row(
      boolean reject, List<@Nullable String> passThrough, Prediction prediction, String reason) {}

  private static Gen<String> texts() {
    return lists()
        .of(integers().between(0, PIECES.length - 1).map(i -> PIECES[i]))
        .ofSizeBetween(0, 8)
        .map(parts -> String.join("", parts));
  }

  private static Gen<Double> scores() {
    Gen<Double> special = integers().between(0, SPECIAL.length - 1).map(i -> SPECIAL[i]);
    Gen<Double> any =
        integers()
            .all()
            .zip(
                integers().all(),
                (a, b) -> Double.longBitsToDouble(((long) a << 32) | (b & 0xFFFFFFFFL)));
    Gen<Double> unit = integers().between(0, 1_000_000).map(i -> i / 1_000_000.0);
    return special.mix(any, 30).mix(unit, 50);
  }

  private static Gen<Row> rows() {
    Gen<List<@Nullable String>> pass =
        lists()
            .of(texts().mix(integers().between(0, 9).map(i -> (String) null), 10))
            .ofSizeBetween(0, 3);
    Gen<Map<String, Double>> scoreMaps =
        lists()
            .of(scores())
            .ofSize(KEYS.size())
            .zip(
                integers().between(0, 7),
                (values, present) -> {
                  Map<String, Double> m = new LinkedHashMap<>();
                  for (int k = 0; k < KEYS.size(); k++) {
                    if ((present & (1 << k)) != 0) {
                      m.put(KEYS.get(k), values.get(k));
                    }
                  }
                  return m;
                });
    Gen<Prediction> predictions =
        texts()
            .zip(
                texts(),
                integers().between(0, Integer.MAX_VALUE),
                (id, output, version) -> new Object[] {id, output, version})
            .zip(
                scoreMaps,
                (o, m) ->
                    new Prediction(
                        (String) o[0],
                        "m",
                        (Integer) o[2],
                        (String) o[1],
                        m,
                        Duration.ZERO,
                        "primary"));
    return integers()
        .between(0, 9)
        .zip(
            pass,
            predictions,
            texts(),
            (r, p, prediction, reason) -> new Row(r == 0, p, prediction, reason));
  }

  private static byte[] format(List<Row> rows, boolean plainRows) {
    try (ChunkScorer.CsvSink sink = new ChunkScorer.CsvSink(plainRows)) {
      long line = 1;
      for (Row r : rows) {
        if (r.reject()) {
          sink.reject(line, r.reason(), r.reason());
        } else {
          sink.prediction(r.passThrough().toArray(new Object[0]), r.prediction(), KEYS);
        }
        line++;
      }
      sink.finish();
      return sink.bytes();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void plainRowsAreTheGeneratorsBytes() {
    qt().withFixedSeed(SEED)
        .withExamples(3000)
        .forAll(lists().of(rows()).ofSizeBetween(0, 12))
        .check(
            rows -> {
              byte[] fast = format(rows, true);
              byte[] simple = format(rows, false);
              assertThat(new String(fast, StandardCharsets.UTF_8))
                  .isEqualTo(new String(simple, StandardCharsets.UTF_8));
              return java.util.Arrays.equals(fast, simple);
            });
  }

  /**
   * A row of the service's chunk path (the id given as a prefix and a number) is the bytes of the
   * same prediction with its id as one text, through the direct path and the generator alike, for
   * ids of every length (past the direct path's 24 characters too) and plain or quoted prefixes.
   */
  @Test
  void chunkPathRowsAreThePredictionsBytes() {
    Gen<Long> numbers =
        longs()
            .between(0, Long.MAX_VALUE)
            .mix(integers().between(0, 4).map(k -> new long[] {0, 1, 15, 16, Long.MAX_VALUE}[k]));
    qt().withFixedSeed(SEED + 1)
        .withExamples(3000)
        .forAll(lists().of(rows()).ofSizeBetween(1, 6), numbers, booleans().all())
        .check(
            (rows, number, plainRows) -> {
              byte[] asNumber;
              try (ChunkScorer.CsvSink sink = new ChunkScorer.CsvSink(plainRows)) {
                long line = 1;
                for (Row r : rows) {
                  Prediction p = r.prediction();
                  if (r.reject()) {
                    sink.reject(line, r.reason(), r.reason());
                  } else {
                    // the id as a prefix and a number: the rows of format() get the joined text
                    sink.prediction(
                        r.passThrough().toArray(new Object[0]),
                        p.id(),
                        number,
                        p.version(),
                        p.output(),
                        p.scores(),
                        KEYS);
                  }
                  line++;
                }
                sink.finish();
                asNumber = sink.bytes();
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
              List<Row> joined = new ArrayList<>();
              for (Row r : rows) {
                Prediction p = r.prediction();
                joined.add(
                    new Row(
                        r.reject(),
                        r.passThrough(),
                        new Prediction(
                            p.id() + Long.toHexString(number),
                            p.model(),
                            p.version(),
                            p.output(),
                            p.scores(),
                            p.latency(),
                            p.route()),
                        r.reason()));
              }
              byte[] asText = format(joined, plainRows);
              assertThat(new String(asNumber, StandardCharsets.UTF_8))
                  .isEqualTo(new String(asText, StandardCharsets.UTF_8));
              return java.util.Arrays.equals(asNumber, asText);
            });
  }

  /**
   * Rows of the chunk path that share their id prefix and outputs as instances (as the rows of one
   * chunk do, which the direct path checks once per instance) give the generator's bytes, also when
   * a shared prefix or output must be quoted or is empty, when the prefix changes between rows, and
   * with more distinct outputs than the direct path remembers.
   */
  @Test
  void chunkRowsSharingPrefixAndOutputsAreTheGeneratorsBytes() {
    String[] prefixes = {"1f3a9c0b2d4e5f60-", "a b-", "", "9f3c2a1b4d5e6f70-", "x,y"};
    Gen<List<Object[]>> chunks =
        lists()
            .of(
                integers()
                    .between(0, prefixes.length - 1)
                    .zip(
                        integers().between(0, 11),
                        longs().between(0, 1L << 40),
                        scores(),
                        (prefix, output, number, score) ->
                            new Object[] {prefix, output, number, score}))
            .ofSizeBetween(1, 40);
    qt().withFixedSeed(SEED + 2)
        .withExamples(2000)
        .forAll(chunks)
        .check(
            rows -> {
              // the label instances of a classifier: plain ones and some the generator quotes
              String[] outputs = {
                "no", "yes", "maybe", "a", "b", "c", "d", "e", "f", "g", "h i", ""
              };
              byte[] fast = formatShared(rows, prefixes, outputs, true);
              byte[] simple = formatShared(rows, prefixes, outputs, false);
              assertThat(new String(fast, StandardCharsets.UTF_8))
                  .isEqualTo(new String(simple, StandardCharsets.UTF_8));
              return java.util.Arrays.equals(fast, simple);
            });
  }

  private static byte[] formatShared(
      List<Object[]> rows, String[] prefixes, String[] outputs, boolean plainRows) {
    try (ChunkScorer.CsvSink sink = new ChunkScorer.CsvSink(plainRows, 16)) {
      for (Object[] r : rows) {
        double score = (Double) r[3];
        sink.prediction(
            new Object[0],
            prefixes[(Integer) r[0]],
            (Long) r[2],
            7,
            outputs[(Integer) r[1]],
            Map.of("no", 1 - score, "yes", score),
            KEYS);
      }
      sink.finish();
      return sink.bytes();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void typicalRowsTakeTheDirectPath() {
    Prediction p =
        new Prediction(
            "9f3c2a1b4d5e6f70-1a2b3c",
            "m",
            3,
            "yes",
            Map.of("no", 0.25, "yes", 0.75),
            Duration.ZERO,
            "primary");
    assertThat(ChunkScorer.CsvSink.plainText(p.id())).isTrue();
    List<Row> rows = new ArrayList<>();
    rows.add(new Row(false, List.of("42", "-0.5"), p, ""));
    assertThat(new String(format(rows, true), StandardCharsets.UTF_8))
        .isEqualTo("42,-0.5,9f3c2a1b4d5e6f70-1a2b3c,3,yes,0.25,0.75,\n")
        .isEqualTo(new String(format(rows, false), StandardCharsets.UTF_8));
  }
}
