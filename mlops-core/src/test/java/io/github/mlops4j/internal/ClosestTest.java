package io.github.mlops4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClosestTest {
  @Test
  void closeNamesComeClosestFirst_andFarOnesNotAtAll() {
    List<String> known = List.of("churn", "loan-default-v2", "loan-default");
    assertThat(Closest.to("loan_default", known, 5))
        .containsExactly("loan-default", "loan-default-v2");
    assertThat(Closest.to("LOAN-DEFAULT", known, 1)).containsExactly("loan-default");
    assertThat(Closest.to("fraud", known, 5)).isEmpty();
  }

  @Test
  void shortNamesAllowTwoEdits_andContainmentCounts() {
    assertThat(Closest.to("auc", List.of("acu", "accuracy", "loss"), 5)).containsExactly("acu");
    assertThat(Closest.to("loan", List.of("loan-default", "churn"), 5))
        .containsExactly("loan-default");
    assertThat(Closest.to("acuracy", List.of("accuracy", "auc"), 5)).containsExactly("accuracy");
  }

  @Test
  void longNamesAreComparedOnTheirFirstCharacters() {
    String a = "x".repeat(10_000);
    assertThat(Closest.to(a, List.of(a + "y"), 5)).containsExactly(a + "y");
  }
}
