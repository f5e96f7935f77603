package io.github.mlops4j.monitoring.profile;

import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.DoublesSortedView;

/**
 * The mutable state of one numeric column: exact counters and moments plus a KLL sketch. Not
 * thread-safe; a {@link Profile} owns instances that are never updated again.
 *
 * <p>Mean and variance use Welford's update per value and Chan et al.'s pairwise formula to merge,
 * both numerically stable. NaN and ±infinity count as missing and never reach the moments or the
 * sketch. The mean stays finite for any finite values (when a difference overflows, both terms are
 * divided by the count before they are subtracted); the sum of squared deviations {@code m2}
 * becomes +∞ once it exceeds the range of a double (values beyond about 10<sup>154</sup> in
 * magnitude with a spread to match).
 *
 * <p>The KLL sketch is allocated on the first value: until then the column holds a read-only empty
 * sketch of 8 bytes, not the k doubles of a heap sketch. A profile read from bytes wraps its KLL
 * images read-only; they are copied to the heap only if something merges into them.
 */
final class NumericSketch {
  private final int k;
  long present;
  long missing;
  double min = Double.POSITIVE_INFINITY;
  double max = Double.NEGATIVE_INFINITY;
  double mean;
  double m2;
  KllDoublesSketch kll;

  /** Whether {@link #kll} is a heap sketch of this column's own (else a read-only one). */
  private boolean heap;

  NumericSketch(int k) {
    this.k = k;
    this.kll = SketchImages.emptyKll(k);
  }

  private NumericSketch(int k, KllDoublesSketch kll) {
    this.k = k;
    this.kll = kll;
    this.heap = !kll.isReadOnly();
  }

  void update(double v) {
    if (!Double.isFinite(v)) { // NaN or ±infinity
      missing++;
      return;
    }
    long n = ++present;
    double d = v - mean;
    if (!Double.isFinite(
        d)) { // |v - mean| beyond Double.MAX_VALUE: both near opposite ends of the range
      mean += v / n - mean / n;
      m2 = Double.POSITIVE_INFINITY;
    } else {
      mean += d / n;
      m2 += d * (v - mean);
    }
    if (v < min) {
      min = v;
    }
    if (v > max) {
      max = v;
    }
    if (!heap) {
      toHeap();
    }
    kll.update(v);
  }

  /** Replaces a read-only sketch (the empty placeholder or a wrapped image) by a heap copy. */
  private void toHeap() {
    kll =
        kll.isEmpty()
            ? KllDoublesSketch.newHeapInstance(k)
            : KllDoublesSketch.heapify(Memory.wrap(kll.toByteArray()));
    heap = true;
  }

  void addMissing(long count) {
    missing += count;
  }

  /**
   * Adds another column's state to this one (Chan's merge for the moments). Locks {@code o}: a
   * profile's sketch may be read by several threads, and DataSketches caches views lazily.
   */
  void merge(NumericSketch o) {
    synchronized (o) {
      mergeLocked(o);
    }
  }

  private void mergeLocked(NumericSketch o) {
    missing += o.missing;
    if (o.present == 0) {
      return;
    }
    if (present == 0) {
      present = o.present;
      mean = o.mean;
      m2 = o.m2;
      min = o.min;
      max = o.max;
    } else {
      long n = present + o.present;
      double delta = o.mean - mean;
      double na = present;
      double nb = o.present;
      if (!Double.isFinite(delta)) { // the means are more than Double.MAX_VALUE apart
        mean = mean * (na / n) + o.mean * (nb / n);
        m2 = Double.POSITIVE_INFINITY;
      } else {
        mean = mean + delta * (nb / n);
        m2 = m2 + o.m2 + delta * delta * (na * nb / n);
      }
      present = n;
      min = Math.min(min, o.min);
      max = Math.max(max, o.max);
    }
    if (!heap) {
      toHeap();
    }
    kll.merge(o.kll);
  }

  synchronized NumericSketch copy() {
    NumericSketch c =
        new NumericSketch(
            k,
            present == 0
                ? SketchImages.emptyKll(k)
                : KllDoublesSketch.heapify(Memory.wrap(kll.toByteArray())));
    c.present = present;
    c.missing = missing;
    c.min = min;
    c.max = max;
    c.mean = mean;
    c.m2 = m2;
    return c;
  }

  /** Rebuilds a column from its serialized parts; the caller has validated them. */
  static NumericSketch restore(
      int k,
      long present,
      long missing,
      double min,
      double max,
      double mean,
      double m2,
      KllDoublesSketch kll) {
    NumericSketch s = new NumericSketch(k, kll);
    s.present = present;
    s.missing = missing;
    if (present > 0) {
      s.min = min;
      s.max = max;
      s.mean = mean;
      s.m2 = m2;
    }
    return s;
  }

  int k() {
    return k;
  }

  /** Normalized single-sided rank error of the sketch: 0 while it still holds every value. */
  double rankError() {
    return kll.isEstimationMode() ? kll.getNormalizedRankError(false) : 0.0;
  }

  /** Normalized double-sided (PMF, mass of an interval) error: 0 while exact. */
  double pmfError() {
    return kll.isEstimationMode() ? kll.getNormalizedRankError(true) : 0.0;
  }

  /**
   * The sketch's CDF as a step function over its distinct retained values. Synchronized because the
   * sketch caches its sorted view lazily.
   */
  synchronized SketchCdf cdf() {
    DoublesSortedView view = kll.getSortedView();
    return SketchCdf.of(view.getQuantiles(), view.getCumulativeWeights(), kll.getN());
  }

  synchronized byte[] kllBytes() {
    return kll.toByteArray();
  }
}
