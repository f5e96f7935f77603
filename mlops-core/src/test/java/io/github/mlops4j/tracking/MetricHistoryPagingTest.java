package io.github.mlops4j.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Tracker#metricHistory(String, String, int, String)} and its page tokens. */
class MetricHistoryPagingTest {
  @TempDir Path ws;
  Tracker tracker;

  @BeforeEach
  void open() {
    // small batches: the series is stored in many chunks of different sizes
    tracker = Tracker.builder().workspace(ws).captureEnvironment(false).maxBatchPoints(7).build();
  }

  @AfterEach
  void close() {
    tracker.close();
  }

  /** Logs {@code n} points of "loss" in flushed groups of 1, 2, 3, ... points. */
  private Run runWith(int n) {
    Run run = tracker.startRun("paging");
    int group = 1;
    int inGroup = 0;
    for (int i = 0; i < n; i++) {
      run.logMetric("loss", i == 13 ? Double.NaN : 1.0 / (i + 1), i % 5, Instant.ofEpochMilli(i));
      if (++inGroup == group) {
        assertThat(tracker.flush(Duration.ofSeconds(30))).isTrue();
        group++;
        inGroup = 0;
      }
    }
    assertThat(tracker.flush(Duration.ofSeconds(30))).isTrue();
    return run;
  }

  @Test
  void pagesOfEverySize_concatenateToTheWholeHistory_eachAtMostThePageSize() {
    Run run = runWith(200);
    List<MetricPoint> all = tracker.metricHistory(run.id(), "loss");
    assertThat(all).hasSize(200);
    for (int size : new int[] {1, 2, 3, 7, 8, 50, 199, 200, 201, Tracker.MAX_HISTORY_PAGE}) {
      List<MetricPoint> read = new ArrayList<>();
      List<Integer> sizes = new ArrayList<>();
      String token = null;
      do {
        MetricHistoryPage page = tracker.metricHistory(run.id(), "loss", size, token);
        sizes.add(page.points().size());
        read.addAll(page.points());
        token = page.nextPageToken();
      } while (token != null);
      assertThat(read).as("page size %d", size).isEqualTo(all);
      int pages = (200 + size - 1) / size;
      assertThat(sizes).as("page size %d", size).hasSize(pages);
      assertThat(sizes.subList(0, pages - 1)).allMatch(s -> s == size);
    }
  }

  @Test
  void pointsLoggedWhilePaging_appearOnLaterPages_andNoneRepeats() {
    Run run = runWith(10);
    MetricHistoryPage first = tracker.metricHistory(run.id(), "loss", 10, null);
    assertThat(first.points()).hasSize(10);
    assertThat(first.nextPageToken()).isNull();
    MetricHistoryPage firstOfFour = tracker.metricHistory(run.id(), "loss", 4, null);
    run.logMetric("loss", 42.0, 99, Instant.ofEpochMilli(99));
    assertThat(tracker.flush(Duration.ofSeconds(30))).isTrue();
    List<MetricPoint> rest = new ArrayList<>();
    String token = firstOfFour.nextPageToken();
    while (token != null) {
      MetricHistoryPage page = tracker.metricHistory(run.id(), "loss", 4, token);
      rest.addAll(page.points());
      token = page.nextPageToken();
    }
    List<MetricPoint> all = new ArrayList<>(firstOfFour.points());
    all.addAll(rest);
    assertThat(all).isEqualTo(tracker.metricHistory(run.id(), "loss")).hasSize(11);
  }

  @Test
  void aSeriesNeverLogged_isOneEmptyPage_andAnUnknownRunIsRefused() {
    Run run = runWith(3);
    MetricHistoryPage none = tracker.metricHistory(run.id(), "acc", 10, null);
    assertThat(none.points()).isEmpty();
    assertThat(none.nextPageToken()).isNull();
    assertThatThrownBy(() -> tracker.metricHistory("nope", "loss", 10, null))
        .isInstanceOf(RunNotFoundException.class);
  }

  @Test
  void tokensOfAnotherSeries_orForged_areRefused_andPageSizesAreChecked() {
    Run run = runWith(20);
    Run other = runWith(20);
    String token = tracker.metricHistory(run.id(), "loss", 3, null).nextPageToken();
    assertThat(token).isNotNull();
    assertThatThrownBy(() -> tracker.metricHistory(other.id(), "loss", 3, token))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("was not issued for the history of metric 'loss'");
    String huge = "x".repeat(10_000);
    assertThatThrownBy(() -> tracker.metricHistory(run.id(), "loss", 3, huge))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("(10000 characters)");
    String negative =
        java.util.Base64.getUrlEncoder()
            .encodeToString("h1:1:-5:0".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThatThrownBy(() -> tracker.metricHistory(run.id(), "loss", 3, negative))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> tracker.metricHistory(run.id(), "loss", 0, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxResults");
    assertThatThrownBy(
            () -> tracker.metricHistory(run.id(), "loss", Tracker.MAX_HISTORY_PAGE + 1, null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
