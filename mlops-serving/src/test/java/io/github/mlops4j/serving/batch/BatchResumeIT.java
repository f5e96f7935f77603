package io.github.mlops4j.serving.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.serving.Prediction;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A batch job killed with -9 in another JVM resumes here with every row exactly once. */
class BatchResumeIT {
  static final int ROWS = 2_000;

  @TempDir Path temp;

  /** The job both JVMs run: small chunks and frequent checkpoints. */
  static BatchJob.Builder job(BatchFixtures fx, Path input, Path output) {
    return BatchJob.builder()
        .service(fx.service)
        .input(input)
        .output(output)
        .passThrough("customer_id")
        .parallelism(2)
        .chunkSize(10)
        .checkpointEvery(50);
  }

  @Test
  void killMinus9_afterACheckpoint_thenRun_resumesWithNoRowLostOrRepeated() throws Exception {
    Path ws = temp.resolve("ws");
    Path in = BatchFixtures.csv(temp.resolve("customers.csv"), ROWS);
    Path out = temp.resolve("scores.csv");
    try (BatchFixtures fx = BatchFixtures.open(ws)) {
      assertThat(fx.service.activeVersion()).isEqualTo(1); // registered before the child starts
    }
    Path checkpoint = temp.resolve("scores.csv.checkpoint");
    Path partial = temp.resolve("scores.csv.partial");

    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                BatchResumeChild.class.getName(),
                ws.toString(),
                in.toString(),
                out.toString())
            .redirectErrorStream(true)
            .start();
    long killedAt = -1;
    StringBuilder log = new StringBuilder();
    try (BufferedReader lines =
            new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        OutputStream stdin = child.getOutputStream()) {
      String line;
      while ((line = lines.readLine()) != null) {
        log.append(line).append('\n');
        if (!line.startsWith("progress ")) {
          continue;
        }
        long done = Long.parseLong(line.substring("progress ".length()));
        if (Files.exists(checkpoint) && done >= 500 && done % 50 != 0) {
          // Rows past the checkpoint are written but not covered by it.
          child.destroyForcibly();
          killedAt = done;
          break;
        }
        stdin.write('\n');
        stdin.flush();
      }
    }
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(killedAt).as(log.toString()).isPositive();
    assertThat(out).doesNotExist();
    assertThat(partial).exists();
    Checkpoint cp = Checkpoint.read(checkpoint).orElseThrow();
    assertThat(cp.rowsRead()).isBetween(500L, killedAt);
    assertThat(Files.size(partial)).isGreaterThanOrEqualTo(cp.outputBytes());

    try (BatchFixtures fx = BatchFixtures.open(ws)) {
      BatchResult r = job(fx, in, out).build().run();

      assertThat(r.resumedFromRow()).isEqualTo(cp.rowsRead());
      assertThat(r.rowsRead()).isEqualTo(ROWS);
      assertThat(r.rowsScored()).isEqualTo(ROWS);
      assertThat(r.rowsRejected()).isZero();
      List<Map<String, String>> rows = BatchJobTest.readCsv(out);
      assertThat(rows)
          .extracting(m -> m.get("customer_id"))
          .containsExactlyElementsOf(BatchJobTest.ids(ROWS));
      Set<String> predictionIds = new HashSet<>();
      for (int i = 0; i < ROWS; i++) {
        Map<String, String> row = rows.get(i);
        assertThat(predictionIds.add(row.get("prediction_id"))).isTrue();
        if (i % 97 == 0) {
          Prediction expected = fx.service.predict(BatchFixtures.request(i));
          assertThat(row.get("output")).isEqualTo(expected.output());
          assertThat(Double.parseDouble(row.get("score_yes"))).isEqualTo(expected.score("yes"));
        }
      }
      assertThat(BatchFixtures.lines(temp.resolve("scores.rejects.csv")))
          .containsExactly("line,reason,raw");
      assertThat(checkpoint).doesNotExist();
      assertThat(partial).doesNotExist();
    }
  }
}
