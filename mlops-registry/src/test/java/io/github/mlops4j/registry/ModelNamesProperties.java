package io.github.mlops4j.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.quicktheories.QuickTheory;
import org.quicktheories.core.Gen;

/** Property tests of the model-name rule and its case-insensitive key (QuickTheories, seeded). */
class ModelNamesProperties {
  private static final long SEED = 20_250_622L;

  /** Pieces that exercise every branch: plain text, separators, invisible and cased letters. */
  private static final List<String> PIECES =
      List.of(
          "a",
          "Z",
          "7",
          "-",
          "_",
          ".",
          ":",
          " ",
          "loan",
          "Default",
          "/",
          "\\",
          "\t",
          "\n",
          "\u0000",
          "\u007f",
          "\u0085",
          "\u00a0",
          "\u2028",
          "\u3000",
          "\u200b",
          "\u202e",
          "\ufeff",
          "\ud800",
          "\udc00",
          "\ud83d\ude00",
          "\u00e9",
          "e\u0301",
          "\u00df",
          "SS",
          "\u0130",
          "\u0131",
          "I",
          "\u212a",
          "k",
          "\ufb01",
          "fi",
          "\u03a3",
          "\u03c3",
          "\u03c2",
          "\u00c5",
          "\u212b");

  private static QuickTheory theory() {
    return qt().withFixedSeed(SEED).withExamples(3000);
  }

  private static Gen<String> names() {
    Gen<String> shortNames =
        lists()
            .of(integers().between(0, PIECES.size() - 1).map(PIECES::get))
            .ofSizeBetween(0, 12)
            .map(l -> String.join("", l));
    Gen<String> longNames = integers().between(480, 520).map(n -> "m".repeat(n));
    return shortNames.mix(longNames, 5);
  }

  /** The rule restated independently of ModelNames. */
  private static boolean valid(String s) {
    if (s.isEmpty() || s.length() > 500 || s.startsWith(" ") || s.endsWith(" ")) {
      return false;
    }
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      int type = Character.getType(cp);
      if (cp == '/'
          || cp == '\\'
          || type == Character.CONTROL
          || type == Character.FORMAT
          || type == Character.SURROGATE
          || type == Character.LINE_SEPARATOR
          || type == Character.PARAGRAPH_SEPARATOR
          || (cp != ' ' && (Character.isWhitespace(cp) || Character.isSpaceChar(cp)))) {
        return false;
      }
      i += Character.charCount(cp);
    }
    return true;
  }

  @Test
  void check_acceptsExactlyTheNamesOfTheRule_andRefusesWithABoundedMessage() {
    theory()
        .forAll(names())
        .checkAssert(
            name -> {
              if (valid(name)) {
                assertThat(ModelNames.check(name)).isSameAs(name);
              } else {
                assertThatThrownBy(() -> ModelNames.check(name))
                    .isExactlyInstanceOf(IllegalArgumentException.class)
                    .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
              }
            });
  }

  @Test
  void key_ignoresCaseAndUnicodeNormalization() {
    List<String> cased = PIECES.stream().filter(p -> valid("x" + p + "x")).toList();
    Gen<String> validNames =
        lists()
            .of(integers().between(0, cased.size() - 1).map(cased::get))
            .ofSizeBetween(1, 12)
            .map(l -> "x" + String.join("", l));
    theory()
        .forAll(validNames)
        .checkAssert(
            name -> {
              String key = ModelNames.key(name);
              assertThat(ModelNames.key(name.toUpperCase(Locale.ROOT))).isEqualTo(key);
              assertThat(ModelNames.key(name.toLowerCase(Locale.ROOT))).isEqualTo(key);
              assertThat(ModelNames.key(Normalizer.normalize(name, Normalizer.Form.NFD)))
                  .isEqualTo(key);
              assertThat(ModelNames.key(Normalizer.normalize(name, Normalizer.Form.NFC)))
                  .isEqualTo(key);
              assertThat(key).isEqualTo(key.toLowerCase(Locale.ROOT));
            });
  }

  @Test
  void examplesFromTheDocs() {
    assertThat(ModelNames.key("Loan-Default")).isEqualTo(ModelNames.key("loan-default"));
    assertThat(ModelNames.key("loan default")).isNotEqualTo(ModelNames.key("loan-default"));
    assertThat(ModelNames.check("loan default")).isEqualTo("loan default");
    assertThat(ModelNames.check("churn-v2.1:eu_west")).isEqualTo("churn-v2.1:eu_west");
    for (String bad :
        List.of(
            "",
            " loan",
            "loan ",
            "loan/default",
            "loan\\default",
            "loan\tx",
            "loan\u200bdefault",
            "loan\u00a0default",
            "loan\ud800",
            "x".repeat(501))) {
      assertThatThrownBy(() -> ModelNames.check(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> ModelNames.check("loan/default"))
        .hasMessageContaining("'/'")
        .hasMessageContaining("index 4");
    assertThatThrownBy(() -> ModelNames.check("y".repeat(100_000)))
        .hasMessageContaining("100000 characters")
        .message()
        .hasSizeLessThan(300);
  }
}
