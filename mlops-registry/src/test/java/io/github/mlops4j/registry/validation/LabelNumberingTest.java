package io.github.mlops4j.registry.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/** Two models may number the same labels differently; paired tests must match them by name. */
class LabelNumberingTest {
  /**
   * Rows labelled "true"/"false" by x < 4 with 10 % noise; {@code first} is the first row's label.
   */
  private static MutableDataset<Label> rows(int n, long seed, String first) {
    LabelFactory factory = new LabelFactory();
    Random random = new Random(seed);
    List<ArrayExample<Label>> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double x = random.nextDouble() * 10;
      boolean positive = (x < 4) != (random.nextDouble() < 0.1);
      rows.add(
          new ArrayExample<>(
              new Label(positive ? "true" : "false"),
              new String[] {"x", "z"},
              new double[] {x, random.nextDouble()}));
    }
    rows.sort(Comparator.comparing(e -> e.getOutput().getLabel().equals(first) ? 0 : 1));
    MutableDataset<Label> data =
        new MutableDataset<>(new SimpleDataSourceProvenance("rows-" + seed, factory), factory);
    rows.forEach(data::add);
    return data;
  }

  @Test
  void mcnemarCountsAgreeWithThePredictedLabelNames_whateverEachModelsIds() {
    Model<Label> a = Data.logistic(rows(2000, 1, "true"));
    Model<Label> b = Data.logistic(rows(2000, 1, "false"));
    MutableDataset<Label> holdout = rows(1000, 9, "true");
    long onlyA = 0;
    long onlyB = 0;
    List<Prediction<Label>> pa = a.predict(holdout);
    List<Prediction<Label>> pb = b.predict(holdout);
    for (int i = 0; i < pa.size(); i++) {
      String truth = pa.get(i).getExample().getOutput().getLabel();
      boolean ra = pa.get(i).getOutput().getLabel().equals(truth);
      boolean rb = pb.get(i).getOutput().getLabel().equals(truth);
      onlyA += ra && !rb ? 1 : 0;
      onlyB += rb && !ra ? 1 : 0;
    }
    Holdout<Label> h = Holdout.builder(holdout).build();
    PairedTests.McNemar t =
        PairedTests.mcnemar(
            ModelEvaluator.evaluate(a, h).scores(), ModelEvaluator.evaluate(b, h).scores(), -1);
    assertThat(t.candidateOnly()).isEqualTo(onlyA);
    assertThat(t.championOnly()).isEqualTo(onlyB);
  }
}
