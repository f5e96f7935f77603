package io.github.mlops4j.benchmarks;

import io.github.mlops4j.artifacts.ArtifactStore;
import io.github.mlops4j.artifacts.DirectoryArtifactStore;
import io.github.mlops4j.artifacts.EncryptedArtifactStore;
import io.github.mlops4j.artifacts.KeyStoreKeyProvider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Comparator;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.crypto.KeyGenerator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Put and get of one object through {@link EncryptedArtifactStore} (AES-256-GCM in 64 KiB segments,
 * data key wrapped by a PKCS12 {@link KeyStoreKeyProvider}) against the plain {@link
 * DirectoryArtifactStore} on the same bytes and the same disk, in the same run.
 *
 * <p>Setup: {@code sizeMb} MB of random bytes in memory; both stores in temporary directories; a
 * PKCS12 keystore with one AES-256 key made with the JDK's {@code KeyGenerator}.
 *
 * <ul>
 *   <li>{@code plainPut} (baseline) / {@code encryptedPut}: {@code put(InputStream)} of the bytes
 *       (hash, write, fsync, publish; the encrypted store writes one file too, its header slots
 *       before the sealed segments, and publishes it with a hard link where the plain store
 *       renames). The object is removed before each invocation so every put writes (else the put is
 *       a dedup hit).
 *   <li>{@code plainGet} (baseline) / {@code encryptedGet}: {@code open(digest)} read to the end
 *       (plain: SHA-256 checked at the end; encrypted: header and segment authentication and
 *       decryption, no second SHA-256 pass).
 * </ul>
 *
 * <p>The 1 MB object is read and written on the benchmark's thread alone; the 64 MB one is
 * decrypted (get) and encrypted and written (put) on a second thread of the store's while the
 * benchmark's thread copies out (get) or hashes (put): on a 2-core machine that ratio depends on
 * the second core being free.
 *
 * <p>Target: encrypted throughput &gt;= 0.8 x plain (time &lt;= 1.25 x).
 *
 * <p>Warm-up is long on purpose: on JDK 17 the AES-GCM intrinsics (GHASH and AES-CTR stubs) are
 * used only once C2 has compiled the cipher's call chain, which is driven by the number of cipher
 * calls (one per 64 KiB segment). Until then the JDK's Java GHASH runs at about 70 MB/s, so a short
 * warm-up measures that phase (about 150-300 MB of traffic per fork; docs/BENCHMARKS.md).
 *
 * <p>Run (from the repository root): {@code java -jar mlops-benchmarks/target/benchmarks.jar
 * EncryptedArtifactBenchmark -f 1 -wi 6 -w 5 -i 5 -r 5}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 6, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
@State(Scope.Benchmark)
public class EncryptedArtifactBenchmark {
  @Param({"1", "64"})
  public int sizeMb;

  private Path dir;
  private byte[] content;
  private DirectoryArtifactStore plain;
  private EncryptedArtifactStore encrypted;
  private String digest;
  private final byte[] sink = new byte[1 << 16];

  @Setup
  public void setUp() throws IOException, GeneralSecurityException {
    dir = Files.createTempDirectory("crypto-bench-");
    content = new byte[sizeMb * 1_000_000];
    new Random(42).nextBytes(content);
    char[] password = "bench".toCharArray();
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    keyStore.load(null, password);
    KeyGenerator aes = KeyGenerator.getInstance("AES");
    aes.init(256);
    keyStore.setEntry(
        "bench-key",
        new KeyStore.SecretKeyEntry(aes.generateKey()),
        new KeyStore.PasswordProtection(password));
    Path keyFile = dir.resolve("keys.p12");
    try (OutputStream out = Files.newOutputStream(keyFile)) {
      keyStore.store(out, password);
    }
    plain = DirectoryArtifactStore.open(dir.resolve("plain"));
    encrypted =
        EncryptedArtifactStore.builder()
            .root(dir.resolve("encrypted"))
            .keyProvider(
                KeyStoreKeyProvider.builder()
                    .keyStore(keyFile)
                    .password(password)
                    .currentKeyId("bench-key")
                    .build())
            .build();
    digest = plain.put(new ByteArrayInputStream(content)).digest();
    encrypted.put(new ByteArrayInputStream(content));
  }

  /** Removes the objects before each put, so that every put writes. */
  @State(Scope.Thread)
  public static class Fresh {
    @Setup(Level.Invocation)
    public void remove(EncryptedArtifactBenchmark b) throws IOException {
      deleteTree(b.dir.resolve("plain").resolve("sha256").resolve(b.digest.substring(0, 2)));
      deleteTree(
          b.dir.resolve("encrypted").resolve("enc-sha256").resolve(b.digest.substring(0, 2)));
    }
  }

  @TearDown
  public void tearDown() throws IOException {
    encrypted.close();
    deleteTree(dir);
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Benchmark
  public Object plainPut(Fresh fresh) {
    return plain.put(new ByteArrayInputStream(content));
  }

  @Benchmark
  public Object encryptedPut(Fresh fresh) {
    return encrypted.put(new ByteArrayInputStream(content));
  }

  @Benchmark
  public long plainGet() throws IOException {
    return drain(plain);
  }

  @Benchmark
  public long encryptedGet() throws IOException {
    return drain(encrypted);
  }

  private long drain(ArtifactStore store) throws IOException {
    long total = 0;
    try (InputStream in = store.open(digest)) {
      int n;
      while ((n = in.read(sink)) > 0) {
        total += n;
      }
    }
    return total;
  }
}
