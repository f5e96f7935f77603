package io.github.mlops4j.examples;

import com.oracle.labs.mlrg.olcut.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.tribuo.Dataset;
import org.tribuo.Model;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.sgd.LabelObjective;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.Hinge;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.evaluation.CrossValidation;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.transform.TransformTrainer;
import org.tribuo.transform.TransformationMap;
import org.tribuo.transform.transformations.MeanStdDevTransformation;

/**
 * The candidate trainers of the examples: linear models trained by stochastic gradient descent on
 * standardized features (Tribuo's {@link TransformTrainer}, so the model takes raw values and
 * standardizes them itself).
 */
public final class Models {
  private Models() {}

  /**
   * A named trainer configuration.
   *
   * @param name short name, used as the run name
   * @param objective {@code log} (logistic regression) or {@code hinge} (linear SVM)
   * @param learningRate AdaGrad's initial learning rate
   * @param epochs passes over the data
   * @param seed the trainer's seed
   */
  public record Candidate(
      String name, String objective, double learningRate, int epochs, long seed) {
    /** Checks the values. */
    public Candidate {
      Objects.requireNonNull(name, "name");
      if (!objective.equals("log") && !objective.equals("hinge")) {
        throw new IllegalArgumentException(
            "objective must be 'log' or 'hinge', was '" + objective + "'");
      }
      if (!(learningRate > 0) || epochs < 1) {
        throw new IllegalArgumentException(
            "Need learningRate > 0 and epochs >= 1, had " + learningRate + " and " + epochs);
      }
    }

    /** The hyper-parameters as tracking params. */
    public Map<String, String> params() {
      return Map.of(
          "objective",
          objective,
          "optimiser",
          "adagrad",
          "learning_rate",
          Double.toString(learningRate),
          "epochs",
          Integer.toString(epochs),
          "seed",
          Long.toString(seed),
          "standardize",
          "mean-std");
    }

    /** The Tribuo trainer. */
    public Trainer<Label> trainer() {
      LabelObjective loss = objective.equals("log") ? new LogMulticlass() : new Hinge();
      Trainer<Label> sgd = new LinearSGDTrainer(loss, new AdaGrad(learningRate), epochs, seed);
      return new TransformTrainer<>(
          sgd, new TransformationMap(List.of(new MeanStdDevTransformation())));
    }
  }

  /** Three candidates with different objectives, learning rates and epochs. */
  public static List<Candidate> candidates(long seed) {
    return List.of(
        new Candidate("logistic-lr0.05-e3", "log", 0.05, 3, seed),
        new Candidate("logistic-lr0.5-e20", "log", 0.5, 20, seed),
        new Candidate("svm-lr0.1-e10", "hinge", 0.1, 10, seed));
  }

  /** Trains {@code candidate} on {@code data}. */
  public static Model<Label> train(Candidate candidate, Dataset<Label> data) {
    return candidate.trainer().train(data);
  }

  /** Per-fold evaluations of {@code k}-fold cross-validation, seeded. */
  public static List<LabelEvaluation> crossValidate(
      Candidate candidate, Dataset<Label> data, int k, long seed) {
    CrossValidation<Label, LabelEvaluation> cv =
        new CrossValidation<>(candidate.trainer(), data, new LabelEvaluator(), k, seed);
    List<LabelEvaluation> folds = new ArrayList<>(k);
    for (Pair<LabelEvaluation, Model<Label>> fold : cv.evaluate()) {
      folds.add(fold.getA());
    }
    return folds;
  }

  /** Evaluates {@code model} on {@code data}. */
  public static LabelEvaluation evaluate(Model<Label> model, Dataset<Label> data) {
    return new LabelEvaluator().evaluate(model, data);
  }
}
