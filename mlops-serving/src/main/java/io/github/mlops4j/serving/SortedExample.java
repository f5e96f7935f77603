package io.github.mlops4j.serving;

import org.tribuo.Output;
import org.tribuo.impl.ArrayExample;

/**
 * An {@link ArrayExample} built from feature arrays that are already in Tribuo's order (feature
 * names ascending), so that the arrays are taken over as they are instead of being copied and
 * argsorted again. The request encoder fills its slots in the model's feature-domain order, which
 * is that order, so this is the common case.
 */
final class SortedExample<T extends Output<T>> extends ArrayExample<T> {
  private static final long serialVersionUID = 1L;

  private SortedExample(T output, String[] names, double[] values) {
    super(output, 1.0f, 0);
    this.featureNames = names;
    this.featureValues = values;
    this.size = names.length;
  }

  /**
   * An example over {@code names} and {@code values}, which the caller hands over (they must not be
   * changed afterwards).
   */
  static <T extends Output<T>> ArrayExample<T> of(T output, String[] names, double[] values) {
    for (int i = 1; i < names.length; i++) {
      if (names[i - 1].compareTo(names[i]) >= 0) {
        return new ArrayExample<>(output, names, values); // copies and sorts
      }
    }
    return new SortedExample<>(output, names, values);
  }

  /** The names array itself (not a copy). */
  String[] names() {
    return featureNames;
  }

  /** {@link #of} for names the caller knows to be strictly ascending (not checked). */
  static <T extends Output<T>> ArrayExample<T> ordered(T output, String[] names, double[] values) {
    return new SortedExample<>(output, names, values);
  }
}
