package io.github.mlops4j.registry.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.training.RetrainingLoop;
import io.github.mlops4j.testing.ApiRules;
import org.junit.jupiter.api.Test;
import org.tribuo.classification.Label;

/**
 * The builders of the registry module: a missing required setting is an {@link
 * IllegalStateException} with one message shape, and a builder built twice, or changed after
 * build(), gives independent objects.
 */
class BuildersTest {
  @Test
  void aMissingRequiredSettingIsAnIllegalStateExceptionSayingWhatToCall() throws Exception {
    assertThat(ApiRules.missingSettingsThrowIllegalState(ModelRegistry.class))
        .contains("ModelRegistry.Builder", "RetrainingLoop.Builder", "ValidationGate.Builder");
    assertThatThrownBy(() -> RetrainingLoop.<Label>builder().model("m").build())
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage(
            "RetrainingLoop.Builder: registry, tracker, training, data, holdout and gate are"
                + " required; call registry(...), tracker(...), training(...), data(...),"
                + " holdout(...) and gate(...)");
  }

  @Test
  void gatesBuiltTwiceAreIndependent() {
    ValidationGate.Builder b = ValidationGate.builder().require("accuracy", Rule.atLeast(0.5));
    ValidationGate first = b.build();
    b.require("accuracy", Rule.notWorseThanChampionBy(0.01));
    assertThat(first.needsChampion()).isFalse();
    assertThat(b.build().needsChampion()).isTrue();
  }

  @Test
  void holdoutsBuiltTwiceAreIndependent() {
    Holdout.Builder<Label> b = Holdout.builder(Data.churn(50, 1)).name("first");
    Holdout<Label> first = b.build();
    b.name("second").ignoreColumns(first.featureColumns().get(0));
    Holdout<Label> second = b.build();
    assertThat(first.name()).isEqualTo("first");
    assertThat(first.featureColumns()).hasSize(2);
    assertThat(second.name()).isEqualTo("second");
    assertThat(second.featureColumns()).hasSize(1);
  }
}
