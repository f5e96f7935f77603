package io.github.mlops4j.artifacts;

import java.security.GeneralSecurityException;

/**
 * The host's key-encryption keys for {@link EncryptedArtifactStore}: every object is encrypted with
 * its own random 256-bit data key, and a provider wraps (encrypts) that data key with the host key
 * named by a key id. Only the wrapped data key and the key id are stored beside the object; the
 * host keys never leave the provider.
 *
 * <p>{@link KeyStoreKeyProvider} keeps the host keys in a PKCS12 keystore file. A provider backed
 * by a key management service (AWS KMS, Google Cloud KMS, Vault transit) is a few lines: {@link
 * #wrap} calls the service's encrypt operation with the key id, {@link #unwrap} its decrypt
 * operation, and {@link #currentKeyId} returns the key new objects are written with (see {@code
 * docs/governance.md} for a sketch).
 *
 * <h2>Contract for implementations</h2>
 *
 * <ul>
 *   <li>Wrapping must be authenticated (AES-GCM, AES key wrap, a KMS's encrypt): {@link #unwrap} of
 *       bytes that were not produced by {@link #wrap} with the same key id fails with a {@link
 *       GeneralSecurityException} rather than returning other bytes.
 *   <li>A key id the provider does not know is {@link ArtifactKeyException}, as is a service that
 *       cannot be reached; neither is reported as a damaged object.
 *   <li>Key ids are 1 to 200 characters; providers are safe to share between threads.
 *   <li>Rotation: {@link #currentKeyId} changes to the new key while the old keys stay available to
 *       {@link #unwrap}, so old objects stay readable until {@link EncryptedArtifactStore#rewrap()}
 *       has moved them to the new key.
 * </ul>
 *
 * @since 0.1.0
 */
public interface KeyProvider {
  /** The id of the key that new objects are wrapped with. */
  String currentKeyId();

  /**
   * Encrypts {@code dataKey} with the host key {@code keyId}.
   *
   * @throws ArtifactKeyException if {@code keyId} is unknown or the key cannot be used
   * @throws GeneralSecurityException if the cipher refuses the operation
   */
  byte[] wrap(String keyId, byte[] dataKey) throws GeneralSecurityException;

  /**
   * Decrypts a data key that {@link #wrap} produced with {@code keyId}.
   *
   * @throws ArtifactKeyException if {@code keyId} is unknown or the key cannot be used
   * @throws GeneralSecurityException if {@code wrappedKey} fails authentication: another key, or
   *     damaged bytes
   */
  byte[] unwrap(String keyId, byte[] wrappedKey) throws GeneralSecurityException;
}
