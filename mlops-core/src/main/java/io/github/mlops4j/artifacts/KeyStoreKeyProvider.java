package io.github.mlops4j.artifacts;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.github.mlops4j.artifacts.internal.PathNames;
import io.github.mlops4j.internal.Checks;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * A {@link KeyProvider} over the AES secret keys of a PKCS12 keystore file: each entry's alias is a
 * key id. Data keys are wrapped with AES-GCM (a random 96-bit nonce per wrap, the key id as
 * associated data).
 *
 * <p>Make a keystore and add a key (repeat with a new alias to rotate):
 *
 * <pre>{@code
 * keytool -genseckey -keyalg AES -keysize 256 -storetype PKCS12 \
 *     -keystore keys.p12 -alias artifacts-2026-12
 * }</pre>
 *
 * <p>The keys are read once, by {@link Builder#build()}; entries must use the keystore's password.
 * Instances are immutable and safe to share between threads.
 *
 * @since 0.1.0
 */
public final class KeyStoreKeyProvider implements KeyProvider {
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final byte FORMAT = 1;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, SecretKey> keys;
  private final String current;
  private final String source;

  /**
   * One AES-GCM cipher per thread, initialised afresh for every wrap and unwrap (a {@code
   * Cipher.getInstance} per call was a fixed cost of every encrypted get and put). Only the cipher
   * object is reused; no key, wrapped or unwrapped, is kept.
   */
  private final ThreadLocal<Cipher> ciphers =
      ThreadLocal.withInitial(EncryptedArtifactStore::newCipher);

  private KeyStoreKeyProvider(Map<String, SecretKey> keys, String current, String source) {
    this.keys = keys;
    this.current = current;
    this.source = source;
  }

  /** A builder; the keystore file, its password and the current key id are required. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String currentKeyId() {
    return current;
  }

  /** The key ids of the keystore, sorted. */
  public List<String> keyIds() {
    List<String> ids = new ArrayList<>(keys.keySet());
    Collections.sort(ids);
    return List.copyOf(ids);
  }

  @Override
  public byte[] wrap(String keyId, byte[] dataKey) throws GeneralSecurityException {
    SecretKey key = key(keyId);
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    Cipher cipher = ciphers.get();
    cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
    cipher.updateAAD(keyId.getBytes(UTF_8));
    byte[] sealed = cipher.doFinal(dataKey);
    byte[] out = new byte[1 + NONCE_BYTES + sealed.length];
    out[0] = FORMAT;
    System.arraycopy(nonce, 0, out, 1, NONCE_BYTES);
    System.arraycopy(sealed, 0, out, 1 + NONCE_BYTES, sealed.length);
    return out;
  }

  @Override
  public byte[] unwrap(String keyId, byte[] wrappedKey) throws GeneralSecurityException {
    SecretKey key = key(keyId);
    if (wrappedKey.length < 1 + NONCE_BYTES + TAG_BITS / 8 || wrappedKey[0] != FORMAT) {
      throw new GeneralSecurityException("not a data key wrapped by " + getClass().getSimpleName());
    }
    Cipher cipher = ciphers.get();
    cipher.init(
        Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, wrappedKey, 1, NONCE_BYTES));
    cipher.updateAAD(keyId.getBytes(UTF_8));
    return cipher.doFinal(wrappedKey, 1 + NONCE_BYTES, wrappedKey.length - 1 - NONCE_BYTES);
  }

  private SecretKey key(String keyId) {
    SecretKey key = keys.get(Objects.requireNonNull(keyId, "keyId"));
    if (key == null) {
      throw new ArtifactKeyException(
          keyId,
          "no key "
              + PathNames.quote(keyId)
              + " in the keystore "
              + source
              + " (it holds "
              + keyIds()
              + "); add the key that wrote the object, or restore the keystore that had it",
          null);
    }
    return key;
  }

  @Override
  public String toString() {
    return "KeyStoreKeyProvider[" + source + ", current=" + current + "]";
  }

  /**
   * Configures a {@link KeyStoreKeyProvider}.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private @Nullable Path file;
    private char @Nullable [] password;
    private @Nullable String current;

    private Builder() {}

    /** The PKCS12 keystore file. */
    public Builder keyStore(Path file) {
      this.file = Objects.requireNonNull(file, "file");
      return this;
    }

    /** The keystore's password, also the password of its entries; copied. */
    public Builder password(char[] password) {
      this.password = Objects.requireNonNull(password, "password").clone();
      return this;
    }

    /** The alias of the key that new objects are wrapped with. */
    public Builder currentKeyId(String keyId) {
      this.current = Objects.requireNonNull(keyId, "keyId");
      return this;
    }

    /**
     * Reads the keystore's AES keys.
     *
     * @throws IllegalStateException if a setting is missing
     * @throws ArtifactKeyException if the file cannot be read, the password is wrong, or the
     *     current key id is not an AES key of 128, 192 or 256 bits in it
     */
    public KeyStoreKeyProvider build() {
      Path f = file;
      if (f == null) {
        throw Checks.missing("KeyStoreKeyProvider.Builder", "keyStore", "keyStore(path)");
      }
      char[] pw = password;
      if (pw == null) {
        throw Checks.missing("KeyStoreKeyProvider.Builder", "password", "password(chars)");
      }
      String cur = current;
      if (cur == null) {
        throw Checks.missing("KeyStoreKeyProvider.Builder", "currentKeyId", "currentKeyId(id)");
      }
      String source = f.toAbsolutePath().toString();
      Map<String, SecretKey> keys = new HashMap<>();
      try (InputStream in = Files.newInputStream(f)) {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(in, pw);
        for (String alias : Collections.list(store.aliases())) {
          if (!store.isKeyEntry(alias)) {
            continue;
          }
          Key key = store.getKey(alias, pw);
          if (key instanceof SecretKey && "AES".equalsIgnoreCase(key.getAlgorithm())) {
            byte[] raw = key.getEncoded();
            if (raw != null && (raw.length == 16 || raw.length == 24 || raw.length == 32)) {
              keys.put(alias, new SecretKeySpec(raw, "AES"));
              Arrays.fill(raw, (byte) 0);
            }
          }
        }
      } catch (IOException | GeneralSecurityException e) {
        throw new ArtifactKeyException(
            cur,
            "cannot read the keystore "
                + source
                + " ("
                + e
                + "); check the file and its password (a PKCS12 keystore)",
            e);
      }
      if (!keys.containsKey(cur)) {
        throw new ArtifactKeyException(
            cur,
            "the current key "
                + PathNames.quote(cur)
                + " is not an AES key in the keystore "
                + source
                + " (its AES keys: "
                + new java.util.TreeSet<>(keys.keySet())
                + "); add it with keytool -genseckey -keyalg AES -keysize 256",
            null);
      }
      return new KeyStoreKeyProvider(Map.copyOf(keys), cur, source);
    }
  }
}
