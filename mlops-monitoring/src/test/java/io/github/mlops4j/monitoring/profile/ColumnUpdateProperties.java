package io.github.mlops4j.monitoring.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * {@link ProfileAccumulator#updateColumns} gives the profile {@link ProfileAccumulator#update(
 * double[], String[])} gives for the same rows: counts, min, max and categories identical, mean and
 * variance equal up to rounding, quantiles within the KLL bound (QuickTheories, fixed seed; KLL's
 * coin flips reseeded per example).
 */
class ColumnUpdateProperties {
  private static final long SEED = 20_261_207L;
  private static final String[] WORDS = {"de", "fr", "it", "es", "pl", "nl", "se", "dk"};
  private static final double[] PROBES = {0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99};

  private static ProfileSchema schema(int numeric, int categorical) {
    ProfileSchema.Builder b = ProfileSchema.builder().exactCategoryLimit(6);
    for (int i = 0; i < numeric; i++) {
      b.numeric("x" + i);
    }
    for (int i = 0; i < categorical; i++) {
      b.categorical("c" + i);
    }
    return b.build();
  }

  /** Row-major values with NaN, infinities and nulls; {@code [row][column]}. */
  private static double[][] numbers(SplittableRandom r, int rows, int columns) {
    double[][] out = new double[rows][columns];
    for (double[] row : out) {
      for (int j = 0; j < columns; j++) {
        row[j] =
            switch (r.nextInt(40)) {
              case 0 -> Double.NaN;
              case 1 -> r.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
              case 2 -> Math.floor(3 * r.nextDouble()); // ties
              default -> 50 * j + ProfileSamples.gaussian(r) * (1 + j);
            };
      }
    }
    return out;
  }

  private static @Nullable String[][] words(SplittableRandom r, int rows, int columns) {
    @Nullable String[][] out = new String[rows][columns];
    for (@Nullable String[] row : out) {
      for (int j = 0; j < columns; j++) {
        // up to 8 distinct words against an exact limit of 6: some columns go approximate
        row[j] = r.nextInt(25) == 0 ? null : WORDS[r.nextInt(3 + 2 * j)];
      }
    }
    return out;
  }

  /** The rows' columns {@code [from, from + n)} as column arrays, padded with junk past n. */
  private static double[][] numericColumns(double[][] rows, int columns, int from, int n) {
    double[][] out = new double[columns][n + 3];
    for (int j = 0; j < columns; j++) {
      Arrays.fill(out[j], -1e300);
      for (int r = 0; r < n; r++) {
        out[j][r] = rows[from + r][j];
      }
    }
    return out;
  }

  private static @Nullable String[][] categoricalColumns(
      @Nullable String[][] rows, int columns, int from, int n) {
    @Nullable String[][] out = new String[columns][n + 1];
    for (int j = 0; j < columns; j++) {
      out[j][n] = "junk";
      for (int r = 0; r < n; r++) {
        out[j][r] = rows[from + r][j];
      }
    }
    return out;
  }

  @Test
  void columnBatchesGiveTheRowProfile_exactlyInTheExactParts() {
    qt().withFixedSeed(SEED)
        .withExamples(60)
        .forAll(
            longs().all(),
            integers().between(0, 4_000),
            integers().between(1, 5),
            integers().between(0, 3))
        .checkAssert(
            (seed, rows, numeric, categorical) -> {
              SplittableRandom r = new SplittableRandom(seed);
              ProfileSchema schema = schema(numeric, categorical);
              double[][] x = numbers(r, rows, numeric);
              @Nullable String[][] c = words(r, rows, categorical);

              KllSketchRandom.seed(seed);
              ProfileAccumulator byRow = ProfileAccumulator.create(schema);
              for (int i = 0; i < rows; i++) {
                byRow.update(x[i], c[i]);
              }
              KllSketchRandom.seed(seed);
              ProfileAccumulator byColumn = ProfileAccumulator.create(schema);
              for (int from = 0; from < rows; ) {
                int n = Math.min(rows - from, 1 + r.nextInt(1_500));
                byColumn.updateColumns(
                    numericColumns(x, numeric, from, n),
                    categorical == 0 && r.nextBoolean()
                        ? null
                        : categoricalColumns(c, categorical, from, n),
                    n);
                from += n;
              }
              Profile a = byRow.snapshot();
              Profile b = byColumn.snapshot();

              assertThat(b.rows()).isEqualTo(a.rows()).isEqualTo((long) rows);
              for (String col : schema.columns()) {
                assertThat(b.column(col).count()).as(col).isEqualTo(a.column(col).count());
                assertThat(b.column(col).missing()).as(col).isEqualTo(a.column(col).missing());
              }
              assertNumericColumnsAgree(a, b, x, numeric);
              for (int j = 0; j < categorical; j++) {
                assertThat(b.column("c" + j).categoryCounts())
                    .isEqualTo(a.column("c" + j).categoryCounts());
                assertThat(b.column("c" + j).countError())
                    .isEqualTo(a.column("c" + j).countError());
              }
            });
  }

  private static long bits(double v) {
    return Double.doubleToLongBits(v);
  }

