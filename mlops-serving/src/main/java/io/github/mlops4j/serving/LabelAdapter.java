package io.github.mlops4j.serving;

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

  @Override
  Map<String, Double> scores(org.tribuo.Prediction<Label> p) {
    Map<String, Label> s = p.getOutputScores();
    if (s.isEmpty()) {
      return Map.of(p.getOutput().getLabel(), p.getOutput().getScore());
    }
    @SuppressWarnings({"unchecked", "rawtypes"})
    Map.Entry<String, Double>[] entries = new Map.Entry[s.size()];
    int i = 0;
    for (Map.Entry<String, Label> e : s.entrySet()) {
      entries[i++] = Map.entry(e.getKey(), e.getValue().getScore());
    }
    return Map.ofEntries(entries);
  }
}
