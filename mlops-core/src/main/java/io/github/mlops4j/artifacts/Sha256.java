package io.github.mlops4j.artifacts;

import io.github.mlops4j.artifacts.internal.PathNames;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 helpers shared by the store and its streams. */
final class Sha256 {
  static final int HEX_LENGTH = 64;
  private static final HexFormat HEX = HexFormat.of();

  private Sha256() {}

  static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform is required to provide SHA-256.
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }

  static String hex(byte[] digest) {
    return HEX.formatHex(digest);
  }

  static boolean isHex(String value) {
    if (value.length() != HEX_LENGTH) {
      return false;
    }
    for (int i = 0; i < HEX_LENGTH; i++) {
      char c = value.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  static String checkHex(String value, String what) {
    if (!isHex(value)) {
      throw new IllegalArgumentException(
          what
              + " "
              + PathNames.quote(value)
              + " is not a SHA-256 digest: expected 64 lowercase hex characters [0-9a-f]");
    }
    return value;
  }
}
