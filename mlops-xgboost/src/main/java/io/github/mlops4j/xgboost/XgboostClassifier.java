package io.github.mlops4j.xgboost;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tribuo.Example;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.MutableOutputInfo;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;

/**
 * A classifier, as XGBoost's scikit-learn API answers: {@code binary:logistic} gives P(class 1),
 * P(class 0) is {@code 1 - p} in float and the label is class 1 when {@code p > 0.5}; {@code
 * multi:softprob} gives one probability per class and the label is the first most probable class.
 */
final class XgboostClassifier extends XgboostModel<Label> {
  private static final long serialVersionUID = 1L;

  private final List<String> labels;

  XgboostClassifier(
      String name, int version, List<String> columns, List<String> labels, BoosterPool pool) {
    super(name, version, columns, outputInfo(labels), true, pool);
    this.labels = List.copyOf(labels);
  }

  private static ImmutableOutputInfo<Label> outputInfo(List<String> labels) {
    MutableOutputInfo<Label> info = new LabelFactory().generateInfo();
    for (String l : labels) {
      info.observe(new Label(l));
    }
    return info.generateImmutableOutputInfo();
  }

  @Override
  List<Prediction<Label>> decode(float[][] outputs, List<Example<Label>> batch) {
    int c = labels.size();
    List<Prediction<Label>> out = new ArrayList<>(outputs.length);
    float[] p = new float[c];
    for (int i = 0; i < outputs.length; i++) {
      float[] row = outputs[i];
      int chosen;
      if (c == 2 && row.length == 1) {
        p[1] = row[0];
        p[0] = 1f - row[0];
        chosen = row[0] > 0.5f ? 1 : 0;
      } else if (row.length == c) {
        System.arraycopy(row, 0, p, 0, c);
        chosen = 0;
        for (int j = 1; j < c; j++) {
          if (p[j] > p[chosen]) {
            chosen = j;
          }
        }
      } else {
        throw new IllegalStateException(
            "XGBoost answered " + row.length + " values per row for " + c + " classes");
      }
      Map<String, Label> scores = new LinkedHashMap<>();
      for (int j = 0; j < c; j++) {
        scores.put(labels.get(j), new Label(labels.get(j), p[j]));
      }
      Example<Label> example = batch.get(i);
      out.add(
          new Prediction<>(
              new Label(labels.get(chosen), p[chosen]), scores, example.size(), example, true));
    }
    return out;
  }
}
