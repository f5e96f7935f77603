package io.github.mlops4j.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Internal: not API. SHA-256 digests and their lowercase hex form, shared by the artifact store,
 * dataset digests, model checks and batch checkpoints.
 */
public final class Sha256 {
  /** Characters of a SHA-256 digest in hex. */
  public static final int HEX_LENGTH = 64;

  private static final HexFormat HEX = HexFormat.of();

  private Sha256() {}

  /** A new SHA-256 {@link MessageDigest}. */
  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform is required to provide SHA-256.
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }

  /** Lowercase hex of {@code digest}. */
  public static String hex(byte[] digest) {
    return HEX.formatHex(digest);
  }

  /** The 16 lowercase hex digits of {@code value}. */
  public static String hex(long value) {
    return HEX.toHexDigits(value);
  }

  /** The bytes of a hex string such as a digest. */
  public static byte[] parseHex(String hex) {
    return HEX.parseHex(hex);
  }

  /** Lowercase hex SHA-256 of {@code bytes}. */
  public static String of(byte[] bytes) {
    return hex(newDigest().digest(bytes));
  }

  /** Whether {@code value} is 64 lowercase hex characters {@code [0-9a-f]}. */
  public static boolean isHex(String value) {
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
}
