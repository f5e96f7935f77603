package io.github.mlops4j.serving.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resume decision of a batch job on its own ({@link BatchResume}): start over or go on from a
 * checkpoint, and the checks that keep a resume from losing or duplicating rows.
 */
class BatchResumeTest {
  @TempDir Path temp;

  private Path checkpoint() {
    return temp.resolve("scores.csv.checkpoint");
  }

  private Path partialOutput() {
    return temp.resolve("scores.csv.partial");
  }

  private Path partialRejects() {
    return temp.resolve("scores.rejects.csv.partial");
  }

  private static Checkpoint fresh() {
    return new Checkpoint(
        1,
        1234,
        "ab12",
        BatchFormat.CSV,
        BatchFormat.CSV,
        "churn",
        3,
        List.of("customer_id", "prediction_id", "model_version", "output"),
        List.of("no", "yes"),
        0,
        0,
        0,
        10,
        2,
        0,
        0,
        false);
  }

  private static Checkpoint after100Rows(int version) {
    return new Checkpoint(
        1,
        1234,
        "ab12",
        BatchFormat.CSV,
        BatchFormat.CSV,
        "churn",
        version,
        List.of("customer_id", "prediction_id", "model_version", "output"),
        List.of("no", "yes"),
        100,
        98,
        2,
        1000,
        102,
        50,
        6,
        true);
  }

  private Checkpoint state(boolean restart) {
    return BatchResume.state(fresh(), checkpoint(), partialOutput(), partialRejects(), restart);
  }

  @Test
  void withoutACheckpointTheJobStartsOver() {
    assertThat(state(false)).isEqualTo(fresh());
  }

  @Test
  void aMatchingCheckpointWithItsPartialFilesIsResumed() throws IOException {
    after100Rows(3).write(checkpoint());
    Files.write(partialOutput(), new byte[60]); // longer than recorded: cut back when opened
    Files.write(partialRejects(), new byte[6]);
    assertThat(state(false)).isEqualTo(after100Rows(3));
    assertThat(checkpoint()).exists();
  }

  @Test
  void restartDeletesTheCheckpointAndStartsOver() throws IOException {
    after100Rows(4).write(checkpoint());
    assertThat(state(true)).isEqualTo(fresh());
    assertThat(checkpoint()).doesNotExist();
  }

  @Test
  void aCheckpointOfAnotherJobIsAMismatch() throws IOException {
    after100Rows(4).write(checkpoint());
    assertThatThrownBy(() -> state(false))
        .isInstanceOf(CheckpointMismatchException.class)
        .hasMessageContaining("belongs to another job")
        .hasMessageContaining("model version was 4, is now 3")
        .hasMessageContaining("restart(true)");
  }

  @Test
  void aPartialFileShorterThanRecordedCannotBeResumed() throws IOException {
    after100Rows(3).write(checkpoint());
    Files.write(partialOutput(), new byte[49]);
    Files.write(partialRejects(), new byte[6]);
    assertThatThrownBy(() -> state(false))
        .isInstanceOf(BatchJobException.class)
        .hasMessageContaining("records 50 bytes of " + partialOutput())
        .hasMessageContaining("has only 49");
    Files.delete(partialRejects());
    Files.write(partialOutput(), new byte[50]);
    assertThatThrownBy(() -> state(false))
        .isInstanceOf(BatchJobException.class)
        .hasMessageContaining(partialRejects() + " but the file is missing");
  }

  @Test
  void theHintSaysTheJobCanBeResumedOnlyWhileItsCheckpointExists() throws IOException {
    assertThat(BatchResume.hint(checkpoint())).isEmpty();
    after100Rows(3).write(checkpoint());
    assertThat(BatchResume.hint(checkpoint()))
        .isEqualTo(". Its checkpoint " + checkpoint() + " is kept: run the job again to resume");
  }

  @Test
  void thePipelineAndTheResumeLogicAreNotApi() {
    assertThat(Modifier.isPublic(BatchPipeline.class.getModifiers())).isFalse();
    assertThat(Modifier.isPublic(BatchResume.class.getModifiers())).isFalse();
    assertThat(
            Arrays.stream(BatchJob.class.getDeclaredClasses())
                .filter(c -> Modifier.isPublic(c.getModifiers()))
                .map(Class::getSimpleName))
        .containsExactly("Builder");
  }
}
