package io.github.mlops4j.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NaN is refused or flagged when written, as the view declares, not found later on a request. */
class NanPolicyTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
  private static final Clock CLOCK = Clock.fixed(T.plusSeconds(60), ZoneOffset.UTC);
  private static final String DEBT = "applicant_stats:debt_ratio";
  private static final String INCOME = "applicant_stats:income";

  @TempDir Path workspace;

  private FeatureStore open() {
    return FeatureStore.builder().workspace(workspace).clock(CLOCK).build();
  }

  private static FeatureView view(NanPolicy policy) {
    FeatureView.Builder b =
        FeatureView.builder("applicant_stats")
            .entity("applicant_id", ValueType.STRING)
            .feature("debt_ratio", ValueType.DOUBLE)
            .feature("income", ValueType.DOUBLE);
    return policy == null ? b.build() : b.nanPolicy(policy).build();
  }

  private static FeatureRow row(String id, double debt) {
    return FeatureRow.of(
        Map.of("applicant_id", id), T, T, Map.of("debt_ratio", debt, "income", 1000.0));
  }

  @Test
  void theDeclaredPolicy_isWhatTheStoreReportsForTheView_beforeAndAfterReopen() {
    for (NanPolicy policy : NanPolicy.values()) {
      String name = "stats_" + policy.name().toLowerCase(java.util.Locale.ROOT);
      FeatureView declared =
          FeatureView.builder(name)
              .entity("applicant_id", ValueType.STRING)
              .feature("debt_ratio", ValueType.DOUBLE)
              .nanPolicy(policy)
              .build();
      try (FeatureStore features = open()) {
        features.apply(declared);
        assertThat(features.view(name).orElseThrow().nanPolicy()).isEqualTo(policy);
      }
      try (FeatureStore features = open()) {
        assertThat(features.views())
            .filteredOn(v -> v.name().equals(name))
            .singleElement()
            .extracting(FeatureView::nanPolicy)
            .isEqualTo(policy);
      }
    }
  }

  @Test
  void byDefault_aNaNFailsTheWrite_namingViewFeatureKeyAndRow_andNothingIsStored() {
    try (FeatureStore features = open()) {
      features.apply(view(null));
      assertThat(view(null).nanPolicy()).isEqualTo(NanPolicy.REJECT);
      assertThatThrownBy(
              () ->
                  features.write("applicant_stats", List.of(row("a1", 0.3), row("a2", Double.NaN))))
          .isInstanceOf(FeatureDataException.class)
          .hasMessageContaining("Row 1")
          .hasMessageContaining("view 'applicant_stats'")
          .hasMessageContaining("field 'debt_ratio'")
          .hasMessageContaining("a2")
          .hasMessageContaining("NanPolicy.REJECT")
          .hasMessageContaining("nothing of this write");
      assertThatThrownBy(
              () ->
                  features.write(
                      "applicant_stats",
                      List.of(
                          FeatureRow.of(
                              Map.of("applicant_id", "a3"), T, T, Map.of("income", Float.NaN)))))
          .isInstanceOf(FeatureDataException.class)
          .hasMessageContaining("field 'income'");
      features.materialize(T.plusSeconds(1));
      assertThat(features.online(Map.of("applicant_id", "a1"), List.of(DEBT)).value(DEBT).status())
          .isEqualTo(FeatureStatus.NOT_FOUND);
    }
  }

  @Test
  void missing_storesNaNAsAbsent_soLookupsReportItMissing_andSurvivesReopen() {
    try (FeatureStore features = open()) {
      features.apply(view(NanPolicy.MISSING));
    }
    try (FeatureStore features = open()) { // the declaration is read back from the workspace
      features.write("applicant_stats", List.of(row("a1", Double.NaN)));
      features.materialize(T.plusSeconds(1));
      OnlineFeatures online = features.online(Map.of("applicant_id", "a1"), List.of(DEBT, INCOME));
      assertThat(online.value(DEBT).status()).isEqualTo(FeatureStatus.NULL_VALUE);
      assertThat(online.get(0, DEBT)).isNull();
      assertThat(online.get(0, INCOME)).isEqualTo(1000.0);
    }
  }

  @Test
  void keep_storesNaN() {
    try (FeatureStore features = open()) {
      features.apply(view(NanPolicy.KEEP));
      features.write("applicant_stats", List.of(row("a1", Double.NaN)));
      features.materialize(T.plusSeconds(1));
      assertThat((Double) features.online(Map.of("applicant_id", "a1"), List.of(DEBT)).get(0, DEBT))
          .isNaN();
    }
  }

  @Test
  void changingThePolicy_isANewVersionOfTheView_andAReapplyChangesNothing() {
    try (FeatureStore features = open()) {
      features.apply(view(NanPolicy.KEEP));
      features.apply(view(NanPolicy.KEEP));
      features.apply(view(null));
      assertThatThrownBy(() -> features.write("applicant_stats", List.of(row("a1", Double.NaN))))
          .isInstanceOf(FeatureDataException.class);
    }
  }

  @Test
  void theDefinitionJson_writesThePolicyOnlyWhenNotTheDefault() {
    ViewDefinition reject = ViewDefinition.first(view(null));
    assertThat(reject.toJson()).doesNotContain("nanPolicy");
    ViewDefinition missing = ViewDefinition.first(view(NanPolicy.MISSING));
    assertThat(missing.toJson()).contains("\"nanPolicy\":\"MISSING\"");
    assertThat(ViewDefinition.fromJson(missing.toJson()).nanPolicy).isEqualTo(NanPolicy.MISSING);
    assertThat(ViewDefinition.fromJson(reject.toJson()).nanPolicy).isEqualTo(NanPolicy.REJECT);
    assertThatThrownBy(
            () -> ViewDefinition.fromJson(missing.toJson().replace("MISSING", "SOMETIMES")))
        .hasMessageContaining("unknown nanPolicy 'SOMETIMES'");
  }
}
