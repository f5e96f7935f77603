package io.github.mlops4j.testing;

import io.github.mlops4j.artifacts.EncryptedArtifactStore;
import io.github.mlops4j.artifacts.KeyStoreKeyProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.stream.Stream;
import javax.crypto.spec.SecretKeySpec;

/** A real PKCS12 keystore file with AES-256 keys, made with the JDK's KeyStore API. */
public final class TestKeys {
  public static final char[] PASSWORD = "test-password".toCharArray();

  private final Path file;

  private TestKeys(Path file) {
    this.file = file;
  }

  /** A keystore at {@code file} with a random AES-256 key under each alias. */
  public static TestKeys create(Path file, String... aliases)
      throws GeneralSecurityException, IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, PASSWORD);
    TestKeys keys = new TestKeys(file);
    keys.add(store, aliases);
    return keys;
  }

  /** The keystore at {@code file}, created with one key {@code alias} if missing. */
  public static TestKeys openOrCreate(Path file, String alias)
      throws GeneralSecurityException, IOException {
    return Files.exists(file) ? new TestKeys(file) : create(file, alias);
  }

  /** Adds random AES-256 keys under {@code aliases} to the keystore file. */
  public TestKeys add(String... aliases) throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(file)) {
      store.load(in, PASSWORD);
    }
    add(store, aliases);
    return this;
  }

  /**
   * A copy of this keystore at {@code copy} without the keys {@code retired}, as after they were
   * retired.
   */
  public TestKeys without(Path copy, String... retired)
      throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(file)) {
      store.load(in, PASSWORD);
    }
    for (String alias : retired) {
      store.deleteEntry(alias);
    }
    try (OutputStream out = Files.newOutputStream(copy)) {
      store.store(out, PASSWORD);
    }
    return new TestKeys(copy);
  }

  private void add(KeyStore store, String... aliases) throws GeneralSecurityException, IOException {
    SecureRandom random = new SecureRandom();
    for (String alias : aliases) {
      byte[] raw = new byte[32];
      random.nextBytes(raw);
      store.setEntry(
          alias,
          new KeyStore.SecretKeyEntry(new SecretKeySpec(raw, "AES")),
          new KeyStore.PasswordProtection(PASSWORD));
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, PASSWORD);
    }
  }

  public Path file() {
    return file;
  }

  public KeyStoreKeyProvider provider(String current) {
    return KeyStoreKeyProvider.builder()
        .keyStore(file)
        .password(PASSWORD)
        .currentKeyId(current)
        .build();
  }

  /**
   * The file that holds the sealed segments of object {@code digest}: the data file of a version-1
   * object, else the object's own file (a version-2 object, whose segments follow its header
   * slots).
   */
  public static Path dataFile(EncryptedArtifactStore store, String digest) throws IOException {
    Path header = headerFile(store, digest);
    try (Stream<Path> siblings = Files.list(header.getParent())) {
      return siblings
          .filter(p -> p.getFileName().toString().startsWith(header.getFileName() + "."))
          .findFirst()
          .orElse(header);
    }
  }

  /** The header file of object {@code digest} (the layout documented by the store). */
  public static Path headerFile(EncryptedArtifactStore store, String digest) {
    return store
        .root()
        .resolve("enc-sha256")
        .resolve(digest.substring(0, 2))
        .resolve(digest.substring(2));
  }
}
