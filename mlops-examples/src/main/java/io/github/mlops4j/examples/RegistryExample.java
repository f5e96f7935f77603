package io.github.mlops4j.examples;

import io.github.mlops4j.examples.BreastCancer.Split;
import io.github.mlops4j.examples.Models.Candidate;
import io.github.mlops4j.registry.AuditEntry;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.tracking.Run;
import io.github.mlops4j.tracking.Tracker;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.impl.ArrayExample;

/**
 * The model registry only: two versions linked to their runs, the {@code champion} alias moved with
 * compare-and-set, a model loaded back (digest checked) and used, a rollback, and the audit trail.
 */
public final class RegistryExample {
  private RegistryExample() {}

  /**
   * Runs the example in {@code [--workspace] DIR} (default {@code target/registry-workspace}),
   * wiped first.
   */
  public static void main(String[] args) {
    Examples.quietTribuo();
    run(Examples.workspace(args, "registry"), System.out);
  }

  /**
   * Runs the example; returns the version {@code champion} points at in the end.
   *
   * @param workspace deleted and recreated
   */
  public static int run(Path workspace, PrintStream out) {
    Examples.wipe(workspace);
    Split split = BreastCancer.split(BreastCancer.load(), 0.3, 11);
    MutableDataset<Label> train = BreastCancer.dataset(split.train(), "train");

    try (Store store = Store.open(workspace);
        Tracker tracker = Tracker.builder().store(store).build();
        ModelRegistry registry = ModelRegistry.builder().store(store).build()) {
      int[] versions = new int[2];
      int i = 0;
      for (Candidate c :
          List.of(
              new Candidate("small-lr", "log", 0.05, 3, 11),
              new Candidate("large-lr", "log", 0.5, 20, 11))) {
        try (Run run = tracker.newRun("registry-example").name(c.name()).start()) {
          run.logParams(c.params());
          ModelVersion v = registry.register("diagnosis", Models.train(c, train), run.id());
          versions[i++] = v.version();
          out.printf(
              Locale.ROOT,
              "registered v%d from run %s: %d inputs -> %s%n",
              v.version(),
              run.id(),
              v.signature().orElseThrow().inputs().size(),
              v.signature().orElseThrow().outputLabels());
        }
      }
      registry.withComment("first model").setAlias("diagnosis", "champion", versions[0]);
      boolean moved =
          registry
              .withComment("better CV accuracy")
              .compareAndSetAlias("diagnosis", "champion", versions[0], versions[1]);
      boolean stale =
          registry.compareAndSetAlias("diagnosis", "champion", versions[0], versions[0]);
      out.println(
          "compare-and-set v1 -> v2: " + moved + "; a second writer expecting v1: " + stale);

      ModelVersion champion = registry.resolve("diagnosis", "champion").orElseThrow();
      Model<Label> model = registry.loadTribuo(champion, Label.class); // SHA-256 checked first
      BreastCancer.Sample s = split.test().get(0);
      String[] names = BreastCancer.modelFeatures().toArray(String[]::new);
      double[] values = BreastCancer.modelFeatures().stream().mapToDouble(s::value).toArray();
      Label predicted =
          model.predict(new ArrayExample<>(new Label("?"), names, values)).getOutput();
      out.println(
          "champion v"
              + champion.version()
              + " predicts "
              + predicted.getLabel()
              + " for "
              + s.id()
              + " (true: "
              + s.diagnosis()
              + ")");

      ModelVersion back = registry.rollback("diagnosis", "champion");
      out.println("rollback: champion -> v" + back.version());
      for (AuditEntry e : registry.auditLog("diagnosis")) {
        out.printf(
            Locale.ROOT,
            "audit %d %-13s version=%s alias=%s previous=%s comment=%s%n",
            e.sequence(),
            e.action(),
            e.version(),
            e.alias(),
            e.previousVersion(),
            java.util.Objects.requireNonNullElse(e.comment(), "-"));
      }
      return java.util.Objects.requireNonNull(
          registry.aliases("diagnosis").get("champion"), "the champion alias");
    }
  }
}