  /**
   * The numeric columns of {@code b} (by column) against {@code a} (by row) and the rows {@code x}:
   * min and max the same bits (the same comparisons; NaN for a column without values), the moments
   * up to rounding (per batch and merged, against one Welford step per value), ranks within the
   * sketch's bound of the exact ones.
   */
  private static void assertNumericColumnsAgree(Profile a, Profile b, double[][] x, int numeric) {
    for (int j = 0; j < numeric; j++) {
      ProfileColumn p = a.column("x" + j);
      ProfileColumn q = b.column("x" + j);
      assertThat(q.count()).isEqualTo(p.count());
      assertThat(q.missing()).isEqualTo(p.missing());
      assertThat(bits(q.min())).isEqualTo(bits(p.min()));
      assertThat(bits(q.max())).isEqualTo(bits(p.max()));
      assertClose(q.mean(), p.mean(), Math.abs(p.mean()) + Math.sqrt(p.variance()));
      assertClose(q.variance(), p.variance(), p.variance());
      int col = j;
      double[] finite =
          Arrays.stream(x).mapToDouble(v -> v[col]).filter(Double::isFinite).sorted().toArray();
      for (double probe : PROBES) {
        if (finite.length == 0) {
          break;
        }
        double v = finite[(int) Math.min(finite.length - 1, probe * finite.length)];
        double exact = (double) Arrays.stream(finite).filter(f -> f <= v).count() / finite.length;
        assertThat(Math.abs(q.rank(v) - exact))
            .as("rank of %s in x%s", v, j)
            .isLessThanOrEqualTo(q.rankError() + 1e-12);
      }
    }
  }

  /** Equal up to rounding: within 1e-12 of {@code scale}, or the same bits (NaN, infinities). */
  private static void assertClose(double actual, double expected, double scale) {
    if (Double.isFinite(expected) && Double.isFinite(scale)) {
      assertThat(actual).isCloseTo(expected, within(1e-12 * scale));
    } else {
      assertThat(bits(actual)).isEqualTo(bits(expected));
    }
  }

  /**
   * One call of more rows than a chunk (4,096) is taken a chunk at a time, with the profile of the
   * row update: counts, min and max identical, moments up to rounding, ranks within the bound.
   */
  @Test
  void oneCallLargerThanAChunk_givesTheRowProfile() {
    SplittableRandom r = new SplittableRandom(SEED);
    int rows = 2 * 4096 + 123;
    double[][] x = numbers(r, rows, 2);
    ProfileSchema schema = schema(2, 0);
    KllSketchRandom.seed(SEED); // the sketches' coin flips, so that the ranks checked are fixed
    ProfileAccumulator byRow = ProfileAccumulator.create(schema);
    for (double[] row : x) {
      byRow.update(row);
    }
    ProfileAccumulator byColumn = ProfileAccumulator.create(schema);
    byColumn.updateColumns(numericColumns(x, 2, 0, rows), null, rows);
    Profile a = byRow.snapshot();
    Profile b = byColumn.snapshot();
    assertThat(b.rows()).isEqualTo(rows);
    assertNumericColumnsAgree(a, b, x, 2);
  }

  /**
   * Values near the ends of the double range, where a batch's plain sum overflows: the mean stays
   * finite and agrees with the row update's, and so does the variance (+infinity in both once the
   * spread overflows).
   */
  @Test
  void valuesNearTheRangeEnds_keepAFiniteMean() {
    qt().withFixedSeed(SEED)
        .withExamples(40)
        .forAll(longs().all(), integers().between(1, 600))
        .checkAssert(
            (seed, rows) -> {
              SplittableRandom r = new SplittableRandom(seed);
              double[] x = new double[rows];
              for (int i = 0; i < rows; i++) {
                x[i] = (r.nextBoolean() ? 1 : -1) * Double.MAX_VALUE * (0.5 + r.nextDouble() / 2);
              }
              ProfileSchema schema = schema(1, 0);
              ProfileAccumulator byRow = ProfileAccumulator.create(schema);
              for (double v : x) {
                byRow.update(new double[] {v});
              }
              ProfileAccumulator byColumn = ProfileAccumulator.create(schema);
              byColumn.updateColumns(new double[][] {x}, null, rows);
              ProfileColumn p = byRow.snapshot().column("x0");
              ProfileColumn q = byColumn.snapshot().column("x0");
              assertThat(q.mean()).isFinite();
              assertThat(q.mean()).isCloseTo(p.mean(), within(1e-12 * Double.MAX_VALUE));
              assertClose(q.variance(), p.variance(), p.variance());
              assertThat(q.min()).isEqualTo(p.min());
              assertThat(q.max()).isEqualTo(p.max());
            });
  }

  @Test
  void malformedColumns_areRefused_andChangeNothing() {
    ProfileSchema schema = schema(2, 1);
    ProfileAccumulator acc = ProfileAccumulator.create(schema);
    double[] two = {1, 2};
    String[] words = {"a", "b"};
    assertThatThrownBy(() -> acc.updateColumns(new double[][] {two}, new String[][] {words}, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Expected 2 numeric and 1 categorical columns (the schema's), got 1 and 1");
    assertThatThrownBy(() -> acc.updateColumns(new double[][] {two, two}, null, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 2 and 0");
    assertThatThrownBy(
            () -> acc.updateColumns(new double[][] {two, {1}}, new String[][] {words}, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("The values of column \"x1\" are missing or fewer than 2 rows");
    assertThatThrownBy(
            () -> acc.updateColumns(new double[][] {two, two}, new @Nullable String[][] {null}, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("The values of column \"c0\" are missing or fewer than 2 rows");
    assertThatThrownBy(
            () -> acc.updateColumns(new double[][] {two, two}, new String[][] {words}, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rows must not be negative, got -1");
    assertThatThrownBy(() -> acc.updateColumns(null, new String[][] {words}, 2))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("numeric");
    assertThat(acc.rows()).isZero();
    assertThat(acc.snapshot().toBytes()).isEqualTo(Profile.empty(schema).toBytes());

    acc.updateColumns(new double[][] {two, two}, new String[][] {words}, 2);
    assertThat(acc.rows()).isEqualTo(2);
    assertThat(acc.snapshot().column("c0").categoryCounts()).containsEntry("a", 1L);
  }
}
