package io.github.mlops4j.serving.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
  /** The persisted form of schema 1; a change here breaks the resume of running jobs. */
  private static final String GOLDEN =
      """
      {
        "schema" : 1,
        "inputSize" : 1234,
        "inputHeadSha256" : "ab12",
        "inputFormat" : "CSV",
        "outputFormat" : "JSON_LINES",
        "model" : "churn",
        "version" : 3,
        "outputColumns" : [ "customer_id", "prediction_id", "model_version", "output" ],
        "scoreColumns" : [ "no", "yes" ],
        "rowsRead" : 100,
        "rowsScored" : 98,
        "rowsRejected" : 2,
        "inputOffset" : 1000,
        "inputLine" : 102,
        "outputBytes" : 5000,
        "rejectsBytes" : 60,
        "outputHeaderWritten" : true
      }""";

  @TempDir Path temp;

  private static Checkpoint sample() {
    return new Checkpoint(
        1,
        1234,
        "ab12",
        BatchFormat.CSV,
        BatchFormat.JSON_LINES,
        "churn",
        3,
        List.of("customer_id", "prediction_id", "model_version", "output"),
        List.of("no", "yes"),
        100,
        98,
        2,
        1000,
        102,
        5000,
        60,
        true);
  }

  @Test
  void write_producesTheGoldenForm_andReadsItBack() throws IOException {
    Path file = temp.resolve("out.csv.checkpoint");
    sample().write(file);
    assertThat(Files.readString(file, StandardCharsets.UTF_8).replace("\r\n", "\n"))
        .isEqualTo(GOLDEN);
    assertThat(Checkpoint.read(file)).contains(sample());
    assertThat(temp.resolve("out.csv.checkpoint.tmp")).doesNotExist();
  }

  @Test
  void read_otherSchemaOrGarbage_isAClearError() throws IOException {
    Path file =
        Files.writeString(temp.resolve("cp"), GOLDEN.replace("\"schema\" : 1", "\"schema\" : 9"));
    assertThatThrownBy(() -> Checkpoint.read(file))
        .isInstanceOf(BatchJobException.class)
        .hasMessageContaining("schema version 9")
        .hasMessageContaining("restart(true)");
    Files.writeString(file, "{ not json");
    assertThatThrownBy(() -> Checkpoint.read(file))
        .isInstanceOf(BatchJobException.class)
        .hasMessageContaining("Cannot read the checkpoint");
    assertThat(Checkpoint.read(temp.resolve("absent"))).isEmpty();
  }

  @Test
  void differences_nameWhatChanged() {
    Checkpoint a = sample();
    Checkpoint b =
        new Checkpoint(
            1,
            999,
            "ab12",
            BatchFormat.CSV,
            BatchFormat.JSON_LINES,
            "churn",
            4,
            a.outputColumns(),
            null,
            0,
            0,
            0,
            0,
            1,
            0,
            0,
            false);
    assertThat(a.differences(b))
        .containsExactly("input size was 1234, is now 999", "model version was 3, is now 4");
    assertThat(a.differences(a)).isEmpty();
  }
}
