package io.github.mlops4j.serving.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.strings;

import org.junit.jupiter.api.Test;

class StickyRoutingProperties {
  @Test
  void theSameKeyAlwaysGetsTheSameArm() {
    qt().withFixedSeed(11).forAll(strings().allPossible().ofLengthBetween(0, 40),
        integers().between(1, 99)).checkAssert((key, w) -> {
          Routing a = Routing.weighted(Arm.of("a", Target.version(1), w),
              Arm.of("b", Target.version(2), 100 - w)).stickyBy("user");
          Routing b = Routing.weighted(Arm.of("a", Target.version(1), w),
              Arm.of("b", Target.version(2), 100 - w)).stickyBy("user");
          assertThat(a.armFor(key)).isEqualTo(a.armFor(key)).isEqualTo(b.armFor(key));
          assertThat(Routing.unitHash(key)).isBetween(0.0, 1.0).isLessThan(1.0);
        });
  }

  @Test
  void theSplitOverManyKeysMatchesTheWeights() {
    // 5,000 keys per weight: the binomial standard deviation is at most 0.0071, so 0.03 is over
    // four of them.
    qt().withFixedSeed(12).withExamples(30).forAll(integers().between(1, 99)).checkAssert(w -> {
      Routing r = Routing.weighted(Arm.of("a", Target.version(1), w),
          Arm.of("b", Target.version(2), 100 - w));
      int n = 5_000;
      int a = 0;
      for (int i = 0; i < n; i++) {
        if (r.armFor("customer-" + w + "-" + i).name().equals("a")) {
          a++;
        }
      }
      assertThat((double) a / n).isCloseTo(w / 100.0,
          org.assertj.core.data.Offset.offset(0.03));
    });
  }

  @Test
  void aKeysCanaryMembershipIsStableAndMatchesThePercent() {
    Routing r = Routing.canary(Target.alias("candidate"), 10, CanaryPolicy.defaults());
    int in = 0;
    for (int i = 0; i < 20_000; i++) {
      String key = "u" + i;
      boolean first = r.inCanary(Routing.unitHash(key));
      assertThat(r.inCanary(Routing.unitHash(key))).isEqualTo(first);
      in += first ? 1 : 0;
    }
    assertThat(in / 20_000.0).isCloseTo(0.10, org.assertj.core.data.Offset.offset(0.01));
  }
}
