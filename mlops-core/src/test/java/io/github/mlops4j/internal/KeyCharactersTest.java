package io.github.mlops4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.tracking.TrackingLimits;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The tracking key alphabet, checked against a regular expression over every char. */
class KeyCharactersTest {
  private static final Pattern ALPHABET = Pattern.compile("[A-Za-z0-9_\\-. /]");

  @Test
  void allowed_isExactlyTheAlphabet() {
    for (int c = Character.MIN_VALUE; c <= Character.MAX_VALUE; c++) {
      char ch = (char) c;
      assertThat(KeyCharacters.allowed(ch))
          .as("char %04x", c)
          .isEqualTo(ALPHABET.matcher(String.valueOf(ch)).matches());
    }
  }

  @Test
  void trackingLimits_refuseAKeyWithAnotherCharacter() {
    TrackingLimits limits = TrackingLimits.mlflowDefaults();
    assertThat(limits.checkKey("loss/val_1 .x-y", "Metric")).isEqualTo("loss/val_1 .x-y");
    assertThatThrownBy(() -> limits.checkKey("loss<b>", "Metric"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("position 4");
  }
}
