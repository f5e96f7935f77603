package io.github.mlops4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Sha256Test {
  // Test vectors of FIPS 180-2, appendix B; the same as `printf abc | sha256sum`.
  private static final String ABC =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  private static final String EMPTY =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  @Test
  void digestsMatchThePublishedVectors() {
    assertThat(Sha256.of("abc".getBytes(StandardCharsets.US_ASCII))).isEqualTo(ABC);
    assertThat(Sha256.of(new byte[0])).isEqualTo(EMPTY);
    var md = Sha256.newDigest();
    md.update("ab".getBytes(StandardCharsets.US_ASCII));
    md.update("c".getBytes(StandardCharsets.US_ASCII));
    assertThat(Sha256.hex(md.digest())).isEqualTo(ABC);
  }

  @Test
  void isHexAcceptsOnly64LowercaseHexCharacters() {
    assertThat(Sha256.isHex(ABC)).isTrue();
    assertThat(Sha256.isHex(ABC.toUpperCase(java.util.Locale.ROOT))).isFalse();
    assertThat(Sha256.isHex(ABC.substring(1))).isFalse();
    assertThat(Sha256.isHex(ABC + "0")).isFalse();
    assertThat(Sha256.isHex(ABC.substring(1) + "g")).isFalse();
    assertThat(Sha256.isHex("")).isFalse();
  }
}
