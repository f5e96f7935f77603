package io.github.mlops4j.serving.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The record validator accepts exactly what the JDK's strict UTF-8 decoder accepts. */
class Utf8Properties {
  private static boolean jdkAccepts(byte[] b) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static byte[] toBytes(List<Integer> values) {
    byte[] b = new byte[values.size()];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (int) values.get(i);
    }
    return b;
  }

  @Test
  void agreesWithTheJdkDecoderOnRandomBytes() {
    // bytes drawn mostly from the interesting ranges: ASCII, continuation and lead bytes
    qt().withFixedSeed(31)
        .withExamples(20_000)
        .forAll(lists().of(integers().between(0, 255)).ofSizeBetween(0, 12))
        .checkAssert(
            values -> {
              byte[] b = toBytes(values);
              assertThat(Utf8.firstInvalid(b, 0, b.length) < 0)
                  .as("%s", values)
                  .isEqualTo(jdkAccepts(b));
            });
    qt().withFixedSeed(32)
        .withExamples(20_000)
        .forAll(lists().of(integers().between(0x7E, 0xF5)).ofSizeBetween(0, 8))
        .checkAssert(
            values -> {
              byte[] b = toBytes(values);
              assertThat(Utf8.firstInvalid(b, 0, b.length) < 0)
                  .as("%s", values)
                  .isEqualTo(jdkAccepts(b));
            });
  }

  @Test
  void acceptsEveryEncodedCodePointAndFindsTheOffsetOfTheFirstBadByte() {
    for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp += cp < 0x800 ? 1 : 7) {
      if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
        continue;
      }
      byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
      assertThat(Utf8.firstInvalid(b, 0, b.length)).as("U+%X", cp).isEqualTo(-1);
    }
    byte[] b = {'a', 'b', (byte) 0xE2, (byte) 0x82, 'c'}; // truncated 3-byte sequence
    assertThat(Utf8.firstInvalid(b, 0, b.length)).isEqualTo(2);
    assertThat(Utf8.firstInvalid(b, 0, 2)).isEqualTo(-1);
    assertThat(Utf8.firstInvalid(b, 3, 5)).isEqualTo(3); // a lone continuation byte
  }
}
