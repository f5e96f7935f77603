package io.github.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.metrics.ServingMeters;
import io.github.mlops4j.serving.metrics.ServingMeters.Outcome;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics seam: a service records through any {@link ServingMeters} implementation (here a
 * plain in-memory one, as a user of another metrics library would write), and no Micrometer type is
 * in the builder's signature.
 */
class ServingMetersSpiTest {
  @TempDir Path workspace;

  /** Records every call as text, the way an implementation for another library would count. */
  static final class Recording implements ServingMeters {
    final List<String> opened = new CopyOnWriteArrayList<>();
    final List<String> events = new CopyOnWriteArrayList<>();
    final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    final List<LongSupplier> inFlight = new CopyOnWriteArrayList<>();

    /** The nanos of each recorded call, by the key of its count. */
    final Map<String, List<Long>> latencies = new ConcurrentHashMap<>();

    List<Long> latencies(String key) {
      return latencies.getOrDefault(key, List.of());
    }

    long count(String key) {
      AtomicLong n = counts.get(key);
      return n == null ? 0 : n.get();
    }

    void add(String key, long n) {
      counts.computeIfAbsent(key, k -> new AtomicLong()).addAndGet(n);
    }

    @Override
    public Service open(String model, LongSupplier calls) {
      opened.add(model);
      inFlight.add(calls);
      return new Service() {
        @Override
        public VersionMeters version(int version, List<String> routes) {
          events.add(model + " v" + version + " opened " + routes);
          return new VersionMeters() {
            @Override
            public void record(int route, Outcome outcome, long nanos) {
              assertThat(nanos).isNotNegative();
              String key = model + " v" + version + " " + routes.get(route) + " " + outcome.tag();
              add(key, 1);
              latencies.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(nanos);
            }

            @Override
            public void filled(int count) {
              add(model + " v" + version + " filled", count);
            }

            @Override
            public void dropped(int count) {
              add(model + " v" + version + " dropped", count);
            }

            @Override
            public void close() {
              events.add(model + " v" + version + " closed");
            }
          };
        }

        @Override
        public void swapped() {
          add(model + " swaps", 1);
        }

        @Override
        public void loadFailed() {
          add(model + " load failures", 1);
        }

        @Override
        public void shadowDropped() {
          add(model + " shadow dropped", 1);
        }

        @Override
        public void eventDropped() {
          add(model + " events dropped", 1);
        }

        @Override
        public void listenerFailed() {
          add(model + " listener failures", 1);
        }

        @Override
        public void canaryRolledBack() {
          add(model + " canary rollbacks", 1);
        }

        @Override
        public void close() {
          events.add(model + " closed");
        }
      };
    }
  }

  @Test
  void aServiceRecordsThroughAnyImplementationAndReleasesRetiredVersions() {
    Recording meters = new Recording();
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      org.tribuo.Model<org.tribuo.classification.Label> model = TestModels.classifier(0);
      for (int v = 1; v <= 4; v++) {
        registry.register("churn", model, null);
      }
      registry.setAlias("churn", "champion", 1);
      try (InferenceService s =
          InferenceService.builder()
              .registry(registry)
              .model("churn")
              .alias("champion")
              .meters(meters)
              .validation(ValidationPolicy.fill(0.0))
              .listener(
                  e -> {
                    throw new IllegalStateException("listener down");
                  })
              .build()) {
        assertThat(meters.opened).containsExactly("churn");
        s.predict(TestModels.request(1, 1, 1));
        s.predict(TestModels.request(1, 1, 1));
        s.predict(Map.of("x1", 1.0, "x2", 1.0, "extra", 1.0));
        s.awaitEvents(Duration.ofSeconds(30));
        assertThat(meters.count("churn v1 primary ok")).isEqualTo(3);
        assertThat(meters.count("churn v1 filled")).isEqualTo(1);
        assertThat(meters.count("churn v1 dropped")).isEqualTo(1);
        assertThat(meters.count("churn listener failures")).isEqualTo(3);
        assertThat(meters.inFlight)
            .singleElement()
            .satisfies(calls -> assertThat(calls.getAsLong()).isZero());
        for (int v = 2; v <= 4; v++) {
          registry.setAlias("churn", "champion", v);
          s.refresh(Duration.ofSeconds(30));
          s.refresh(Duration.ofSeconds(30)); // the releases queued before have run
          assertThat(s.predict(TestModels.request(1, 1, 1)).version()).isEqualTo(v);
        }
        assertThat(meters.count("churn swaps")).isEqualTo(3);
        assertThat(meters.count("churn v4 primary ok")).isEqualTo(1);
        // v1 retired once it was no longer among the serving and the two kept for a move back
        assertThat(meters.events)
            .contains("churn v1 closed")
            .doesNotContain(
                "churn v2 closed", "churn v3 closed", "churn v4 closed", "churn closed");
      }
      assertThat(meters.events).endsWith("churn closed");
    }
  }

  @Test
  void anInvalidRequestIsRecordedWithItsOutcome() {
    Recording meters = new Recording();
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      registry.register("churn", TestModels.classifier(0), null);
      try (InferenceService s =
          InferenceService.builder()
              .registry(registry)
              .model("churn")
              .version(1)
              .meters(meters)
              .build()) {
        assertThatThrownBy(() -> s.predict(Map.of("x1", 1.0)))
            .isInstanceOf(InvalidInputException.class);
        assertThat(meters.count("churn v1 primary invalid")).isEqualTo(1);
        assertThat(meters.count("churn v1 primary ok")).isZero();
      }
    }
  }

  @Test
  void outcomeTagsAreTheDocumentedValues() {
    assertThat(Arrays.stream(Outcome.values()).map(Outcome::tag))
        .containsExactly("ok", "invalid", "overloaded", "deadline", "error");
  }

  @Test
  void noMicrometerTypeInTheBuilderSignature() {
    List<String> offending = new ArrayList<>();
    for (Method m : InferenceService.Builder.class.getMethods()) {
      List<Type> types = new ArrayList<>(Arrays.asList(m.getGenericParameterTypes()));
      types.add(m.getGenericReturnType());
      for (Type t : types) {
        if (t.getTypeName().contains("io.micrometer")) {
          offending.add(m.toGenericString());
        }
      }
    }
    assertThat(offending).isEmpty();
  }

  @Test
  void theNoopMetersRecordNothingAndAreTheDefault() {
    ServingMeters.Service service = ServingMeters.noop().open("churn", () -> 0);
    ServingMeters.VersionMeters version = service.version(1, List.of("primary"));
    version.record(0, Outcome.OK, 1);
    version.close();
    service.close();
    assertThat(ServingMeters.noop()).hasToString("ServingMeters.noop()");
  }
}
