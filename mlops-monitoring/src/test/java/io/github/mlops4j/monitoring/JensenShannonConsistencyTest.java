package io.github.mlops4j.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.mlops4j.monitoring.drift.ColumnDrift;
import io.github.mlops4j.monitoring.drift.DriftDetector;
import io.github.mlops4j.monitoring.drift.DriftMethod;
import io.github.mlops4j.monitoring.drift.Frame;
import io.github.mlops4j.monitoring.metrics.MonitorMetrics;
import io.github.mlops4j.monitoring.profile.Profile;
import io.github.mlops4j.monitoring.profile.ProfileAccumulator;
import io.github.mlops4j.monitoring.profile.ProfileDrift;
import io.github.mlops4j.monitoring.profile.ProfileDriftMethod;
import io.github.mlops4j.monitoring.profile.ProfileSchema;
import io.github.mlops4j.monitoring.stats.Distances;
import io.github.mlops4j.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code jensenshannon} is one measure wherever it is reported: the batch {@link DriftDetector},
 * {@link ProfileDrift} and the {@link Monitor} (and its metrics) give the same value for the same
 * data, the Jensen-Shannon distance with natural logarithms, as scipy computes it. The base-2
 * distance has its own name.
 */
class JensenShannonConsistencyTest {
  /**
   * Reference: a 50, b 30, c 20; current: a 20, b 30, c 40, d 10 (a category the reference never
   * saw). Computed with scipy 1.17.1 (Debian python3-scipy, numpy 2.4.6): {@code
   * scipy.spatial.distance.jensenshannon([50, 30, 20, 0], [20, 30, 40, 10])} (default base, the
   * natural log; scipy normalizes the counts).
   */
  static final double SCIPY_NATURAL_LOG = 0.2912978199346467;

  /** The same call with {@code base=2}. */
  static final double SCIPY_BASE_2 = 0.34988433915414435;

  private static List<String> rows(int a, int b, int c, int d) {
    List<String> out = new ArrayList<>();
    out.addAll(Collections.nCopies(a, "a"));
    out.addAll(Collections.nCopies(b, "b"));
    out.addAll(Collections.nCopies(c, "c"));
    out.addAll(Collections.nCopies(d, "d"));
    Collections.shuffle(out, new java.util.Random(3));
    return out;
  }

  private static final List<String> REFERENCE = rows(50, 30, 20, 0);
  private static final List<String> CURRENT = rows(20, 30, 40, 10);
  private static final ProfileSchema SCHEMA = ProfileSchema.builder().categorical("c").build();

  private static Profile profile(List<String> values) {
    ProfileAccumulator acc = ProfileAccumulator.create(SCHEMA);
    for (String v : values) {
      acc.update(new double[0], new String[] {v});
    }
    return acc.take();
  }

  private static Frame frame(List<String> values) {
    return Frame.builder().categorical("c", values.toArray(new String[0])).build();
  }

  private static ColumnDrift viaDetector(DriftMethod method) {
    return DriftDetector.builder(frame(REFERENCE))
        .column("c", method)
        .build()
        .compare(frame(CURRENT))
        .columns()
        .get(0);
  }

  private static ColumnDrift viaProfiles(ProfileDrift drift) {
    return drift.compare(profile(REFERENCE), profile(CURRENT)).columns().get(0);
  }

  /** The monitor's report of the current data, and the score gauge it exports for it. */
  private record Monitored(ColumnDrift drift, double gauge) {}

  private static Monitored viaMonitor(ProfileDrift drift) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Monitor m =
        Monitor.builder()
            .model("m")
            .reference(profile(REFERENCE))
            .drift(drift)
            .window(WindowSpec.rows(CURRENT.size()))
            .clock(new MutableClock(Instant.EPOCH))
            .build()) {
      new MonitorMetrics(m).bindTo(registry);
      for (String v : CURRENT) {
        m.observe(new double[0], new String[] {v});
      }
      ColumnDrift d = m.lastWindow().orElseThrow().report().orElseThrow().columns().get(0);
      String method = drift.methodName(ProfileDriftMethod.JENSEN_SHANNON);
      assertThat(registry.find("mlops.drift.score").gauges()).hasSize(1);
      double gauge = registry.get("mlops.drift.score").tag("method", method).gauge().value();
      return new Monitored(d, gauge);
    }
  }

  @Test
  void jensenshannonIsTheNaturalLogDistanceEverywhere() {
    ColumnDrift detector = viaDetector(DriftMethod.jensenShannon());
    ColumnDrift profiles = viaProfiles(ProfileDrift.defaults());
    Monitored monitor = viaMonitor(ProfileDrift.defaults());
    for (ColumnDrift d : List.of(detector, profiles, monitor.drift())) {
      assertThat(d.method()).isEqualTo("jensenshannon");
      assertThat(d.score()).isCloseTo(SCIPY_NATURAL_LOG, within(1e-12));
      assertThat(d.threshold()).isEqualTo(0.1);
      assertThat(d.drifted()).isTrue();
    }
    assertThat(
            Distances.jensenShannon(
                new double[] {0.5, 0.3, 0.2, 0}, new double[] {0.2, 0.3, 0.4, 0.1}))
        .isCloseTo(SCIPY_NATURAL_LOG, within(1e-12));
    // the gauge carries the same value under the same tag
    assertThat(monitor.gauge()).isCloseTo(SCIPY_NATURAL_LOG, within(1e-12));
  }

  @Test
  void theBase2DistanceHasItsOwnName() {
    ProfileDrift base2 = ProfileDrift.builder().jsLogBase(2).build();
    ColumnDrift detector = viaDetector(DriftMethod.jensenShannon().withLogBase(2));
    ColumnDrift profiles = viaProfiles(base2);
    Monitored monitor = viaMonitor(base2);
    for (ColumnDrift d : List.of(detector, profiles, monitor.drift())) {
      assertThat(d.method()).isEqualTo("jensenshannon_base2");
      assertThat(d.score()).isCloseTo(SCIPY_BASE_2, within(1e-12));
    }
    assertThat(base2.methodName(ProfileDriftMethod.JENSEN_SHANNON))
        .isEqualTo(DriftMethod.JENSEN_SHANNON_BASE2);
    assertThat(monitor.gauge()).isCloseTo(SCIPY_BASE_2, within(1e-12));
  }

  @Test
  void onlyTheTwoNamedBasesAreAccepted() {
    assertThatThrownBy(() -> ProfileDrift.builder().jsLogBase(10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Math.E");
    assertThatThrownBy(() -> DriftMethod.jensenShannon().withLogBase(10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Math.E");
    assertThat(ProfileDrift.defaults().jsLogBase()).isEqualTo(Math.E);
    assertThat(DriftMethod.jensenShannon().logBase()).isEqualTo(Math.E);
  }
}
