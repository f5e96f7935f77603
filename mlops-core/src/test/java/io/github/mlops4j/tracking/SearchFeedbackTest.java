package io.github.mlops4j.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Searches that would silently answer nothing: an unknown experiment, an unknown key. */
class SearchFeedbackTest {
  @TempDir Path ws;
  private Tracker tracker;

  @BeforeEach
  void setUp() {
    tracker = Tracker.builder().workspace(ws).captureEnvironment(false).build();
    for (String experiment : new String[] {"loan-default", "churn", "loan-default-v2"}) {
      try (Run run = tracker.startRun(experiment)) {
        run.logParam("learning_rate", "0.1");
        run.setTag("team", "risk");
        run.logMetric("accuracy", 0.9, 0);
        run.logMetric("auc", 0.8, 0);
      }
    }
    tracker.flush(Duration.ofSeconds(30));
  }

  @AfterEach
  void tearDown() {
    tracker.close();
  }

  /**
   * What the tracker's logger logged on this thread while {@code work} ran (slf4j-simple writes
   * "[thread] LEVEL logger - message" to the current System.err; other threads' lines are left
   * out).
   */
  private static String logged(Runnable work) {
    PrintStream saved = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      work.run();
    } finally {
      System.setErr(saved);
    }
    String prefix = "[" + Thread.currentThread().getName() + "] ";
    String logger = " " + Tracker.class.getName() + " - ";
    return out.toString(StandardCharsets.UTF_8)
        .lines()
        .filter(l -> l.startsWith(prefix) && l.contains(logger))
        .collect(java.util.stream.Collectors.joining("\n"));
  }

  @Test
  void anUnknownExperiment_isAnError_listingTheClosestKnownOnesFirst() {
    assertThatThrownBy(() -> tracker.searchRuns("loan_default", ""))
        .isInstanceOfSatisfying(
            ExperimentNotFoundException.class,
            e -> {
              assertThat(e.experiment()).isEqualTo("loan_default");
              assertThat(e.closest()).containsExactly("loan-default", "loan-default-v2");
            })
        .isInstanceOf(TrackingException.class)
        .hasMessage(
            "No experiment named 'loan_default' exists in this workspace; the closest of"
                + " its 3 experiment(s): 'loan-default', 'loan-default-v2'");
    assertThatThrownBy(
            () -> tracker.searchRuns(RunQuery.builder().experiments("churn", "chrun").build()))
        .isInstanceOf(ExperimentNotFoundException.class)
        .hasMessageContaining("'chrun'");
    assertThat(tracker.searchRuns("loan-default", "")).hasSize(1);
  }

  @Test
  void anExperimentNameInAMessage_isCut() {
    String longName = "x".repeat(300);
    assertThatThrownBy(() -> tracker.searchRuns(longName, ""))
        .isInstanceOf(ExperimentNotFoundException.class)
        .hasMessageContaining("(300 characters)");
  }

  @Test
  void anUnknownKey_isLoggedOnceWithTheClosestKeys() {
    String first =
        logged(
            () ->
                assertThat(tracker.searchRuns("loan-default", "metrics.acuracy > 0.5")).isEmpty());
    assertThat(first)
        .contains("WARN")
        .contains("metrics.acuracy")
        .contains("Closest metrics: [accuracy]");
    String again = logged(() -> tracker.searchRuns("loan-default", "metrics.acuracy > 0.7"));
    assertThat(again).doesNotContain("acuracy");

    String param =
        logged(
            () ->
                tracker.searchRuns("churn", "params.learning_rat = '0.1' and tags.teem = 'risk'"));
    assertThat(param)
        .contains("params.learning_rat")
        .contains("Closest params: [learning_rate]")
        .contains("tags.teem")
        .contains("Closest tags: [team");

    String known =
        logged(
            () ->
                assertThat(
                        tracker.searchRuns(
                            "churn", "metrics.accuracy > 0.5 and params.learning_rate = '0.1'"))
                    .hasSize(1));
    assertThat(known).doesNotContain("WARN");
  }

  @Test
  void whenNothingIsClose_noNameIsSuggestedAsClose() {
    assertThatThrownBy(() -> tracker.searchRuns("fraud", ""))
        .isInstanceOfSatisfying(
            ExperimentNotFoundException.class, e -> assertThat(e.closest()).isEmpty())
        .hasMessage(
            "No experiment named 'fraud' exists in this workspace; none of its 3"
                + " experiment(s) has a close name: 'loan-default', 'churn', 'loan-default-v2'");
    String unrelated = logged(() -> tracker.searchRuns("churn", "metrics.rmse < 1"));
    assertThat(unrelated)
        .contains("metrics.rmse")
        .contains("None of its metrics has a close name")
        .doesNotContain("Closest");
  }

  @Test
  void checkingTheExperimentCostsNoExtraQuery() throws Exception {
    org.sqlite.SQLiteDataSource sqlite = new org.sqlite.SQLiteDataSource();
    sqlite.setUrl("jdbc:sqlite:" + ws.resolve("mlops.db"));
    java.util.List<String> statements = new java.util.concurrent.CopyOnWriteArrayList<>();
    javax.sql.DataSource counting =
        (javax.sql.DataSource)
            java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {javax.sql.DataSource.class},
                (ds, m, args) -> {
                  Object out = invoke(m, sqlite, args);
                  if (!(out instanceof java.sql.Connection c)) {
                    return out;
                  }
                  return java.lang.reflect.Proxy.newProxyInstance(
                      getClass().getClassLoader(),
                      new Class<?>[] {java.sql.Connection.class},
                      (conn, cm, cargs) -> {
                        if (cm.getName().startsWith("prepare")
                            && cargs != null
                            && cargs[0] instanceof String sql) {
                          statements.add(sql);
                        }
                        return invoke(cm, c, cargs);
                      });
                });
    try (Tracker viaCounting =
        Tracker.builder()
            .dataSource(counting)
            .artifactRoot(ws.resolve("artifacts"))
            .captureEnvironment(false)
            .build()) {
      statements.clear();
      assertThat(viaCounting.searchRuns(RunQuery.builder().experiments("churn").build()).runs())
          .hasSize(1);
      assertThat(statements.stream().filter(sql -> sql.contains("FROM experiments"))).hasSize(1);
    }
  }

  private static Object invoke(java.lang.reflect.Method m, Object target, Object[] args)
      throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (java.lang.reflect.InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
