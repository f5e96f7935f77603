package io.github.mlops4j.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.testing.leaky.Leaky;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiSignaturesTest {
  private static final String L = "io.github.mlops4j.testing.leaky.Leaky";
  private static final String H = " mentions io.github.mlops4j.testing.leaky.internal.Hidden";

  @Test
  void findsEveryKindOfLeakAndNothingElse() {
    assertThat(ApiSignatures.leaks(Leaky.class, "io.github.mlops4j.testing.leaky."))
        .containsExactlyInAnyOrder(
            L + " implements" + H,
            L + "#field" + H,
            L + "#wildcard" + H,
            L + "#<init>(Hidden)" + H,
            L + "#get()" + H,
            L + "#bound(Hidden)" + H,
            L + "#array(PackagePrivate[]) mentions io.github.mlops4j.testing.leaky.PackagePrivate",
            L + "$Nested<T>" + H);
  }

  @Test
  void failsOnANewLeakAndOnAStaleAllowListEntry() {
    assertThatThrownBy(
            () ->
                ApiSignatures.assertLeaksExactly(
                    Leaky.class, "io.github.mlops4j.testing.leaky.", Set.of()))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Leaky#field");
    assertThatThrownBy(
            () ->
                ApiSignatures.assertLeaksExactly(
                    Leaky.class,
                    "io.github.mlops4j.testing.leaky.internal.",
                    Set.of("a.B#gone() mentions a.internal.C")))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("no longer occur");
  }
}
