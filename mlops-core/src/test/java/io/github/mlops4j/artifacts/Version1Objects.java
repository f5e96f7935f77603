package io.github.mlops4j.artifacts;

import io.github.mlops4j.internal.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * Writes objects in version 1 of {@link EncryptedFormat} (a header file and a data file), as
 * releases before version 2 did, so that tests can check that such objects still read, verify,
 * list, delete and re-wrap.
 */
final class Version1Objects {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Version1Objects() {}

  /** Stores {@code content} in {@code store} as a version-1 object under the given key. */
  static StoredArtifact put(
      EncryptedArtifactStore store, KeyProvider keys, String keyId, byte[] content, int segment) {
    try {
      byte[] raw = new byte[EncryptedFormat.DATA_KEY_BYTES];
      RANDOM.nextBytes(raw);
      SecretKey dataKey = new SecretKeySpec(raw, "AES");
      byte[] wrapped = keys.wrap(keyId, raw);
      String digest = Sha256.hex(Sha256.newDigest().digest(content));
      long dataId = RANDOM.nextLong();
      long segments = EncryptedFormat.segmentCount(content.length, segment);
      ByteBuffer sealed =
          ByteBuffer.allocate((int) (content.length + segments * EncryptedFormat.TAG_BYTES));
      Cipher cipher = EncryptedFormat.newCipher();
      for (long i = 0; i < segments; i++) {
        int from = (int) (i * segment);
        int length = Math.min(segment, content.length - from);
        cipher.init(
            Cipher.ENCRYPT_MODE, dataKey, EncryptedFormat.segmentNonce(i, i == segments - 1));
        sealed.put(cipher.doFinal(content, from, length));
      }
      byte[] tag = EncryptedFormat.tag(dataKey, 1, segment, content.length, dataId, digest);
      EncryptedFormat.Header header =
          new EncryptedFormat.Header(1, segment, content.length, dataId, keyId, wrapped, tag);
      Path headerFile = store.headerPath(digest);
      Files.createDirectories(headerFile.getParent());
      Files.write(
          headerFile.resolveSibling(headerFile.getFileName() + header.dataSuffix()),
          sealed.array());
      Files.write(headerFile, header.encode());
      return new StoredArtifact(digest, content.length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** As {@link #put(EncryptedArtifactStore, KeyProvider, String, byte[], int)}, 64 KiB segments. */
  static StoredArtifact put(EncryptedArtifactStore store, KeyProvider keys, byte[] content) {
    return put(store, keys, keys.currentKeyId(), content, EncryptedArtifactStore.DEFAULT_SEGMENT);
  }
}
