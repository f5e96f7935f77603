package io.github.mlops4j.serving.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The fast number parser used for cells gives what {@link Double#parseDouble} gives. */
class NumberParsingProperties {
  private static final long SEED = 0xC5F1L;

  @Test
  void parseDouble_agreesWithTheJdk_onEveryDoubleAndRoundedForms() {
    qt().withFixedSeed(SEED)
        .withExamples(20_000)
        .forAll(doubles().any(), integers().between(0, 12))
        .checkAssert(
            (d, digits) -> {
              String plain = Double.toString(d);
              assertThat(Double.valueOf(ChunkScorer.parseDouble(plain)))
                  .isEqualTo(Double.valueOf(plain));
              String rounded = String.format(java.util.Locale.ROOT, "%." + digits + "f", d);
              assertThat(Double.valueOf(ChunkScorer.parseDouble(rounded)))
                  .isEqualTo(Double.valueOf(rounded));
            });
  }

  @Test
  void parseDouble_specialForms_likeTheJdk() {
    for (String s :
        List.of(
            "NaN",
            "Infinity",
            "-Infinity",
            " 1.5 ",
            "1e-320",
            "0x1p3",
            "1d",
            "-0",
            ".5",
            "5.",
            "+7")) {
      // Boxed, so that NaN equals NaN.
      assertThat(Double.valueOf(ChunkScorer.parseDouble(s))).as(s).isEqualTo(Double.valueOf(s));
    }
    for (String s : List.of("abc", "", "1,5", "--1", "1.2.3")) {
      assertThatThrownBy(() -> Double.parseDouble(s)).isInstanceOf(NumberFormatException.class);
      assertThatThrownBy(() -> ChunkScorer.parseDouble(s))
          .as(s)
          .isInstanceOf(NumberFormatException.class);
    }
  }
}
