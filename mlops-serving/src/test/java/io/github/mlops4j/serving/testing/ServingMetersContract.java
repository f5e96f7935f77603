package io.github.mlops4j.serving.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.github.mlops4j.serving.metrics.ServingMeters;
import io.github.mlops4j.serving.metrics.ServingMeters.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link ServingMeters} must keep, as a JUnit 5 suite that an implementation
 * runs by extending it: the calls an {@code InferenceService} makes, in the orders and from the
 * threads it makes them, never throw (an exception would reach the caller of {@code predict}).
 *
 * <p>To run it against your implementation (for another metrics library, say), add mlops-serving's
 * test jar as a test dependency (its version comes from {@code mlops4j-bom}):
 *
 * <pre>{@code
 * <dependency>
 *   <groupId>io.github.mlops4j</groupId>
 *   <artifactId>mlops-serving</artifactId>
 *   <type>test-jar</type>
 *   <scope>test</scope>
 * </dependency>
 * }</pre>
 *
 * <p>and extend this class with a method that returns fresh meters:
 *
 * <pre>{@code
 * class DropwizardServingMetersTest extends ServingMetersContract {
 *   @Override
 *   protected ServingMeters meters() {
 *     return DropwizardServingMeters.of(new MetricRegistry());
 *   }
 * }
 * }</pre>
 *
 * <p>The suite cannot know where your meters record, so it checks the lifecycle and thread-safety
 * rules of {@link ServingMeters}; add tests of your own that read back what a call recorded. Runs
 * with JUnit Jupiter 5 and AssertJ on the test class path.
 *
 * <p>In the tree: {@code MicrometerServingMeters}, {@code ServingMeters.noop()} and the recording
 * implementation of {@code ServingMetersSpiTest} run it.
 *
 * @since 0.1.0
 */
public abstract class ServingMetersContract {
  private static final List<String> ROUTES = List.of("primary", "canary", "shadow");

  /** Subclasses are the meters under test. */
  protected ServingMetersContract() {}

  /**
   * New meters under test, as a user would give them to {@code InferenceService.Builder#meters}.
   */
  protected abstract ServingMeters meters();

  private static void recordEverything(
      ServingMeters.Service service, ServingMeters.VersionMeters v) {
    for (int route = 0; route < ROUTES.size(); route++) {
      for (Outcome outcome : Outcome.values()) {
        v.record(route, outcome, 0);
        v.record(route, outcome, 1_234_567);
      }
    }
    v.filled(3);
    v.dropped(2);
    service.swapped();
    service.loadFailed();
    service.shadowDropped();
    service.eventDropped();
    service.listenerFailed();
    service.canaryRolledBack();
  }

  /**
   * The lifecycle of one service: {@code open}, a version per loaded model version, every recording
   * method with every route and outcome, the version closed when it retires, then the service
   * closed.
   */
  @Test
  public void oneServiceRecordsEveryKindOfCallAndCloses() {
    ServingMeters meters = meters();
    AtomicLong inFlight = new AtomicLong();
    assertThatCode(
            () -> {
              ServingMeters.Service service = meters.open("churn", inFlight::get);
              assertThat(service).isNotNull();
              ServingMeters.VersionMeters v1 = service.version(1, ROUTES);
              assertThat(v1).isNotNull();
              recordEverything(service, v1);
              ServingMeters.VersionMeters v2 = service.version(2, List.of("primary"));
              v2.record(0, Outcome.OK, 10);
              v1.close();
              v2.close();
              service.close();
            })
        .doesNotThrowAnyException();
  }

  /**
   * One {@code ServingMeters} may be given to many services, of one model or of several, open at
   * the same time; closing one leaves the others recording.
   */
  @Test
  public void manyServicesOfOneOrSeveralModelsShareOneMeters() {
    ServingMeters meters = meters();
    assertThatCode(
            () -> {
              ServingMeters.Service a = meters.open("churn", () -> 0);
              ServingMeters.Service b = meters.open("churn", () -> 1);
              ServingMeters.Service c = meters.open("fraud", () -> 2);
              ServingMeters.VersionMeters av = a.version(1, ROUTES);
              ServingMeters.VersionMeters bv = b.version(1, ROUTES);
              ServingMeters.VersionMeters cv = c.version(7, ROUTES);
              recordEverything(a, av);
              recordEverything(b, bv);
              recordEverything(c, cv);
              av.close();
              a.close();
              recordEverything(b, bv);
              recordEverything(c, cv);
              bv.close();
              cv.close();
              b.close();
              c.close();
            })
        .doesNotThrowAnyException();
  }

  /**
   * A version can come back after it retired (an alias moved back to it): it gets new meters that
   * record as before.
   */
  @Test
  public void aRetiredVersionCanBeOpenedAgain() {
    ServingMeters meters = meters();
    assertThatCode(
            () -> {
              ServingMeters.Service service = meters.open("churn", () -> 0);
              ServingMeters.VersionMeters first = service.version(1, ROUTES);
              recordEverything(service, first);
              first.close();
              ServingMeters.VersionMeters again = service.version(1, ROUTES);
              recordEverything(service, again);
              again.close();
              service.close();
            })
        .doesNotThrowAnyException();
  }

  /**
   * Closing is idempotent, a service's close also releases versions not closed yet, and a call that
   * started before a close may still record afterwards: the record may be lost but never throws.
   */
  @Test
  public void closeIsIdempotent_andRecordingAfterCloseDoesNotThrow() {
    ServingMeters meters = meters();
    assertThatCode(
            () -> {
              ServingMeters.Service service = meters.open("churn", () -> 0);
              ServingMeters.VersionMeters retired = service.version(1, ROUTES);
              ServingMeters.VersionMeters open = service.version(2, ROUTES);
              retired.close();
              retired.close();
              recordEverything(service, retired);
              service.close(); // version 2 is still open
              service.close();
              recordEverything(service, open);
              open.close();
            })
        .doesNotThrowAnyException();
  }

  /**
   * The recording methods run on the predict path from many threads at once: they are thread-safe
   * and never throw, while versions open and retire beside them.
   */
  @Test
  public void recordingFromManyThreadsAtOnceNeverThrows() throws Exception {
    ServingMeters meters = meters();
    ServingMeters.Service service = meters.open("churn", () -> 0);
    ServingMeters.VersionMeters shared = service.version(1, ROUTES);
    int threads = 4;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < 2_000; i++) {
                    recordEverything(service, shared);
                    if (id == 0 && i % 100 == 0) {
                      // another thread loads and retires versions meanwhile
                      ServingMeters.VersionMeters v = service.version(2 + i / 100, ROUTES);
                      v.record(0, Outcome.OK, i);
                      v.close();
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(5, TimeUnit.MINUTES); // a safety net, not a timing assertion
      }
    } finally {
      pool.shutdownNow();
    }
    shared.close();
    service.close();
  }
}
