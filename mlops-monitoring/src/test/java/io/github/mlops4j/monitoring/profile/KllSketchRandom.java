package io.github.mlops4j.monitoring.profile;

import java.lang.reflect.Field;
import java.util.Random;
import org.apache.datasketches.kll.KllSketch;

/**
 * Makes KLL compaction reproducible in tests. DataSketches 6.2.0 draws compaction coin flips from
 * one static, unseeded {@code java.util.Random} ({@code KllSketch.random}); reseeding it before a
 * test makes that test's sketches deterministic (tests in one JVM run one at a time). If a future
 * DataSketches version renames the field, this does nothing and the tests are merely random.
 */
public final class KllSketchRandom {
  private KllSketchRandom() {}

  public static void seed(long seed) {
    try {
      Field f = KllSketch.class.getDeclaredField("random");
      f.setAccessible(true);
      ((Random) f.get(null)).setSeed(seed);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // not fatal: sketches stay within their bounds, just not reproducibly
    }
  }
}
