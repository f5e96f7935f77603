package io.github.mlops4j.monitoring.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.mlops4j.monitoring.drift.ColumnDrift;
import io.github.mlops4j.monitoring.drift.ColumnHistogram;
import io.github.mlops4j.monitoring.drift.DriftReport;
import io.github.mlops4j.monitoring.stats.Distances;
import io.github.mlops4j.monitoring.stats.StatTests;
import io.github.mlops4j.monitoring.stats.TestResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProfileDriftTest {
  private static final ProfileSchema X = ProfileSchema.builder().numeric("x").build();
  private static final Instant NOW = Instant.parse("2025-11-25T10:00:00Z");
  private static final ProfileDrift DRIFT =
      ProfileDrift.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();

  @BeforeEach
  void seed() {
    KllSketchRandom.seed(42);
  }

  /** Exact proportions of raw values in the bins (−∞, e0], (e0, e1], ..., (e_last, +∞). */
  static double[] rawProportions(double[] values, double[] edges) {
    long[] counts = new long[edges.length + 1];
    for (double v : values) {
      int b = 0;
      while (b < edges.length && v > edges[b]) {
        b++;
      }
      counts[b]++;
    }
    double[] p = new double[counts.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = (double) counts[i] / values.length;
    }
    return p;
  }

  /**
   * Values computed by numpy 2.4.6 and scipy 1.17.1 ({@code np.std}, {@code
   * scipy.stats.wasserstein_distance}, {@code scipy.stats.ks_2samp}) on the samples of the fixed
   * cases below, by {@code src/test/resources/io/github/mlops4j/monitoring/profile/
   * profile_drift_reference.py}; keyed {@code case/quantity}.
   */
  private static final Map<String, Double> SCIPY = scipyReference();

  private static Map<String, Double> scipyReference() {
    Map<String, Double> values = new HashMap<>();
    try (InputStream in =
        ProfileDriftTest.class.getResourceAsStream("profile-drift-reference.csv")) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      for (String line : text.split("\n")) {
        if (line.startsWith("#") || line.startsWith("case,") || line.isBlank()) {
          continue;
        }
        String[] f = line.split(",");
        values.put(f[0] + "/" + f[1], Double.parseDouble(f[2]));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.copyOf(values);
  }

  /** The reference value {@code quantity} of {@code kase}, after checking the samples are its. */
  private static double scipy(String kase, String quantity, double[] ref, double[] cur) {
    assertThat(ref[0])
        .as("first reference value of %s", kase)
        .isEqualTo(SCIPY.get(kase + "/ref_first"));
    assertThat(cur[0])
        .as("first current value of %s", kase)
        .isEqualTo(SCIPY.get(kase + "/cur_first"));
    assertThat(Arrays.stream(ref).sum()).isCloseTo(SCIPY.get(kase + "/ref_sum"), within(1e-9));
    assertThat(Arrays.stream(cur).sum()).isCloseTo(SCIPY.get(kase + "/cur_sum"), within(1e-9));
    return SCIPY.get(kase + "/" + quantity);
  }

  /**
   * What each sketch-based measure would be on the raw data, from definitions independent of the
   * code under test: the population standard deviation by its textbook formula, the Wasserstein
   * distance and the proportions' distances by {@link Distances} (checked against scipy in {@code
   * DistancesTest}), raw proportions by a linear scan.
   */
  static double exact(ProfileDriftMethod method, Profile refProfile, double[] ref, double[] cur) {
    double[] edges = SketchBins.referenceEdges(refProfile.numeric(0), 10);
    return switch (method) {
      case WASSERSTEIN_NORMED -> {
        double mean = Arrays.stream(ref).average().orElseThrow();
        double sd =
            Math.sqrt(Arrays.stream(ref).map(v -> (v - mean) * (v - mean)).sum() / ref.length);
        yield Distances.wasserstein(ref, cur) / Math.max(sd, 0.001);
      }
      case PSI -> Distances.psi(rawProportions(ref, edges), rawProportions(cur, edges));
      case JENSEN_SHANNON ->
          Distances.jensenShannon(rawProportions(ref, edges), rawProportions(cur, edges));
      case KS -> StatTests.ks(ref, cur).statistic();
    };
  }

  @Test
  void sketchDistancesAreWithinTheirErrorBoundOfTheRawDistances() {
    double[] ref = ProfileSamples.normal(1, 20_000, 0, 1);
    Profile refProfile = ProfileSamples.numericProfile(X, ref);
    for (double shift : new double[] {0, 0.05, 0.2, 1.0}) {
      double[] cur = ProfileSamples.normal(2 + (long) (shift * 100), 15_000, shift, 1);
      Profile curProfile = ProfileSamples.numericProfile(X, cur);
      String kase = "shift" + (shift == 0 ? "0" : shift == 1.0 ? "1" : String.valueOf(shift));
      for (ProfileDriftMethod m :
          List.of(
              ProfileDriftMethod.WASSERSTEIN_NORMED,
              ProfileDriftMethod.PSI,
              ProfileDriftMethod.JENSEN_SHANNON)) {
        ColumnDrift d = DRIFT.compareColumn(refProfile, curProfile, "x", m);
        double exact =
            m == ProfileDriftMethod.WASSERSTEIN_NORMED
                ? scipy(kase, "wasserstein_normed", ref, cur)
                : exact(m, refProfile, ref, cur);
        assertThat(d.method()).isEqualTo(m.id());
        assertThat(d.errorBound()).isNotNull().isPositive();
        assertThat(Math.abs(d.score() - exact))
            .as(
                "%s at shift %s: sketch %s, raw %s, bound %s",
                m.id(), shift, d.score(), exact, d.errorBound())
            .isLessThanOrEqualTo(d.errorBound());
        assertThat(d.pValue()).isNull();
      }
    }
  }

  @Test
  void scoresOfExactSketchesEqualTheRawScoresWithBoundZero() {
    double[] ref = ProfileSamples.normal(3, 150, 0, 1);
    double[] cur = ProfileSamples.normal(4, 120, 0.3, 1.2);
    Profile rp = ProfileSamples.numericProfile(X, ref);
    Profile cp = ProfileSamples.numericProfile(X, cur);
    for (ProfileDriftMethod m : ProfileDriftMethod.values()) {
      ColumnDrift d = DRIFT.compareColumn(rp, cp, "x", m);
      assertThat(d.errorBound()).isZero();
      if (m == ProfileDriftMethod.KS) {
        TestResult t = StatTests.ks(ref, cur);
        assertThat(d.statistic()).isEqualTo(t.statistic());
        assertThat(d.statistic())
            .isCloseTo(scipy("exact", "ks_statistic", ref, cur), within(1e-12));
        assertThat(d.pValue()).isEqualTo(t.pValue());
        assertThat(d.score()).isEqualTo(t.pValue());
        assertThat(d.drifted()).isEqualTo(t.pValue() <= 0.05);
      } else if (m == ProfileDriftMethod.WASSERSTEIN_NORMED) {
        assertThat(d.score())
            .isCloseTo(scipy("exact", "wasserstein_normed", ref, cur), within(1e-12));
      } else {
        assertThat(d.score()).isCloseTo(exact(m, rp, ref, cur), within(1e-12));
      }
    }
  }

  @Test
  void ksIsNotComputableWhenTheSketchErrorSwampsTheCriticalD() {
    double[] ref = ProfileSamples.normal(5, 20_000, 0, 1);
    double[] cur = ProfileSamples.normal(6, 20_000, 0, 1);
    ColumnDrift d =
        DRIFT.compareColumn(
            ProfileSamples.numericProfile(X, ref),
            ProfileSamples.numericProfile(X, cur),
            "x",
            ProfileDriftMethod.KS);
    // k = 200: ε ≈ 0.0133 per sketch, bound 0.027 against a critical D of 0.0136
    assertThat(d.note()).startsWith("not computable at this sketch size");
    assertThat(d.pValue()).isNull();
    assertThat(d.score()).isNaN();
    assertThat(d.drifted()).isFalse();
    assertThat(d.errorBound()).isCloseTo(2 * KllSketchError.at200(), within(1e-12));
    assertThat(Math.abs(d.statistic() - StatTests.ks(ref, cur).statistic()))
        .isLessThanOrEqualTo(d.errorBound());
  }

  @Test
  void ksIsComputedFromLargeSketchesAndAgreesWithTheRawTest() {
    ProfileSchema big = ProfileSchema.builder().numeric("x").kllK(4096).build();
    double[] ref = ProfileSamples.normal(7, 12_000, 0, 1);
    ProfileDrift ks = ProfileDrift.builder().numericMethod(ProfileDriftMethod.KS).build();
    for (double shift : new double[] {0, 0.15}) {
      double[] cur = ProfileSamples.normal(shift == 0 ? 80 : 81, 12_000, shift, 1);
      ColumnDrift d =
          ks.compareColumn(
              ProfileSamples.numericProfile(big, ref),
              ProfileSamples.numericProfile(big, cur),
              "x",
              ProfileDriftMethod.KS);
      TestResult raw = StatTests.ks(ref, cur);
      System.out.printf(
          "ks from k=4096 sketches, shift %s: D %.5f (raw %.5f, bound %.5f),"
              + " p %.3g (raw %.3g)%n",
          shift, d.statistic(), raw.statistic(), d.errorBound(), d.pValue(), raw.pValue());
      assertThat(d.note()).isNull();
      assertThat(d.pValue()).isNotNull();
      assertThat(d.errorBound()).isLessThan(0.002);
      assertThat(Math.abs(d.statistic() - raw.statistic())).isLessThanOrEqualTo(d.errorBound());
      assertThat(d.drifted()).isEqualTo(raw.pValue() <= 0.05).isEqualTo(shift > 0);
      assertThat(d.pValue())
          .isCloseTo(ProfileDrift.ksAsymptoticP(d.statistic(), 12_000, 12_000), within(1e-15));
    }
  }

  @Test
  void ksAsymptoticPValueMatchesStatTestsOnTheSameStatistic() {
    double[] a = ProfileSamples.normal(9, 11_000, 0, 1);
    double[] b = ProfileSamples.normal(10, 10_500, 0.03, 1);
    TestResult raw = StatTests.ks(a, b); // max(n, m) > 10 000: asymptotic, scipy's kstwo
    assertThat(ProfileDrift.ksAsymptoticP(raw.statistic(), 11_000, 10_500))
        .isCloseTo(raw.pValue(), within(1e-9));
  }

  @Test
  void categoricalColumnsUseExactCountsWhileTheyCan() {
    ProfileSchema schema = ProfileSchema.builder().categorical("c").build();
    List<Map<String, ?>> ref = new ArrayList<>();
    List<Map<String, ?>> cur = new ArrayList<>();
    String[] refValues = {"a", "a", "a", "b", "b", "c"};
    String[] curValues = {"a", "b", "b", "c", "d", "d"};
    for (String v : refValues) {
      ref.add(Map.of("c", v));
    }
    for (String v : curValues) {
      cur.add(Map.of("c", v));
    }
    cur.add(java.util.Collections.singletonMap("c", null));
    Profile rp = Profile.of(schema, ref);
    Profile cp = Profile.of(schema, cur);
    double[] p = {3 / 6.0, 2 / 6.0, 1 / 6.0, 0};
    double[] q = {1 / 6.0, 2 / 6.0, 1 / 6.0, 2 / 6.0};
    DriftReport report = DRIFT.compare(rp, cp);
    ColumnDrift js = report.column("c").orElseThrow();
    assertThat(js.method()).isEqualTo("jensenshannon");
    assertThat(js.score()).isCloseTo(Distances.jensenShannon(p, q), within(1e-12));
    assertThat(js.errorBound()).isZero();
    assertThat(js.drifted()).isTrue();
    assertThat(js.quality().newCategories()).containsExactly("d");
    assertThat(js.quality().currentMissingShare()).isCloseTo(1 / 7.0, within(1e-12));
    ColumnDrift psi = DRIFT.compareColumn(rp, cp, "c", ProfileDriftMethod.PSI);
    assertThat(psi.score()).isCloseTo(Distances.psi(p, q), within(1e-12));
    ColumnHistogram h = report.histogram("c").orElseThrow();
    assertThat(h.bins()).containsExactly("a", "b", "c", "d", "(missing)");
    assertThat(h.referenceShares()).containsExactly(0.5, 2 / 6.0, 1 / 6.0, 0, 0);
    assertThat(Arrays.stream(h.currentShares()).sum()).isCloseTo(1, within(1e-12));
    assertThat(h.currentShares()[4]).isCloseTo(1 / 7.0, within(1e-12));
    assertThatThrownBy(() -> DRIFT.compareColumn(rp, cp, "c", ProfileDriftMethod.KS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'c'");
  }

  @Test
  void categoricalSketchesAreWithinTheirBound() {
    ProfileSchema schema =
        ProfileSchema.builder()
            .categorical("c")
            .exactCategoryLimit(16)
            .frequentItemsMapSize(64)
            .build();
    ProfileAccumulator ra = ProfileAccumulator.create(schema);
    ProfileAccumulator ca = ProfileAccumulator.create(schema);
    java.util.SplittableRandom r = new java.util.SplittableRandom(1);
    long[] rc = new long[200];
    long[] cc = new long[200];
    for (int i = 0; i < 20_000; i++) {
      // half heavy hitters, half a long tail of 200 categories: more than the sketch can hold
      int a = r.nextBoolean() ? r.nextInt(5) : r.nextInt(200);
      int b = r.nextBoolean() ? r.nextInt(8) : r.nextInt(200);
      ra.update(new double[0], new String[] {"k" + a});
      ca.update(new double[0], new String[] {"k" + b});
      rc[a]++;
      cc[b]++;
    }
    Profile rp = ra.take();
    Profile cp = ca.take();
    assertThat(rp.column("c").isExact()).isFalse();
    ColumnDrift d = DRIFT.compareColumn(rp, cp, "c", ProfileDriftMethod.JENSEN_SHANNON);
    // the sketch reports the heavy hitters and lumps the tail into "(other)": compare with the
    // exact JS over the same bins (the bound covers count errors, not the lumping)
    Map<String, Long> refCounts = rp.column("c").categoryCounts();
    Map<String, Long> curCounts = cp.column("c").categoryCounts();
    java.util.TreeSet<String> bins = new java.util.TreeSet<>(refCounts.keySet());
    bins.addAll(curCounts.keySet());
    double[] p = new double[bins.size() + 1];
    double[] q = new double[bins.size() + 1];
    int i = 0;
    for (String b : bins) {
      int k = Integer.parseInt(b.substring(1));
      p[i] = rc[k];
      q[i] = cc[k];
      i++;
    }
    p[i] = 20_000 - Arrays.stream(p).sum();
    q[i] = 20_000 - Arrays.stream(q).sum();
    double exact = Distances.jensenShannon(norm(p), norm(q));
    assertThat(d.errorBound()).isPositive();
    assertThat(Math.abs(d.score() - exact)).isLessThanOrEqualTo(d.errorBound());
  }

  private static double[] norm(double[] counts) {
    double s = Arrays.stream(counts).sum();
    return Arrays.stream(counts).map(c -> c / s).toArray();
  }

  @Test
  void reportFlagsAShiftAndNotTheSameDistribution() {
    ProfileSchema schema = ProfileSchema.builder().numeric("a", "b").build();
    ProfileAccumulator ref = ProfileAccumulator.create(schema);
    ProfileAccumulator same = ProfileAccumulator.create(schema);
    ProfileAccumulator shifted = ProfileAccumulator.create(schema);
    double[] r1 = ProfileSamples.normal(11, 10_000, 0, 1);
    double[] r2 = ProfileSamples.normal(12, 10_000, 0, 1);
    double[] r3 = ProfileSamples.normal(13, 10_000, 0, 1);
    for (int i = 0; i < 10_000; i++) {
      ref.update(new double[] {r1[i], r2[i]});
      same.update(new double[] {r2[i], r3[i]});
      shifted.update(new double[] {r3[i] + 0.5, r1[i] * 3});
    }
    Profile rp = ref.take();
    DriftReport ok = DRIFT.compare(rp, same.take());
    assertThat(ok.datasetDrift()).isFalse();
    assertThat(ok.driftedColumns()).isZero();
    DriftReport bad = DRIFT.compare(rp, shifted.take());
    assertThat(bad.preset()).isEqualTo("profile");
    assertThat(bad.createdTime()).isEqualTo(NOW);
    assertThat(bad.referenceRows()).isEqualTo(10_000);
    assertThat(bad.currentRows()).isEqualTo(10_000);
    assertThat(bad.datasetDrift()).isTrue();
    assertThat(bad.columns()).extracting(ColumnDrift::column).containsExactly("a", "b");
    assertThat(bad.details("a"))
        .hasValueSatisfying(
            d ->
                assertThat(d)
                    .contains("n=10000 (KLL k=200, rank error 0.0133)")
                    .contains("population sd"));
    assertThat(bad.column("a").orElseThrow().score()).isCloseTo(0.5, within(0.08));
    ColumnHistogram h = bad.histogram("a").orElseThrow();
    assertThat(h.bins()).hasSize(10);
    assertThat(h.bins().get(0)).startsWith("(-inf, ");
    assertThat(h.bins().get(9)).endsWith(", +inf)");
    assertThat(Arrays.stream(h.referenceShares()).sum()).isCloseTo(1, within(1e-12));
  }

  @Test
  void outOfRangeAndMissingShareAreReported() {
    double[] ref = {1, 2, 3, 4, 5, Double.NaN};
    double[] cur = {0, 2, 3, 9, 10, Double.NaN, Double.NaN};
    ColumnDrift d =
        DRIFT.compareColumn(
            ProfileSamples.numericProfile(X, ref),
            ProfileSamples.numericProfile(X, cur),
            "x",
            ProfileDriftMethod.WASSERSTEIN_NORMED);
    assertThat(d.quality().outOfRangeShare()).isCloseTo(3 / 5.0, within(1e-12));
    assertThat(d.quality().referenceMissingShare()).isCloseTo(1 / 6.0, within(1e-12));
    assertThat(d.quality().currentMissingShare()).isCloseTo(2 / 7.0, within(1e-12));
    assertThat(d.quality().referenceConstant()).isFalse();
  }

  @Test
  void emptySidesGiveANoteNotANumber() {
    Profile empty = ProfileSamples.numericProfile(X, new double[] {Double.NaN, Double.NaN});
    Profile full = ProfileSamples.numericProfile(X, new double[] {1, 2, 3});
    DriftReport r = DRIFT.compare(full, empty);
    ColumnDrift d = r.column("x").orElseThrow();
    assertThat(d.note()).isEqualTo("no non-missing values in the current profile");
    assertThat(d.score()).isNaN();
    assertThat(d.drifted()).isFalse();
    assertThat(d.quality().currentMissingShare()).isEqualTo(1.0);
    assertThat(r.histogram("x").orElseThrow().bins()).containsExactly("(present)", "(missing)");
    assertThat(DRIFT.compare(Profile.empty(X), full).column("x").orElseThrow().note())
        .isEqualTo("no non-missing values in the reference profile");
  }

  @Test
  void constantReferenceIsHandled() {
    Profile ref = ProfileSamples.numericProfile(X, new double[] {2, 2, 2, 2});
    Profile cur = ProfileSamples.numericProfile(X, new double[] {2, 2, 3});
    ColumnDrift w = DRIFT.compareColumn(ref, cur, "x", ProfileDriftMethod.WASSERSTEIN_NORMED);
    assertThat(w.score()).isCloseTo((1 / 3.0) / 0.001, within(1e-6)); // σ floored at 0.001
    assertThat(w.quality().referenceConstant()).isTrue();
    ColumnDrift psi = DRIFT.compareColumn(ref, cur, "x", ProfileDriftMethod.PSI);
    assertThat(psi.score()).isFinite().isPositive();
  }

  @Test
  void refusesProfilesWithDifferentColumns() {
    Profile a = Profile.empty(X);
    Profile b = Profile.empty(ProfileSchema.builder().numeric("y").build());
    Profile c = Profile.empty(ProfileSchema.builder().categorical("x").build());
    assertThatThrownBy(() -> DRIFT.compare(a, b)).hasMessageContaining("different columns");
    assertThatThrownBy(() -> DRIFT.compare(a, c)).hasMessageContaining("'x' is NUMERIC");
    assertThatThrownBy(() -> ProfileDrift.builder().categoricalMethod(ProfileDriftMethod.KS))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ProfileDrift.builder().threshold(ProfileDriftMethod.KS, 1.5))
        .hasMessageContaining("(0, 1)");
  }

  /** DataSketches' a-priori KLL rank error at the default k. */
  static final class KllSketchError {
    static double at200() {
      return org.apache.datasketches.kll.KllSketch.getNormalizedRankError(200, false);
    }
  }
}
