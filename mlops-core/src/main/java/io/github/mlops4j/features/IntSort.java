package io.github.mlops4j.features;

/** A stable merge sort of {@code int} indices, without boxing. */
final class IntSort {
  @FunctionalInterface
  interface IntComparator {
    int compare(int a, int b);
  }

  private IntSort() {}

  static void sort(int[] a, IntComparator cmp) {
    sort(a, 0, a.length, cmp);
  }

  /** Sorts {@code a[from, to)}. */
  static void sort(int[] a, int from, int to, IntComparator cmp) {
    if (to - from < 2) {
      return;
    }
    int[] tmp = a.clone();
    sort(tmp, a, from, to, cmp);
  }

  /** Sorts {@code src[lo, hi)} into {@code dst[lo, hi)}; both start with the same content. */
  private static void sort(int[] src, int[] dst, int lo, int hi, IntComparator cmp) {
    int n = hi - lo;
    if (n < 24) {
      for (int i = lo + 1; i < hi; i++) {
        int v = dst[i];
        int j = i - 1;
        while (j >= lo && cmp.compare(dst[j], v) > 0) {
          dst[j + 1] = dst[j];
          j--;
        }
        dst[j + 1] = v;
      }
      return;
    }
    int mid = (lo + hi) >>> 1;
    sort(dst, src, lo, mid, cmp);
    sort(dst, src, mid, hi, cmp);
    if (cmp.compare(src[mid - 1], src[mid]) <= 0) {
      System.arraycopy(src, lo, dst, lo, n);
      return;
    }
    for (int i = lo, p = lo, q = mid; i < hi; i++) {
      if (q >= hi || (p < mid && cmp.compare(src[p], src[q]) <= 0)) {
        dst[i] = src[p++];
      } else {
        dst[i] = src[q++];
      }
    }
  }
}
