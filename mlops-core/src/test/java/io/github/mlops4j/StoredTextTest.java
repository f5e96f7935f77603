package io.github.mlops4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StoredTextTest {
  @Test
  void wellFormedStrings_areReturnedAsTheyAre() {
    for (String s : new String[] {"", "?", "s?", "\uD83D\uDE00", "a\uD834\uDD1Eb", "\uFFFD"}) {
      assertThat(StoredText.check(s, "f")).isSameAs(s);
      assertThat(StoredText.isWellFormed(s)).isTrue();
    }
  }

  @Test
  void loneSurrogates_areFoundWhereverTheyAre() {
    assertThat(StoredText.firstLoneSurrogate("\uD800")).isZero();
    assertThat(StoredText.firstLoneSurrogate("\uDC00")).isZero();
    assertThat(StoredText.firstLoneSurrogate("ab\uDC00\uD800")).isEqualTo(2); // reversed pair
    assertThat(StoredText.firstLoneSurrogate("\uD83D\uDE00\uD83D")).isEqualTo(2);
    assertThat(StoredText.firstLoneSurrogate("\uD800\uD800\uDC00")).isZero();
  }

  @Test
  void message_namesTheFieldThePositionAndTheKind_andEscapesTheValue() {
    assertThatThrownBy(() -> StoredText.check("s\uD800", "param 'lr' value"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "param 'lr' value has a lone UTF-16 surrogate U+D800 at index 1 (a high"
                + " surrogate not followed by a low surrogate): it is not valid Unicode text and"
                + " would be stored as '?'. Value: \"s\\uD800\"");
    assertThatThrownBy(() -> StoredText.check("\uDFFFx", "tag"))
        .hasMessageContaining("U+DFFF at index 0 (a low surrogate not preceded by a high");
  }

  @Test
  void message_isBounded_whateverTheValuesLength() {
    String huge = "x".repeat(5_000_000) + "\uD800";

    assertThatThrownBy(() -> StoredText.check(huge, "value"))
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .hasSizeLessThan(400)
                    .contains("index 5000000")
                    .contains("...\" (5000001 chars)"));
  }
}
