package io.github.mlops4j.artifacts;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.github.mlops4j.internal.Sha256;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The on-disk formats of {@link EncryptedArtifactStore}. New objects are written in version 2;
 * objects of version 1 are read, verified, listed, deleted and re-wrapped as before.
 *
 * <p>The header, in both versions, big-endian: the magic ({@code MLE1} or {@code MLE2}); the
 * segment size (int); the plaintext size (long); an id of 8 random bytes (in version 1 the suffix
 * of the data file's name; in version 2 it only makes every header's tag input unique); the key id
 * (unsigned short length, UTF-8); the wrapped data key (unsigned short length, bytes); a 16-byte
 * AES-GCM tag computed with the data key over every field before the key id plus the raw SHA-256 of
 * the plaintext, with the nonce {@link #HEADER_NONCE}. The key id and wrapped key are outside the
 * tag so that a re-wrap rewrites them alone; both are authenticated through the unwrap. A header is
 * at most {@link #MAX_HEADER_BYTES} long.
 *
 * <p>The segments, in both versions: each the AES-GCM encryption of {@code segmentSize} plaintext
 * bytes (fewer for the last one, which may be empty only when the whole object is) followed by its
 * 16-byte tag. Segment {@code i}'s nonce is three zero bytes, the index as a long, and a byte that
 * is 1 for the last segment and 0 otherwise: a reordered segment fails its tag, and so does a
 * stream cut at a segment boundary (its new last segment was not sealed as last).
 *
 * <p>Version 2, one file per object ({@code <2 hex>/<62 hex>}): two header slots of {@link
 * #SLOT_BYTES} each, A then B, each holding a header followed by zeros (an unused slot is all
 * zeros), then the segments. A put writes its header to slot A and leaves slot B zero; a re-wrap
 * writes the new header to slot B, forces it, then to slot A, so that one of them is intact
 * whenever the other is torn. Readers take slot A and fall back to slot B. A slot is 8 KiB: the
 * smallest multiple of 4 KiB (the block and page size of common file systems and the sector size of
 * current disks) that holds the largest header, so that the two slots share no block that a torn
 * write of one could damage, and the segments start block-aligned.
 *
 * <p>Version 1, two files per object: the header file ({@code <2 hex>/<62 hex>}) holds the header
 * alone, and the data file ({@code <62 hex>.<16 hex id>}) the segments.
 */
final class EncryptedFormat {
  static final byte[] MAGIC_1 = {'M', 'L', 'E', '1'};
  static final byte[] MAGIC_2 = {'M', 'L', 'E', '2'};
  static final int MAGIC_BYTES = 4;
  static final int TAG_BYTES = 16;
  static final int DATA_KEY_BYTES = 32;
  static final int MIN_SEGMENT = 1024;
  static final int MAX_SEGMENT = 16 << 20;
  static final int MAX_KEY_ID_BYTES = 800;
  static final int MAX_WRAPPED_BYTES = 4096;
  static final int MAX_HEADER_BYTES =
      MAGIC_BYTES + 4 + 8 + 8 + 2 + MAX_KEY_ID_BYTES + 2 + MAX_WRAPPED_BYTES + TAG_BYTES;

  /** The bytes of one header slot of a version-2 object (see the class comment for the size). */
  static final int SLOT_BYTES = 8192;

  /** Where the segments of a version-2 object start: after slot A and slot B. */
  static final int SEGMENTS_OFFSET = 2 * SLOT_BYTES;

  private static final byte[] HEADER_NONCE = {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1};

  private EncryptedFormat() {}

  /** A parsed header; {@code tag} is not checked yet. Never compared: the arrays are not copied. */
  @SuppressWarnings("ArrayRecordComponent")
  record Header(
      int version,
      int segmentSize,
      long size,
      long dataId,
      String keyId,
      byte[] wrappedKey,
      byte[] tag) {

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
      return new Header(version, segmentSize, size, dataId, newKeyId, newWrapped, tag);
    }

    /** The header alone: a version-1 header file's bytes. */
    byte[] encode() {
      return encodeInto(
              ByteBuffer.allocate(
                  MAGIC_BYTES
                      + 4
                      + 8
                      + 8
                      + 2
                      + keyId.getBytes(UTF_8).length
                      + 2
                      + wrappedKey.length
                      + TAG_BYTES))
          .array();
    }

    /** A version-2 slot: the header followed by zeros up to {@link #SLOT_BYTES}. */
    byte[] encodeSlot() {
      return encodeInto(ByteBuffer.allocate(SLOT_BYTES)).array();
    }

    private ByteBuffer encodeInto(ByteBuffer b) {
      byte[] id = keyId.getBytes(UTF_8);
      b.put(magic(version)).putInt(segmentSize).putLong(size).putLong(dataId);
      b.putShort((short) id.length).put(id);
      b.putShort((short) wrappedKey.length).put(wrappedKey);
      b.put(tag);
      return b;
    }
  }

  static byte[] magic(int version) {
    return version == 1 ? MAGIC_1 : MAGIC_2;
  }

  static long segmentCount(long size, int segmentSize) {
    return size == 0 ? 1 : (size + segmentSize - 1) / segmentSize;
  }

  /**
   * Parses a version-1 header file's bytes.
   *
   * @throws IllegalArgumentException naming what is wrong (never echoing the bytes)
   */
  static Header parse(byte[] bytes) {
    if (bytes.length > MAX_HEADER_BYTES) {
      throw new IllegalArgumentException("header of " + bytes.length + " bytes is too long");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    Header header = parse(b, 1, bytes.length);
    if (b.hasRemaining()) {
      throw new IllegalArgumentException(
          "the header has " + b.remaining() + " bytes after its end");
    }
    return header;
  }

  /**
   * Parses the version-2 header slot at {@code offset} of {@code bytes}: a header followed by zeros
   * up to {@link #SLOT_BYTES}.
   *
   * @throws IllegalArgumentException naming what is wrong (never echoing the bytes)
   */
  static Header parseSlot(byte[] bytes, int offset) {
    ByteBuffer b = ByteBuffer.wrap(bytes, offset, SLOT_BYTES).slice();
    Header header = parse(b, 2, SLOT_BYTES);
    while (b.hasRemaining()) {
      if (b.get() != 0) {
        throw new IllegalArgumentException("the slot has bytes other than zeros after its header");
      }
    }
    return header;
  }

  /** Whether {@code bytes} start with the magic of version {@code version}. */
  static boolean startsWithMagic(byte[] bytes, int version) {
    return bytes.length >= MAGIC_BYTES
        && MessageDigest.isEqual(Arrays.copyOf(bytes, MAGIC_BYTES), magic(version));
  }

  private static Header parse(ByteBuffer b, int version, int length) {
    try {
      byte[] magic = new byte[MAGIC_BYTES];
      b.get(magic);
      if (!MessageDigest.isEqual(magic, magic(version))) {
        throw new IllegalArgumentException(
            "the header does not start with " + new String(magic(version), UTF_8));
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
      return new Header(version, segmentSize, size, dataId, keyId, wrapped, tag);
    } catch (java.nio.BufferUnderflowException e) {
      throw new IllegalArgumentException("the header ends early (" + length + " bytes)", e);
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("the key id is not UTF-8", e);
    }
  }

  /** The tag that binds the header's fixed fields (its version's magic too) to the SHA-256. */
  static byte[] tag(
      SecretKey dataKey, int version, int segmentSize, long size, long dataId, String digest)
      throws GeneralSecurityException {
    return tag(newCipher(), dataKey, version, segmentSize, size, dataId, digest);
  }

  /** As {@link #tag(SecretKey, int, int, long, long, String)}, with a cipher the caller reuses. */
  static byte[] tag(
      Cipher cipher,
      SecretKey dataKey,
      int version,
      int segmentSize,
      long size,
      long dataId,
      String digest)
      throws GeneralSecurityException {
    cipher.init(Cipher.ENCRYPT_MODE, dataKey, new GCMParameterSpec(TAG_BYTES * 8, HEADER_NONCE));
    cipher.updateAAD(headerAad(version, segmentSize, size, dataId, digest));
    return cipher.doFinal();
  }

  /**
   * Checks {@code tag} against the header's fields and the content's SHA-256, in decrypt mode (a
   * constant-time comparison inside the cipher).
   *
   * @throws javax.crypto.AEADBadTagException if the tag does not match
   */
  static void checkTag(Cipher cipher, SecretKey dataKey, Header header, String digest)
      throws GeneralSecurityException {
    cipher.init(Cipher.DECRYPT_MODE, dataKey, new GCMParameterSpec(TAG_BYTES * 8, HEADER_NONCE));
    cipher.updateAAD(
        headerAad(header.version(), header.segmentSize(), header.size(), header.dataId(), digest));
    cipher.doFinal(header.tag());
  }

  private static byte[] headerAad(
      int version, int segmentSize, long size, long dataId, String digest) {
    ByteBuffer aad = ByteBuffer.allocate(MAGIC_BYTES + 4 + 8 + 8 + 32);
    aad.put(magic(version)).putInt(segmentSize).putLong(size).putLong(dataId);
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
