package io.github.mlops4j.serving.batch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A second JVM that runs a batch job whose progress listener prints each report and then waits for
 * a line on standard input, so that the test decides when the job moves on (or kills it).
 */
final class BatchResumeChild {
  private BatchResumeChild() {}

  public static void main(String[] args) throws Exception {
    Path workspace = Path.of(args[0]);
    Path input = Path.of(args[1]);
    Path output = Path.of(args[2]);
    BufferedReader stdin =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    try (BatchFixtures fx = BatchFixtures.open(workspace)) {
      BatchJob job =
          BatchResumeIT.job(fx, input, output)
              .progressEvery(1, Duration.ofHours(1))
              .listener(
                  p -> {
                    System.out.println("progress " + p.rowsDone());
                    System.out.flush();
                    try {
                      if (stdin.readLine() == null) {
                        throw new IllegalStateException("the test closed standard input");
                      }
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  })
              .build();
      job.run();
    }
    System.out.println("done");
  }
}
