package io.github.mlops4j.serving.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Sticky assignment: a key's arm is a fixed function of the key (pinned by golden values so that a
 * change of the hash between JVMs or releases is caught), the split over many keys follows the
 * weights within a binomial bound, and growing a share only ever adds keys to it.
 */
class StickyRoutingProperties {
  /** 2^32: the unit hash is the unsigned 32-bit hash over this. */
  private static final double TWO_32 = 4294967296.0;

  /**
   * MurmurHash3 x86_32, seed 0, of each key's UTF-16LE bytes, computed outside this project with
   * the {@code mmh3} Python package 5.3.0 (the C reference code of Austin Appleby's SMHasher):
   * {@code mmh3.hash(key.encode('utf-16-le', 'surrogatepass'), 0, signed=False)}. The same tool
   * gives the published vectors {@code mmh3(b'test') = 0xba6bd213} and {@code mmh3(b'Hello,
   * world!', seed 0x9747b28c) = 0x24884cba}. Covers empty, odd and even lengths, tails of 1 to 3
   * bytes, non-ASCII, a surrogate pair and a lone surrogate.
   */
  private static final Object[][] GOLDEN = {
    {"", 0x00000000L},
    {"a", 0x6f49d11aL},
    {"ab", 0x165860caL},
    {"abc", 0x42b016c3L},
    {"abcd", 0x44fa9d34L},
    {"customer-42", 0x259bfbbcL},
    {"user:1001", 0x38014f99L},
    {"u0", 0x5db8ce81L},
    {"u1", 0x6f85b4f8L},
    {"u2", 0xdde0f5efL},
    {"u3", 0x5d2344c2L},
    {"\u00fcn\u00efc\u00f8d\u00e9", 0x1fb80a3eL},
    {"\u65e5\u672c\u8a9e", 0x3bdc2005L},
    {"\ud83d\ude00", 0x56065e39L},
    {"\ud800", 0x01655561L},
    {"The quick brown fox jumps over the lazy dog", 0xe07db09cL},
  };

  /** Arm of each golden key with weights a = 30, b = 70 (from the same Python run). */
  private static final String GOLDEN_ARMS = "abaaaaabbbbaabab";

  /** Membership of each golden key in a 10% canary (from the same Python run). */
  private static final String GOLDEN_CANARY = "1010000000000010";

  @Test
  void unitHashesMatchGoldenValuesComputedIndependently() {
    for (Object[] g : GOLDEN) {
      String key = (String) g[0];
      long hash = (Long) g[1];
      assertThat(Murmur3.hashChars(key)).as("murmur3 of %s", escape(key)).isEqualTo((int) hash);
      assertThat(Routing.unitHash(key)).as("unit hash of %s", escape(key)).isEqualTo(hash / TWO_32);
    }
  }

  @Test
  void armsAndCanaryMembershipMatchGoldenValues() {
    Routing weighted =
        Routing.weighted(Arm.of("a", Target.version(1), 30), Arm.of("b", Target.version(2), 70))
            .stickyBy("user");
    Routing canary = Routing.canary(Target.alias("candidate"), 10, CanaryPolicy.defaults());
    for (int i = 0; i < GOLDEN.length; i++) {
      String key = (String) GOLDEN[i][0];
      assertThat(weighted.armFor(key).name())
          .as("arm of %s", escape(key))
          .isEqualTo(String.valueOf(GOLDEN_ARMS.charAt(i)));
      assertThat(canary.inCanary(Routing.unitHash(key)))
          .as("canary membership of %s", escape(key))
          .isEqualTo(GOLDEN_CANARY.charAt(i) == '1');
    }
  }

  @Test
  void theSplitOfManyRandomKeysMatchesTwoArmWeightsWithinSixSigma() {
    qt().withFixedSeed(12)
        .withExamples(40)
        .forAll(integers().between(1, 99), longs().all())
        .checkAssert(
            (w, seed) -> {
              Routing r =
                  Routing.weighted(
                      Arm.of("a", Target.version(1), w), Arm.of("b", Target.version(2), 100 - w));
              List<String> keys = randomKeys(new Random(seed), 20_000);
              int a = 0;
              for (String k : keys) {
                a += r.armFor(k).name().equals("a") ? 1 : 0;
              }
              assertWithinSixSigma(a, keys.size(), w / 100.0, "arm a at weight " + w);
            });
  }

