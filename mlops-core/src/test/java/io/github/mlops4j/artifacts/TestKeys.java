package io.github.mlops4j.artifacts;

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
final class TestKeys {
  static final char[] PASSWORD = "test-password".toCharArray();

  private final Path file;

  private TestKeys(Path file) {
    this.file = file;
  }

  /** A keystore at {@code file} with a random AES-256 key under each alias. */
  static TestKeys create(Path file, String... aliases)
      throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, PASSWORD);
    TestKeys keys = new TestKeys(file);
    keys.add(store, aliases);
    return keys;
  }

  /** Adds random AES-256 keys under {@code aliases} to the keystore file. */
  TestKeys add(String... aliases) throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(file)) {
      store.load(in, PASSWORD);
    }
    add(store, aliases);
    return this;
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

  Path file() {
    return file;
  }

  KeyStoreKeyProvider provider(String current) {
    return KeyStoreKeyProvider.builder()
        .keyStore(file)
        .password(PASSWORD)
        .currentKeyId(current)
        .build();
  }

  /** The data file of object {@code digest}. */
  static Path dataFile(EncryptedArtifactStore store, String digest) throws IOException {
    Path header = store.headerPath(digest);
    try (Stream<Path> siblings = Files.list(header.getParent())) {
      return siblings
          .filter(p -> p.getFileName().toString().startsWith(header.getFileName() + "."))
          .findFirst()
          .orElseThrow();
    }
  }
}
