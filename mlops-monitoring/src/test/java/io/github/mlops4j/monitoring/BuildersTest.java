package io.github.mlops4j.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.monitoring.drift.DriftDetector;
import io.github.mlops4j.monitoring.drift.Frame;
import io.github.mlops4j.monitoring.profile.ProfileDrift;
import io.github.mlops4j.monitoring.profile.ProfileSchema;
import io.github.mlops4j.testing.ApiRules;
import org.junit.jupiter.api.Test;

/**
 * The builders of monitoring: a missing required setting is an {@link IllegalStateException} with
 * one message shape, and a builder built twice, or changed after build(), gives independent
 * objects.
 */
class BuildersTest {
  @Test
  void aMissingRequiredSettingIsAnIllegalStateExceptionSayingWhatToCall() throws Exception {
    assertThat(ApiRules.missingSettingsThrowIllegalState(Monitor.class))
        .contains("Monitor.Builder", "ProfileSchema.Builder");
    assertThatThrownBy(() -> Monitor.builder().build())
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage("Monitor.Builder: model is required; call model(name); it tags the metrics");
  }

  @Test
  void schemasAndFramesBuiltTwiceAreIndependent() {
    ProfileSchema.Builder s = ProfileSchema.builder().numeric("x");
    ProfileSchema first = s.build();
    s.categorical("c").kllK(400);
    assertThat(first.columns()).containsExactly("x");
    assertThat(first.kllK()).isNotEqualTo(400);
    assertThat(s.build().columns()).containsExactly("x", "c");

    Frame.Builder f = Frame.builder().numeric("x", new double[] {1, 2, 3});
    Frame frame = f.build();
    f.categorical("c", new String[] {"a", "b", "c"});
    assertThat(frame.columnNames()).containsExactly("x");
    assertThat(f.build().columnNames()).containsExactly("x", "c");
  }

  @Test
  void detectorsAndDriftsBuiltTwiceAreIndependent() {
    Frame reference =
        Frame.builder()
            .numeric("x", new double[] {1, 2, 3, 4})
            .numeric("y", new double[] {4, 3, 2, 1})
            .build();
    DriftDetector.Builder d = DriftDetector.builder(reference);
    DriftDetector first = d.build();
    d.ignore("y").datasetThreshold(0.25);
    assertThat(first.columns()).containsExactly("x", "y");
    assertThat(first.datasetThreshold()).isNotEqualTo(0.25);
    assertThat(d.build().columns()).containsExactly("x");

    ProfileDrift.Builder p = ProfileDrift.builder();
    ProfileDrift drift = p.build();
    p.datasetThreshold(0.75);
    assertThat(drift.datasetThreshold()).isNotEqualTo(0.75);
    assertThat(p.build().datasetThreshold()).isEqualTo(0.75);
  }

  @Test
  void monitorsBuiltTwiceAreIndependent() {
    Monitor.Builder b =
        Monitor.builder()
            .model("m")
            .schema(ProfileSchema.builder().numeric("x").build())
            .rollingReference();
    try (Monitor first = b.build()) {
      b.model("other").ignoreColumns("id");
      try (Monitor second = b.build()) {
        assertThat(first.model()).isEqualTo("m");
        assertThat(first.ignoredColumns()).isEmpty();
        assertThat(second.model()).isEqualTo("other");
        assertThat(second.ignoredColumns()).containsExactly("id");
      }
    }
  }
}