  @Test
  void theSplitOfManyRandomKeysMatchesThreeArmWeightsWithinSixSigma() {
    qt().withFixedSeed(13)
        .withExamples(30)
        .forAll(
            integers().between(1, 50),
            integers().between(1, 50),
            integers().between(1, 50),
            longs().all())
        .checkAssert(
            (w0, w1, w2, seed) -> {
              Routing r =
                  Routing.weighted(
                      Arm.of("a", Target.version(1), w0),
                      Arm.of("b", Target.version(2), w1),
                      Arm.of("c", Target.version(3), w2));
              List<String> keys = randomKeys(new Random(seed), 20_000);
              int[] counts = new int[3];
              for (String k : keys) {
                counts[r.armFor(k).name().charAt(0) - 'a']++;
              }
              double total = w0 + w1 + w2;
              assertWithinSixSigma(counts[0], keys.size(), w0 / total, "arm a");
              assertWithinSixSigma(counts[1], keys.size(), w1 / total, "arm b");
              assertWithinSixSigma(counts[2], keys.size(), w2 / total, "arm c");
            });
  }

  @Test
  void structuredKeysSplitLikeRandomOnes() {
    // ids that differ in one trailing digit: a weak hash would cluster them
    qt().withFixedSeed(14)
        .withExamples(20)
        .forAll(integers().between(1, 99))
        .checkAssert(
            w -> {
              Routing r = Routing.canary(Target.alias("candidate"), w, CanaryPolicy.defaults());
              int n = 20_000;
              int in = 0;
              for (int i = 0; i < n; i++) {
                in += r.inCanary(Routing.unitHash("customer-" + i)) ? 1 : 0;
              }
              assertWithinSixSigma(in, n, w / 100.0, "canary at " + w + "%");
            });
  }

  @Test
  void aKeyInTheCanaryStaysInWhenTheShareGrows() {
    qt().withFixedSeed(15)
        .withExamples(2_000)
        .forAll(
            strings().allPossible().ofLengthBetween(0, 30),
            doubles().between(0.01, 99.98),
            doubles().between(0.0, 1.0))
        .checkAssert(
            (key, p, t) -> {
              double bigger = p + (99.99 - p) * t;
              Routing small = Routing.canary(Target.alias("candidate"), p, CanaryPolicy.defaults());
              Routing large =
                  Routing.canary(Target.alias("candidate"), bigger, CanaryPolicy.defaults());
              double u = Routing.unitHash(key);
              if (small.inCanary(u)) {
                assertThat(large.inCanary(u))
                    .as("%s in at %s%% but not at %s%%", escape(key), p, bigger)
                    .isTrue();
              }
            });
  }

  @Test
  void aKeyOnTheFirstArmStaysThereWhenItsWeightGrows() {
    qt().withFixedSeed(16)
        .withExamples(2_000)
        .forAll(
            strings().allPossible().ofLengthBetween(0, 30),
            integers().between(1, 98),
            integers().between(1, 98))
        .checkAssert(
            (key, w, dw) -> {
              int bigger = Math.min(99, w + dw);
              Routing small =
                  Routing.weighted(
                      Arm.of("a", Target.version(1), w), Arm.of("b", Target.version(2), 100 - w));
              Routing large =
                  Routing.weighted(
                      Arm.of("a", Target.version(1), bigger),
                      Arm.of("b", Target.version(2), 100 - bigger));
              if (small.armFor(key).name().equals("a")) {
                assertThat(large.armFor(key).name())
                    .as("%s on a at %s but not at %s", escape(key), w, bigger)
                    .isEqualTo("a");
              }
            });
  }

  /** {@code count} of {@code n} is within 6 binomial standard deviations of {@code n p}. */
  private static void assertWithinSixSigma(int count, int n, double p, String what) {
    double sigma = Math.sqrt(n * p * (1 - p));
    assertThat((double) count)
        .as("%s: %s of %s keys, expected %s +- 6 sd (%s)", what, count, n, n * p, sigma)
        .isBetween(n * p - 6 * sigma - 1, n * p + 6 * sigma + 1);
  }

  /** Distinct keys of 1 to 24 code units drawn from all of UTF-16 (lone surrogates included). */
  private static List<String> randomKeys(Random random, int n) {
    java.util.Set<String> seen = new java.util.HashSet<>();
    List<String> keys = new ArrayList<>(n);
    while (keys.size() < n) {
      int len = 1 + random.nextInt(24);
      char[] c = new char[len];
      for (int i = 0; i < len; i++) {
        c[i] =
            random.nextInt(4) == 0
                ? (char) random.nextInt(0x10000)
                : (char) ('0' + random.nextInt(75));
      }
      String k = new String(c);
      if (seen.add(k)) {
        keys.add(k);
      }
    }
    return keys;
  }

  private static String escape(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      b.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
    }
    return b.append('"').toString();
  }
}
