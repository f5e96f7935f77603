package io.github.mlops4j.monitoring.profile;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.mlops4j.monitoring.drift.ColumnType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.DoublesSortedView;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * Profiles and their sketch images from untrusted bytes. The property: decoding returns a profile
 * (or sketch) or throws {@link ProfileFormatException}; never an {@code Error}, another exception
 * or a hang. And what it accepts is usable: everything a profile offers (columns, quantiles,
 * merging, drift, writing it again) works on it without an exception.
 *
 * <p>The corpus ({@code ProfileFuzzTestInputs/<method>/}) holds profiles and sketch images made by
 * this library ({@link ProfileFuzzCorpus} writes them) and the crashes found so far. Without {@code
 * JAZZER_FUZZ=1} only the corpus is replayed; see docs/security.md for a fuzzing run.
 */
class ProfileFuzzTest {

  @FuzzTest(maxDuration = "60s")
  void fromJson(byte[] input) {
    Profile p;
    try {
      p = Profile.fromBytes(input);
    } catch (ProfileFormatException e) {
      return;
    }
    exercise(p);
  }

  /**
   * A KLL image checked as the column of a profile whose k, count, min and max are the image's own
   * (so that mutations reach past the first consistency check).
   */
  @FuzzTest(maxDuration = "60s")
  void kllImage(byte[] image) {
    ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
    int k = image.length >= 6 ? b.getShort(4) & 0xFFFF : 200;
    long n = image.length >= 16 ? b.getLong(8) : 1;
    double min = 0;
    double max = 0;
    if (image.length == 16) {
      n = 1;
      min = b.getDouble(8);
      max = min;
    } else if (image.length >= 20) {
      int levels = b.get(18) & 0xFF;
      int at = 20 + 4 * levels;
      if (image.length >= at + 16) {
        min = b.getDouble(at);
        max = b.getDouble(at + 8);
      }
    }
    if (k < 8 || n < 1 || !Double.isFinite(min) || !Double.isFinite(max) || !(min <= max)) {
      return; // a profile never asks for such a sketch: the JSON fields are checked first
    }
    KllDoublesSketch kll;
    try {
      kll = SketchImages.kll(image, k, n, min, max, "fuzz");
    } catch (ProfileFormatException e) {
      return;
    }
    exercise(kll, n, min, max);
    NumericSketch s = NumericSketch.restore(k, n, 0, min, max, min, 0, kll);
    ProfileSchema schema = ProfileSchema.builder().numeric("x").kllK(k).build();
    Profile p = new Profile(schema, n, new NumericSketch[] {s}, new CategorySketch[0]);
    exercise(p);
  }

  /** A frequent-items image checked with the stream length and map size it declares. */
  @FuzzTest(maxDuration = "60s")
  void frequentItemsImage(byte[] image) {
    ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
    int lgMax = image.length >= 4 ? b.get(3) & 0xFF : 10;
    long stream = image.length >= 24 ? b.getLong(16) : 0;
    if (lgMax < 4 || lgMax > 26 || stream < 0) {
      return; // the schema allows map sizes 2^4 to 2^26; counts are never negative
    }
    ItemsSketch<String> items;
    try {
      items = SketchImages.frequentItems(image, lgMax, stream, "fuzz");
    } catch (ProfileFormatException e) {
      return;
    }
    check(items.getStreamLength() == stream, "stream length");
    for (ItemsSketch.Row<String> r : items.getFrequentItems(ErrorType.NO_FALSE_NEGATIVES)) {
      check(r.getLowerBound() <= r.getEstimate() && r.getEstimate() <= r.getUpperBound(), "row");
    }
    byte[] again = SketchImages.frequentItemsImage(items);
    ItemsSketch<String> back = SketchImages.frequentItems(again, lgMax, stream, "fuzz again");
    check(back.getNumActiveItems() == items.getNumActiveItems(), "items read back");
    CategorySketch s = CategorySketch.restoreSketch(1, 1 << lgMax, 0, items);
    ProfileSchema schema =
        ProfileSchema.builder()
            .categorical("c")
            .exactCategoryLimit(1)
            .frequentItemsMapSize(1 << lgMax)
            .build();
    Profile p = new Profile(schema, stream, new NumericSketch[0], new CategorySketch[] {s});
    exercise(p);
  }

  private static void exercise(KllDoublesSketch kll, long n, double min, double max) {
    check(kll.getN() == n, "n");
    check(kll.getMinItem() == min && kll.getMaxItem() == max, "min/max");
    DoublesSortedView view = kll.getSortedView();
    long[] cum = view.getCumulativeWeights();
    check(cum.length > 0 && cum[cum.length - 1] == n, "total weight");
    for (double r : new double[] {0, 0.25, 0.5, 1}) {
      double q = kll.getQuantile(r, QuantileSearchCriteria.INCLUSIVE);
      check(q >= min && q <= max, "quantile");
    }
    KllDoublesSketch heap = KllDoublesSketch.heapify(Memory.wrap(kll.toByteArray()));
    check(heap.getN() == n, "heapified n");
    KllDoublesSketch target = KllDoublesSketch.newHeapInstance(kll.getK());
    target.update(min);
    target.merge(kll);
    check(target.getN() == n + 1, "merged n");
  }

  /** Uses every part of an accepted profile; any exception here is a finding. */
  static void exercise(Profile p) {
    byte[] bytes = p.toBytes();
    Profile back = Profile.fromBytes(bytes);
    check(back.rows() == p.rows(), "rows read back");
    check(back.toJson().equals(Profile.fromBytes(back.toBytes()).toJson()), "stable JSON");
    for (ProfileColumn c : p.columns()) {
      c.count();
      c.missing();
      if (c.type() == ColumnType.NUMERIC) {
        c.rankError();
        c.retainedValues();
        if (c.count() > c.missing()) {
          double q = c.quantile(0.5);
          check(q >= c.min() && q <= c.max(), "median within [min, max]");
          c.rank(q);
          c.variance();
        }
      } else {
        Map<String, Long> counts = c.categoryCounts();
        for (long v : counts.values()) {
          check(v > 0, "positive counts");
        }
        c.countError();
        c.distinctCategories();
      }
    }
    if (p.rows() > Long.MAX_VALUE / 2) {
      try {
        p.merge(back);
        check(false, "a merge beyond Long.MAX_VALUE rows was accepted");
      } catch (IllegalArgumentException expected) {
        // documented
      }
      ProfileDrift.defaults().compare(p, back);
      return;
    }
    Profile merged = p.merge(back);
    check(merged.rows() == 2 * p.rows(), "merged rows");
    ProfileDrift.defaults().compare(p, merged);
    ProfileDrift psi =
        ProfileDrift.builder()
            .numericMethod(ProfileDriftMethod.PSI)
            .categoricalMethod(ProfileDriftMethod.PSI)
            .build();
    psi.compare(merged, p).toJson();
    ProfileDrift.builder().numericMethod(ProfileDriftMethod.KS).build().compare(p, back);
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException("accepted profile is inconsistent: " + what);
    }
  }
}
