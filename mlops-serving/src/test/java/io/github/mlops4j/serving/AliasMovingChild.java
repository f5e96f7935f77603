package io.github.mlops4j.serving;

import io.github.mlops4j.registry.ModelRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.tribuo.Model;
import org.tribuo.classification.Label;

/**
 * A second JVM that changes aliases in a shared workspace on command, one line each on stdin:
 * {@code setup <model>}, {@code op <model> <kind> <version>} or {@code quit}. Each command is
 * answered, once it has returned, by one line on stdout: {@link AliasMoves.Outcome#encode()} or
 * {@code error <message>}.
 */
final class AliasMovingChild {
  private AliasMovingChild() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    List<Model<Label>> models =
        List.of(TestModels.classifier(0), TestModels.classifier(1), TestModels.classifier(2));
    try (ModelRegistry registry =
            ModelRegistry.builder()
                .workspace(Path.of(args[0]))
                .pollInterval(Duration.ZERO)
                .build();
        BufferedReader in =
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      out.println("ready");
      String line;
      while ((line = in.readLine()) != null && !line.equals("quit")) {
        String[] f = line.split(" ");
        try {
          AliasMoves.Outcome o =
              f[0].equals("setup")
                  ? AliasMoves.setUp(registry, f[1], models)
                  : AliasMoves.apply(registry, f[1], AliasMoves.Op.decode(f[2], f[3]), models);
          out.println(o.encode());
        } catch (RuntimeException e) {
          out.println("error " + e.toString().replace('\n', ' '));
        }
      }
    }
  }
}
