package io.github.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.mlops4j.registry.FeatureSpec;
import io.github.mlops4j.registry.ModelArtifact;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelSignature;
import io.github.mlops4j.serving.InvalidInputException.Reason;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A feature of type {@link FeatureSpec.Type#INTEGER} takes only whole numbers of magnitude at most
 * 2^53, checked by the signature before the model is called, under every validation policy.
 */
class IntegerFeatureTest {
  static final double TWO_53 = 0x1p53;

  @TempDir Path workspace;
  private ModelRegistry registry;

  @BeforeEach
  void open() {
    registry = TestModels.registry(workspace);
    registry.register("churn", integerX1(), null);
  }

  @AfterEach
  void close() {
    registry.close();
  }

  /** TestModels' classifier with a signature whose x1 is a whole number. */
  static ModelArtifact integerX1() {
    return ModelArtifact.tribuo(TestModels.classifier(0))
        .signature(
            new ModelSignature(
                List.of(
                    new FeatureSpec("x1", FeatureSpec.Type.INTEGER),
                    new FeatureSpec("x2", FeatureSpec.Type.REAL),
                    new FeatureSpec("x3", FeatureSpec.Type.REAL)),
                "Label",
                List.of("no", "yes")));
  }

  private InferenceService service(ValidationPolicy policy) {
    return InferenceService.builder().registry(registry).model("churn").validation(policy).build();
  }

  private static Map<String, Object> request(@Nullable Object x1) {
    Map<String, Object> r = new HashMap<>(TestModels.request(0, 0.5, 0.25));
    r.put("x1", x1);
    return r;
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aValueThatIsNotAWholeNumberIsInvalidInputUnderEveryPolicy(boolean fill) {
    try (InferenceService service =
        service(fill ? ValidationPolicy.fill(0.0) : ValidationPolicy.REJECT)) {
      for (Object bad :
          List.<Object>of(
              1.5, -0.25, TWO_53 + 2, -TWO_53 - 2, 1e300, (1L << 53) + 1, Long.MIN_VALUE)) {
        InvalidInputException e =
            catchThrowableOfType(InvalidInputException.class, () -> service.predict(request(bad)));
        assertThat(e).as("x1 = %s", bad).isNotNull();
        assertThat(e.problems())
            .singleElement()
            .satisfies(
                p -> {
                  assertThat(p.field()).isEqualTo("x1");
                  assertThat(p.reason()).isEqualTo(Reason.NOT_INTEGER);
                  assertThat(p.detail()).contains("whole number").contains(String.valueOf(bad));
                });
        assertThat(e.getMessage()).contains("it is not rounded");
      }
      // whole numbers (also as booleans and at the bounds) are predicted as before
      for (Object good : List.<Object>of(3.0, -7, 0L, TWO_53, -TWO_53, 1L << 53, true, false)) {
        assertThat(service.predict(request(good)).output()).as("x1 = %s", good).isNotNull();
      }
      assertThat(service.filledValues()).isZero();
    }
  }

  @Test
  void aTextIsAWrongTypeAndNanIsNanUnderReject() {
    try (InferenceService service = service(ValidationPolicy.REJECT)) {
      assertThatThrownBy(() -> service.predict(request("7")))
          .isInstanceOfSatisfying(
              InvalidInputException.class,
              e ->
                  assertThat(e.problems())
                      .extracting(InvalidInputException.Problem::reason)
                      .containsExactly(Reason.WRONG_TYPE));
      assertThatThrownBy(() -> service.predict(request(Double.NaN)))
          .isInstanceOfSatisfying(
              InvalidInputException.class,
              e ->
                  assertThat(e.problems())
                      .extracting(InvalidInputException.Problem::reason)
                      .containsExactly(Reason.NAN));
    }
  }

  @Test
  void fillFillsNanAndNullOfAnIntegerFeatureButRefusesAText() {
    try (InferenceService service = service(ValidationPolicy.fill(Map.of("x1", 2.0), 0.0))) {
      assertThat(service.predict(request(Double.NaN)).output()).isNotNull();
      assertThat(service.predict(request(null)).output()).isNotNull();
      assertThat(service.filledValues()).isEqualTo(2);
      assertThatThrownBy(() -> service.predict(request("7")))
          .isInstanceOfSatisfying(
              InvalidInputException.class,
              e ->
                  assertThat(e.problems())
                      .extracting(InvalidInputException.Problem::reason)
                      .containsExactly(Reason.WRONG_TYPE));
    }
  }

  @Test
  void exactValuesOfBigNumbersAreJudged() {
    try (InferenceService service = service(ValidationPolicy.REJECT)) {
      assertThat(service.predict(request(new java.math.BigDecimal("12.000"))).output()).isNotNull();
      assertThat(service.predict(request(java.math.BigInteger.valueOf(1L << 53))).output())
          .isNotNull();
      for (Object bad :
          List.<Object>of(
              new java.math.BigDecimal("1.0000000000000000000001"),
              java.math.BigInteger.ONE.shiftLeft(53).add(java.math.BigInteger.ONE))) {
        assertThatThrownBy(() -> service.predict(request(bad)))
            .as("x1 = %s", bad)
            .isInstanceOfSatisfying(
                InvalidInputException.class,
                e ->
                    assertThat(e.problems())
                        .extracting(InvalidInputException.Problem::reason)
                        .containsExactly(Reason.NOT_INTEGER));
      }
    }
  }
}
