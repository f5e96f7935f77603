package io.github.mlops4j.registry.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.evaluation.RegressionEvaluation;
import org.tribuo.regression.evaluation.RegressionEvaluator;
import org.tribuo.regression.sgd.linear.LinearSGDTrainer;
import org.tribuo.regression.sgd.objectives.SquaredLoss;

class MetricsTest {
  // Twelve rows, three classes. Expected values computed independently with numpy 2.4.6 from
  // the confusion matrix of these arrays (precision = tp / predicted, recall = tp / actual, 0 on
  // an empty denominator), AUC as the Mann-Whitney statistic with ties counting 1/2, log-loss as
  // -mean(log(clip(p_true, 1e-15, 1))).
  static final List<String> LABELS = List.of("a", "b", "c");
  static final int[] TRUTH = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2};
  static final int[] PRED = {0, 0, 1, 0, 1, 1, 1, 1, 2, 0, 0, 1};
  static final double[] PROB = {
    .7, .2, .1, .6, .3, .1, .3, .5, .2, .5, .25, .25,
    .2, .7, .1, .1, .8, .1, .2, .3, .5, .3, .4, .3,
    .1, .2, .7, .5, .2, .3, .2, .2, .6, .25, .25, .5
  };

  static Scores fixed() {
    return Scores.labels(LABELS, TRUTH, PRED, PROB);
  }

  @Test
  void classificationMetrics_matchIndependentValues() {
    Map<String, Double> m = Metrics.all(fixed());
    assertThat(m.get("accuracy")).isCloseTo(0.6666666666666666, within(1e-12));
    assertThat(m.get("precision:a")).isCloseTo(0.6, within(1e-12));
    assertThat(m.get("precision:b")).isCloseTo(0.6666666666666666, within(1e-12));
    assertThat(m.get("precision:c")).isCloseTo(1.0, within(1e-12));
    assertThat(m.get("recall:a")).isCloseTo(0.75, within(1e-12));
    assertThat(m.get("recall:b")).isCloseTo(1.0, within(1e-12));
    assertThat(m.get("recall:c")).isCloseTo(0.25, within(1e-12));
    assertThat(m.get("f1:a")).isCloseTo(0.6666666666666665, within(1e-12));
    assertThat(m.get("f1:b")).isCloseTo(0.8, within(1e-12));
    assertThat(m.get("f1:c")).isCloseTo(0.4, within(1e-12));
    assertThat(m.get("macro_f1")).isCloseTo(0.6222222222222222, within(1e-12));
    assertThat(m.get("macro_precision")).isCloseTo(0.7555555555555555, within(1e-12));
    assertThat(m.get("macro_recall")).isCloseTo(0.6666666666666666, within(1e-12));
    assertThat(m.get("micro_f1")).isCloseTo(0.6666666666666666, within(1e-12));
    assertThat(m.get("auc:a")).isCloseTo(0.9375, within(1e-12));
    assertThat(m.get("auc:b")).isCloseTo(0.921875, within(1e-12));
    assertThat(m.get("auc:c")).isCloseTo(0.9375, within(1e-12));
    assertThat(m.get("log_loss")).isCloseTo(0.6857769280528534, within(1e-12));
  }

  @Test
  void regressionMetrics_matchIndependentValues() {
    // numpy 2.4.6: rmse = sqrt(mean(e^2)), mae = mean(|e|), r2 = 1 - sum(e^2) / sum((y - mean)^2)
    Scores s =
        Scores.regression(
            List.of("y"),
            new double[] {3.0, -0.5, 2.0, 7.0, 4.2, 1.1},
            new double[] {2.5, 0.0, 2.0, 8.0, 3.9, 1.6});
    Map<String, Double> m = Metrics.all(s);
    assertThat(m.get("rmse")).isCloseTo(0.5537749241945383, within(1e-12));
    assertThat(m.get("mae")).isCloseTo(0.46666666666666673, within(1e-12));
    assertThat(m.get("r2")).isCloseTo(0.9459776864357017, within(1e-12));
    assertThat(m.get("rmse:y")).isEqualTo(m.get("rmse"));
  }

  @Test
  void weights_countRowsRepeatedly() {
    Scores s = fixed();
    int[] twiceFirst = {2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    Metrics.Id acc = Metrics.parse(s, "accuracy");
    assertThat(Metrics.compute(s, acc, twiceFirst)).isCloseTo(9.0 / 13, within(1e-12));
    int[] none = new int[12];
    assertThat(Metrics.compute(s, acc, none)).isNaN();
    int[] onlyA = {1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0};
    assertThat(Metrics.compute(s, Metrics.parse(s, "auc:a"), onlyA)).isNaN();
  }

  @Test
  void unknownMetric_listsTheValidNames() {
    assertThatThrownBy(() -> Metrics.parse(fixed(), "rmse"))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("Unknown metric 'rmse'")
        .hasMessageContaining("classification")
        .hasMessageContaining("accuracy")
        .hasMessageContaining("auc:b");
    assertThatThrownBy(() -> Metrics.parse(fixed(), "recall:zebra"))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("recall:a");
  }

  @Test
  void labelMetrics_equalTribuosLabelEvaluator() {
    MutableDataset<Label> train = Data.churn(600, 1);
    MutableDataset<Label> test = Data.churn(400, 2);
    Model<Label> model = Data.logistic(train);
    List<Prediction<Label>> predictions = model.predict(test);
    LabelEvaluation tribuo =
        new LabelEvaluator().evaluate(model, predictions, test.getProvenance());
    Map<String, Double> ours = Metrics.all(Scores.of(model, predictions));
    assertThat(ours.get("accuracy")).isCloseTo(tribuo.accuracy(), within(1e-12));
    assertThat(ours.get("macro_f1")).isCloseTo(tribuo.macroAveragedF1(), within(1e-12));
    assertThat(ours.get("micro_f1")).isCloseTo(tribuo.microAveragedF1(), within(1e-12));
    assertThat(ours.get("macro_precision"))
        .isCloseTo(tribuo.macroAveragedPrecision(), within(1e-12));
    assertThat(ours.get("macro_recall")).isCloseTo(tribuo.macroAveragedRecall(), within(1e-12));
    for (String l : List.of("yes", "no")) {
      Label label = new Label(l);
      assertThat(ours.get("precision:" + l)).isCloseTo(tribuo.precision(label), within(1e-12));
      assertThat(ours.get("recall:" + l)).isCloseTo(tribuo.recall(label), within(1e-12));
      assertThat(ours.get("f1:" + l)).isCloseTo(tribuo.f1(label), within(1e-12));
      assertThat(ours.get("auc:" + l)).isCloseTo(tribuo.AUCROC(label), within(1e-9));
    }
  }

  @Test
  void regressionMetrics_equalTribuosRegressionEvaluator() {
    RegressionFactory factory = new RegressionFactory();
    MutableDataset<Regressor> train =
        new MutableDataset<>(new SimpleDataSourceProvenance("reg", factory), factory);
    MutableDataset<Regressor> test =
        new MutableDataset<>(new SimpleDataSourceProvenance("reg test", factory), factory);
    java.util.Random r = new java.util.Random(3);
    for (int i = 0; i < 500; i++) {
      double a = r.nextDouble();
      double b = r.nextDouble();
      double y = 3 * a - 2 * b + r.nextGaussian() * 0.1;
      (i < 300 ? train : test)
          .add(
              new ArrayExample<>(
                  new Regressor("price", y), new String[] {"a", "b"}, new double[] {a, b}));
    }
    Model<Regressor> model =
        new LinearSGDTrainer(new SquaredLoss(), new AdaGrad(0.1), 10, 1L).train(train);
    List<Prediction<Regressor>> predictions = model.predict(test);
    RegressionEvaluation tribuo =
        new RegressionEvaluator().evaluate(model, predictions, test.getProvenance());
    Map<String, Double> ours = Metrics.all(Scores.of(model, predictions));
    assertThat(ours.get("rmse")).isCloseTo(tribuo.averageRMSE(), within(1e-9));
    assertThat(ours.get("mae")).isCloseTo(tribuo.averageMAE(), within(1e-9));
    assertThat(ours.get("r2")).isCloseTo(tribuo.averageR2(), within(1e-9));
    assertThat(ours).containsKey("rmse:price");
  }
}
