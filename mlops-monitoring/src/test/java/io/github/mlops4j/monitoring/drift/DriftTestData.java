package io.github.mlops4j.monitoring.drift;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Small builders of test columns. */
final class DriftTestData {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2024-06-01T12:00:00Z"), ZoneOffset.UTC);

  private DriftTestData() {}

  /** from, from + 1, …, to (inclusive). */
  static double[] range(int from, int to) {
    double[] v = new double[to - from + 1];
    for (int i = 0; i < v.length; i++) {
      v[i] = from + i;
    }
    return v;
  }

  static double[] plus(double[] v, double shift) {
    double[] r = v.clone();
    for (int i = 0; i < r.length; i++) {
      r[i] += shift;
    }
    return r;
  }

  /** {@code counts[i]} copies of {@code values[i]}, in order. */
  static double[] repeat(double[] values, int... counts) {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      for (int j = 0; j < counts[i]; j++) {
        out.add(values[i]);
      }
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** {@code counts[i]} copies of {@code labels[i]}, in order. */
  static String[] labels(String[] labels, int... counts) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < labels.length; i++) {
      for (int j = 0; j < counts[i]; j++) {
        out.add(labels[i]);
      }
    }
    return out.toArray(new String[0]);
  }

  static boolean[] bools(int falses, int trues) {
    boolean[] b = new boolean[falses + trues];
    for (int i = falses; i < b.length; i++) {
      b[i] = true;
    }
    return b;
  }

  static Frame numeric(String name, double[] v) {
    return Frame.builder().numeric(name, v).build();
  }

  static Frame categorical(String name, String[] v) {
    return Frame.builder().categorical(name, v).build();
  }

  static DriftReport compare(DriftPreset preset, Frame reference, Frame current) {
    return DriftDetector.builder(reference).preset(preset).clock(CLOCK).build().compare(current);
  }

  static ColumnDrift only(DriftReport r) {
    if (r.columns().size() != 1) {
      throw new AssertionError("expected one column, got " + r.columns());
    }
    return r.columns().get(0);
  }
}
