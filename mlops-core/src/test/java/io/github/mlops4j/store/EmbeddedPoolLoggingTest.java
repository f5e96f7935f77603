package io.github.mlops4j.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.tracking.Tracker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The embedded pool logs nothing at INFO on open and close. The tests' SLF4J binding is
 * slf4j-simple at its default level (INFO), writing to the current {@code System.err}.
 */
class EmbeddedPoolLoggingTest {
  @TempDir Path temp;

  /** Runs {@code work} and returns what was logged (to System.err) meanwhile. */
  private static String logged(Runnable work) {
    PrintStream saved = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      work.run();
    } finally {
      System.setErr(saved);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void openingAndClosingAWorkspace_logsNothingFromHikariAtInfo() {
    assertThat(LoggerFactory.getLogger("com.zaxxer.hikari").isInfoEnabled())
        .as("the test binding logs com.zaxxer.hikari at INFO")
        .isTrue();
    // Logging is captured only if it reaches this System.err: check with a line of our own.
    String probe = logged(() -> LoggerFactory.getLogger("com.zaxxer.hikari.probe").info("probe"));
    assertThat(probe).contains("probe");

    String output =
        logged(
            () -> {
              try (Store store = Store.open(temp.resolve("ws"));
                  Tracker tracker =
                      Tracker.builder().store(store).captureEnvironment(false).build()) {
                tracker.startRun("e").close();
              }
            });
    assertThat(output)
        .doesNotContain("com.zaxxer.hikari")
        .doesNotContain("Start completed")
        .doesNotContain("Added connection")
        .doesNotContain("Shutdown");
  }

  @Test
  void aDatabaseThatCannotBeOpened_stillFailsAtOpen() {
    // A directory where the database file should be: SQLite cannot open it.
    assertThatThrownBy(
            () -> Store.builder().sqliteFile(temp).artifactRoot(temp.resolve("a")).build())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("Cannot open embedded database " + temp);
  }
}
