package io.github.mlops4j.serving;

import java.util.Arrays;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;

/** Classification: the predicted label, and each label's score. */
final class LabelAdapter extends OutputAdapter<Label> {
  @Override
  Class<Label> type() {
    return Label.class;
  }

  @Override
  Label unknown() {
    return LabelFactory.UNKNOWN_LABEL;
  }

  @Override
  boolean usable(org.tribuo.@Nullable Prediction<Label> p) {
    return p != null && p.getOutput() != null;
  }

  @Override
  String output(org.tribuo.Prediction<Label> p) {
    return p.getOutput().getLabel();
  }

  /**
   * The label names of the last score map, in the model's order; a model reports its labels in one
   * order, so this is set once and then only read (a thread that sees no array yet builds its own).
   * Volatile, so that the array's contents are published with it; never changed once set.
   */
  private volatile String @Nullable [] names;

  @Override
  Map<String, Double> scores(org.tribuo.Prediction<Label> p) {
    Map<String, Label> s = p.getOutputScores();
    if (s.isEmpty()) {
      return Map.of(p.getOutput().getLabel(), p.getOutput().getScore());
    }
    int n = s.size();
    if (n > ScoreMap.MAX) {
      @SuppressWarnings({"unchecked", "rawtypes"})
      Map.Entry<String, Double>[] entries = new Map.Entry[n];
      int i = 0;
      for (Map.Entry<String, Label> e : s.entrySet()) {
        entries[i++] = Map.entry(e.getKey(), e.getValue().getScore());
      }
      return Map.ofEntries(entries);
    }
    String[] known = names;
    String[] order;
    boolean reuse;
    if (known != null && known.length == n) {
      order = known;
      reuse = true;
    } else {
      order = new String[n];
      reuse = false;
    }
    double[] values = new double[n];
    int i = 0;
    for (Map.Entry<String, Label> e : s.entrySet()) {
      String name = e.getKey();
      if (reuse && !order[i].equals(name)) {
        order = Arrays.copyOf(order, n); // another order: the names before i matched
        reuse = false;
      }
      if (!reuse) {
        order[i] = name;
      }
      values[i++] = e.getValue().getScore();
    }
    if (!reuse) {
      names = order;
    }
    return new ScoreMap(order, values);
  }
}
