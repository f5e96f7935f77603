package io.github.mlops4j.monitoring.profile;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Seeded data for profile tests. */
public final class ProfileSamples {
  private ProfileSamples() {}

  static double[] normal(long seed, int n, double mean, double sd) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = mean + sd * gaussian(r);
    }
    return out;
  }

  static double gaussian(SplittableRandom r) {
    double u;
    double v;
    double s;
    do {
      u = 2 * r.nextDouble() - 1;
      v = 2 * r.nextDouble() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s == 0);
    return u * Math.sqrt(-2 * Math.log(s) / s);
  }

  public static Profile numericProfile(ProfileSchema schema, double[] values) {
    ProfileAccumulator acc = ProfileAccumulator.create(schema);
    double[] row = new double[1];
    for (double v : values) {
      row[0] = v;
      acc.update(row);
    }
    return acc.take();
  }

  static double[] concat(double[] a, double[] b) {
    double[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
