package io.github.mlops4j.benchmarks;

import io.github.mlops4j.registry.validation.Evaluation;
import io.github.mlops4j.registry.validation.Holdout;
import io.github.mlops4j.registry.validation.ModelEvaluator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Evaluation of a logistic regression on {@code rows} labelled rows with {@link ModelEvaluator},
 * beside Tribuo's own {@link LabelEvaluator} on the same rows in the same run.
 *
 * <p>Setup: a logistic regression ({@value LogisticFixture#FEATURES} features) trained on 5,000
 * rows; an in-memory data set of {@code rows} (default 1,000,000) other rows of the same
 * distribution, each with metadata {@code region} (one of 4 values, drawn at random); holdouts over
 * it without slices and with {@code sliceBy("region")} (4 slices). The fork runs with a 6 GiB heap
 * (a million examples and a million predictions with their score maps). One operation evaluates
 * every row once; milliseconds per operation.
 *
 * <ul>
 *   <li>{@code evaluate}: {@code ModelEvaluator.evaluate(model, holdout)}: predicts every row
 *       ({@code model.predict(dataset)}), extracts labels, predictions and probabilities into
 *       arrays, computes accuracy, macro/micro F1 and precision/recall, per-class precision,
 *       recall, F1, AUC (one sort per class) and log-loss.
 *   <li>{@code evaluateWithSlices}: the same plus the 4 region slices, every metric per slice.
 *   <li>{@code tribuoEvaluator} (baseline): {@code new LabelEvaluator().evaluate(model, data)},
 *       then its macro-averaged F1; Tribuo computes its metrics in {@code evaluate}.
 *   <li>{@code tribuoEvaluatorWithAuc} (baseline): the same plus Tribuo's {@code AUCROC} of both
 *       labels, so that both sides compute AUC.
 *   <li>{@code predictOnly}: {@code model.predict(data)}, the part both sides share.
 * </ul>
 *
 * <p>Target: {@code evaluate} &lt;= 1.3x {@code tribuoEvaluator}; {@code evaluateWithSlices} &lt;=
 * 2x.
 *
 * <p>Run (from the repository root): {@code java -jar mlops-benchmarks/target/benchmarks.jar
 * EvaluationBenchmark -f 1}.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms6g", "-Xmx6g"})
@State(Scope.Benchmark)
public class EvaluationBenchmark {
  static final String[] REGIONS = {"north", "south", "east", "west"};

  @Param("1000000")
  int rows;

  Model<Label> model;
  MutableDataset<Label> data;
  Holdout<Label> holdout;
  Holdout<Label> sliced;

  @Setup(Level.Trial)
  public void setUp() {
    model = LogisticFixture.train(5_000, 7);
    LabelFactory factory = new LabelFactory();
    data = new MutableDataset<>(new SimpleDataSourceProvenance("holdout", factory), factory);
    SplittableRandom random = new SplittableRandom(21);
    for (int i = 0; i < rows; i++) {
      double[] x = LogisticFixture.row(random);
      ArrayExample<Label> ex = LogisticFixture.example(x, LogisticFixture.label(x, random));
      ex.setMetadataValue("region", REGIONS[random.nextInt(REGIONS.length)]);
      data.add(ex);
    }
    holdout = Holdout.builder(data).build();
    sliced = Holdout.builder(data).sliceBy("region").build();
    // both evaluators must agree before their times are compared
    double ours = ModelEvaluator.evaluate(model, holdout).metric("macro_f1");
    double tribuo = new LabelEvaluator().evaluate(model, data).macroAveragedF1();
    if (Math.abs(ours - tribuo) > 1e-9) {
      throw new IllegalStateException("macro F1 differs: " + ours + " vs Tribuo " + tribuo);
    }
  }

  @Benchmark
  public Evaluation evaluate() {
    return ModelEvaluator.evaluate(model, holdout);
  }

  @Benchmark
  public Evaluation evaluateWithSlices() {
    return ModelEvaluator.evaluate(model, sliced);
  }

  @Benchmark
  public double tribuoEvaluator() {
    LabelEvaluation e = new LabelEvaluator().evaluate(model, data);
    return e.macroAveragedF1();
  }

  @Benchmark
  public void tribuoEvaluatorWithAuc(Blackhole bh) {
    LabelEvaluation e = new LabelEvaluator().evaluate(model, data);
    bh.consume(e.macroAveragedF1());
    bh.consume(e.AUCROC(new Label("yes")));
    bh.consume(e.AUCROC(new Label("no")));
  }

  @Benchmark
  public List<Prediction<Label>> predictOnly() {
    return model.predict(data);
  }
}
