package io.github.mlops4j.examples;

import io.github.mlops4j.examples.BreastCancer.Split;
import io.github.mlops4j.examples.Models.Candidate;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.validation.GateResult;
import io.github.mlops4j.registry.validation.Holdout;
import io.github.mlops4j.registry.validation.Rule;
import io.github.mlops4j.registry.validation.ValidationGate;
import java.io.PrintStream;
import java.nio.file.Path;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

/**
 * Validation gates only: a champion trained for one epoch at a tiny learning rate and a candidate
 * trained properly are compared on the same 171 holdout rows. The candidate is more accurate (0.98
 * against 0.95), but McNemar's test on the rows where they disagree does not show that the
 * difference is more than noise (p = 0.18), so the gate fails and {@code champion} stays where it
 * was: "better" has to be proven, not observed once.
 */
public final class ValidationExample {
  private ValidationExample() {}

  /**
   * Runs the example in {@code [--workspace] DIR} (default {@code target/validation-workspace}),
   * wiped first.
   */
  public static void main(String[] args) {
    Examples.quietTribuo();
    run(Examples.workspace(args, "validation"), System.out);
  }

  /**
   * Runs the example; returns the gate's result.
   *
   * @param workspace deleted and recreated
   */
  public static GateResult run(Path workspace, PrintStream out) {
    Examples.wipe(workspace);
    Split split = BreastCancer.split(BreastCancer.load(), 0.3, 3);
    MutableDataset<Label> train = BreastCancer.dataset(split.train(), "train");
    MutableDataset<Label> test = BreastCancer.dataset(split.test(), "test");
    try (ModelRegistry registry = ModelRegistry.open(workspace)) {
      int weak =
          registry
              .register(
                  "diagnosis", Models.train(new Candidate("weak", "log", 0.001, 1, 3), train), null)
              .version();
      registry.setAlias("diagnosis", "champion", weak);
      int candidate =
          registry
              .register(
                  "diagnosis",
                  Models.train(new Candidate("strong", "log", 0.5, 20, 3), train),
                  null)
              .version();

      ValidationGate gate =
          ValidationGate.builder()
              .require("accuracy", Rule.atLeast(0.9))
              .require("accuracy", Rule.betterThanChampionBy(0.0)) // McNemar, same rows
              .require("macro_f1", Rule.notWorseThanChampionBy(0.01)) // paired bootstrap
              .requireOnEverySlice("recall:malignant", Rule.atLeast(0.8))
              .significance(0.05)
              .seed(3)
              .build();
      Holdout<Label> holdout =
          Holdout.builder(test)
              .name("test")
              .slice("small", e -> e.lookup("mean_radius").getValue() < 15)
              .slice("large", e -> e.lookup("mean_radius").getValue() >= 15)
              .build();
      GateResult result =
          gate.promoteIfPassed(registry, "diagnosis", candidate, "champion", holdout);
      out.print(result.toText());
      out.println("champion is now v" + registry.aliases("diagnosis").get("champion"));
      return result;
    }
  }
}
