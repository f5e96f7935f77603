package io.github.mlops4j.artifacts;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.github.mlops4j.internal.Sha256;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The on-disk format of {@link EncryptedArtifactStore}, version 1.
 *
 * <p>Header file ({@code <2 hex>/<62 hex>}), big-endian: the magic {@code MLE1}; the segment size
 * (int); the plaintext size (long); the data file id (8 bytes); the key id (unsigned short length,
 * UTF-8); the wrapped data key (unsigned short length, bytes); a 16-byte AES-GCM tag computed with
 * the data key over every field before the key id plus the raw SHA-256 of the plaintext, with the
 * nonce {@link #HEADER_NONCE}. The key id and wrapped key are outside the tag so that a re-wrap
 * rewrites them alone; both are authenticated through the unwrap.
 *
 * <p>Data file ({@code <62 hex>.<16 hex data id>}): the segments, each the AES-GCM encryption of
 * {@code segmentSize} plaintext bytes (fewer for the last one, which may be empty only when the
 * whole object is) followed by its 16-byte tag. Segment {@code i}'s nonce is three zero bytes, the
 * index as a long, and a byte that is 1 for the last segment and 0 otherwise: a reordered segment
 * fails its tag, and so does a stream cut at a segment boundary (its new last segment was not
 * sealed as last).
 */
final class EncryptedFormat {
  static final byte[] MAGIC = {'M', 'L', 'E', '1'};
  static final int TAG_BYTES = 16;
  static final int DATA_KEY_BYTES = 32;
  static final int MIN_SEGMENT = 1024;
  static final int MAX_SEGMENT = 16 << 20;
  static final int MAX_KEY_ID_BYTES = 800;
  static final int MAX_WRAPPED_BYTES = 4096;
  static final int MAX_HEADER_BYTES =
      MAGIC.length + 4 + 8 + 8 + 2 + MAX_KEY_ID_BYTES + 2 + MAX_WRAPPED_BYTES + TAG_BYTES;

  private static final byte[] HEADER_NONCE = {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1};

  private EncryptedFormat() {}

  /** A parsed header; {@code tag} is not checked yet. Never compared: the arrays are not copied. */
  @SuppressWarnings("ArrayRecordComponent")
  record Header(
      int segmentSize, long size, long dataId, String keyId, byte[] wrappedKey, byte[] tag) {

    long segments() {
      return segmentCount(size, segmentSize);
    }

    long dataLength() {
      return size + segments() * TAG_BYTES;
    }

    String dataSuffix() {
      return "." + Sha256.hex(dataId);
    }

    Header withKey(String newKeyId, byte[] newWrapped) {
      return new Header(segmentSize, size, dataId, newKeyId, newWrapped, tag);
    }

    byte[] encode() {
      byte[] id = keyId.getBytes(UTF_8);
      ByteBuffer b =
          ByteBuffer.allocate(
              MAGIC.length + 4 + 8 + 8 + 2 + id.length + 2 + wrappedKey.length + TAG_BYTES);
      b.put(MAGIC).putInt(segmentSize).putLong(size).putLong(dataId);
      b.putShort((short) id.length).put(id);
      b.putShort((short) wrappedKey.length).put(wrappedKey);
      b.put(tag);
      return b.array();
    }
  }

  static long segmentCount(long size, int segmentSize) {
    return size == 0 ? 1 : (size + segmentSize - 1) / segmentSize;
  }

  /**
   * Parses a header file's bytes.
   *
   * @throws IllegalArgumentException naming what is wrong (never echoing the bytes)
   */
  static Header parse(byte[] bytes) {
    if (bytes.length > MAX_HEADER_BYTES) {
      throw new IllegalArgumentException("header of " + bytes.length + " bytes is too long");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    try {
      byte[] magic = new byte[MAGIC.length];
      b.get(magic);
      if (!MessageDigest.isEqual(magic, MAGIC)) {
        throw new IllegalArgumentException("the header does not start with MLE1");
      }
      int segmentSize = b.getInt();
      if (segmentSize < MIN_SEGMENT || segmentSize > MAX_SEGMENT) {
        throw new IllegalArgumentException("segment size " + segmentSize + " is out of range");
      }
      long size = b.getLong();
      if (size < 0 || size > Long.MAX_VALUE / 2) {
        throw new IllegalArgumentException("content size " + size + " is out of range");
      }
      long dataId = b.getLong();
      int idLength = Short.toUnsignedInt(b.getShort());
      if (idLength == 0 || idLength > MAX_KEY_ID_BYTES) {
        throw new IllegalArgumentException("key id length " + idLength + " is out of range");
      }
      byte[] id = new byte[idLength];
      b.get(id);
      String keyId =
          UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(id))
              .toString();
      int wrappedLength = Short.toUnsignedInt(b.getShort());
      if (wrappedLength == 0 || wrappedLength > MAX_WRAPPED_BYTES) {
        throw new IllegalArgumentException(
            "wrapped key length " + wrappedLength + " is out of range");
      }
      byte[] wrapped = new byte[wrappedLength];
      b.get(wrapped);
      byte[] tag = new byte[TAG_BYTES];
      b.get(tag);
      if (b.hasRemaining()) {
        throw new IllegalArgumentException(
            "the header has " + b.remaining() + " bytes after its end");
      }
      return new Header(segmentSize, size, dataId, keyId, wrapped, tag);
    } catch (java.nio.BufferUnderflowException e) {
      throw new IllegalArgumentException("the header ends early (" + bytes.length + " bytes)", e);
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("the key id is not UTF-8", e);
    }
  }

  /** The tag that binds the header's fixed fields to the content's SHA-256. */
  static byte[] tag(SecretKey dataKey, int segmentSize, long size, long dataId, String digest)
      throws GeneralSecurityException {
    return tag(newCipher(), dataKey, segmentSize, size, dataId, digest);
  }

  /** As {@link #tag(SecretKey, int, long, long, String)}, with a cipher the caller reuses. */
  static byte[] tag(
      Cipher cipher, SecretKey dataKey, int segmentSize, long size, long dataId, String digest)
      throws GeneralSecurityException {
    cipher.init(Cipher.ENCRYPT_MODE, dataKey, new GCMParameterSpec(TAG_BYTES * 8, HEADER_NONCE));
    cipher.updateAAD(headerAad(segmentSize, size, dataId, digest));
    return cipher.doFinal();
  }

  /**
   * Checks {@code tag} against the header's fields and the content's SHA-256, in decrypt mode (a
   * constant-time comparison inside the cipher).
   *
   * @throws javax.crypto.AEADBadTagException if the tag does not match
   */
  static void checkTag(
      Cipher cipher,
      SecretKey dataKey,
      int segmentSize,
      long size,
      long dataId,
      String digest,
      byte[] tag)
      throws GeneralSecurityException {
    cipher.init(Cipher.DECRYPT_MODE, dataKey, new GCMParameterSpec(TAG_BYTES * 8, HEADER_NONCE));
    cipher.updateAAD(headerAad(segmentSize, size, dataId, digest));
    cipher.doFinal(tag);
  }

  private static byte[] headerAad(int segmentSize, long size, long dataId, String digest) {
    ByteBuffer aad = ByteBuffer.allocate(MAGIC.length + 4 + 8 + 8 + 32);
    aad.put(MAGIC).putInt(segmentSize).putLong(size).putLong(dataId);
    aad.put(Sha256.parseHex(digest));
    return aad.array();
  }

  /** A new AES-GCM cipher (one per thread of a store, re-initialised for every use). */
  static Cipher newCipher() throws GeneralSecurityException {
    return Cipher.getInstance("AES/GCM/NoPadding");
  }

  /** The nonce of segment {@code index}. */
  static GCMParameterSpec segmentNonce(long index, boolean last) {
    byte[] nonce = new byte[12];
    ByteBuffer.wrap(nonce, 3, 9).putLong(index).put((byte) (last ? 1 : 0));
    return new GCMParameterSpec(TAG_BYTES * 8, nonce);
  }
}
