package io.github.mlops4j.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.Subscription;
import io.github.mlops4j.data.DatasetVersion;
import io.github.mlops4j.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Run listeners hear each start, input and end made through their tracker, after it is stored. */
class RunListenerTest {
  @TempDir Path dir;

  private final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T10:00:00Z"));

  private Tracker tracker() {
    return Tracker.builder()
        .workspace(dir.resolve("ws"))
        .clock(clock)
        .captureEnvironment(false)
        .build();
  }

  @Test
  void startInputsAndEnd_areAnnouncedInOrder_withTheStoredValues() throws Exception {
    Path data = Files.writeString(dir.resolve("d.csv"), "a\n1\n2\n");
    DatasetVersion version = DatasetVersion.of(data);
    List<RunEvent> heard = new CopyOnWriteArrayList<>();
    try (Tracker tracker = tracker()) {
      tracker.addListener(heard::add);
      String parentId;
      String childId;
      try (Run parent = tracker.startRun("exp")) {
        parentId = parent.id();
        parent.logInput(version, "train");
        // a listener reads what was stored: the run exists when it hears the start
        tracker.addListener(
            e -> {
              if (e instanceof RunEvent.Started s) {
                assertThat(tracker.findRun(s.runId())).isPresent();
              }
            });
        clock.advance(java.time.Duration.ofSeconds(5));
        try (Run child = parent.newChildRun().name("fold").start()) {
          childId = child.id();
        }
      }
      Run failed = tracker.startRun("exp");
      failed.fail(new IllegalStateException("boom"));

      assertThat(heard).hasSize(7);
      RunEvent.Started start = (RunEvent.Started) heard.get(0);
      assertThat(start.runId()).isEqualTo(parentId);
      assertThat(start.experiment()).isEqualTo("exp");
      assertThat(start.parentRunId()).isNull();
      assertThat(start.time()).isEqualTo(Instant.parse("2025-03-01T10:00:00Z"));
      RunEvent.InputLogged input = (RunEvent.InputLogged) heard.get(1);
      assertThat(input.input()).isEqualTo(new RunInput(version, "train"));
      RunEvent.Started child = (RunEvent.Started) heard.get(2);
      assertThat(child.runId()).isEqualTo(childId);
      assertThat(child.parentRunId()).isEqualTo(parentId);
      assertThat(child.experiment()).isEqualTo("exp"); // found from the id of a child run
      assertThat(child.runName()).isEqualTo("fold");
      assertThat(heard.get(3))
          .isEqualTo(
              new RunEvent.Ended(
                  childId, RunStatus.FINISHED, null, Instant.parse("2025-03-01T10:00:05Z")));
      assertThat(((RunEvent.Ended) heard.get(4)).runId()).isEqualTo(parentId);
      RunEvent.Ended fail = (RunEvent.Ended) heard.get(6);
      assertThat(fail.status()).isEqualTo(RunStatus.FAILED);
      assertThat(fail.error()).isEqualTo("java.lang.IllegalStateException: boom");
    }
  }

  @Test
  void aFailingListener_changesNothing_andAClosedSubscriptionHearsNothing() {
    List<RunEvent> heard = new CopyOnWriteArrayList<>();
    try (Tracker tracker = tracker()) {
      tracker.addListener(
          e -> {
            throw new IllegalStateException("listener bug");
          });
      Subscription s = tracker.addListener(heard::add);
      String id;
      try (Run run = tracker.startRun("exp")) {
        id = run.id();
        run.logParam("k", "v");
      }
      assertThat(tracker.findRun(id).orElseThrow().status()).isEqualTo(RunStatus.FINISHED);
      assertThat(heard).hasSize(2);
      s.close();
      tracker.startRun("exp").close();
      assertThat(heard).hasSize(2);
    }
  }

  @Test
  void aRunEndedElsewhere_isNotAnnouncedAgain() {
    List<RunEvent> heard = new CopyOnWriteArrayList<>();
    try (Tracker tracker = tracker()) {
      Run run = tracker.startRun("exp");
      Run other = tracker.resumeRun(run.id());
      other.kill();
      tracker.addListener(heard::add);
      run.close(); // already KILLED through the other handle: nothing changes, nothing is heard
      assertThat(heard).isEmpty();
    }
  }
}
