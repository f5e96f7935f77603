package io.github.mlops4j.benchmarks;

import io.github.mlops4j.data.DatasetVersion;
import io.github.mlops4j.data.DigestCache;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * SHA-256 of a 1 GiB file of random bytes: {@link DatasetVersion#of(String, Path, DigestCache)}
 * with a fresh {@link DigestCache} per call (so every call really reads and hashes the file)
 * against a plain {@code MessageDigest.getInstance("SHA-256")} loop over a {@code FileInputStream}
 * with a 1 MiB buffer. The file is created in {@code /tmp} in the trial set-up (seeded, so its
 * content is the same every time), flushed to disk, and deleted in the tear-down; it is written
 * just before it is read, so both measure hashing from the page cache (the machine has far more RAM
 * than 1 GiB).
 *
 * <p>Run (from the repository root):
 *
 * <pre>
 * java -jar mlops-benchmarks/target/benchmarks.jar DatasetHashBenchmark -f 1
 * </pre>
 *
 * Defaults: SingleShotTime in ms, 2 warm-up and 8 measured calls per method.
 *
 * <p>To compare with {@code sha256sum} on the identical file, create it with this class's {@code
 * main} (which prints the SHA-256 for checking), time {@code sha256sum}, then delete it:
 *
 * <pre>
 * java -cp mlops-benchmarks/target/benchmarks.jar io.github.mlops4j.benchmarks.DatasetHashBenchmark \
 *     /tmp/mlops4j-bench-1g.bin
 * hyperfine --warmup 1 --runs 5 'sha256sum /tmp/mlops4j-bench-1g.bin'
 * rm /tmp/mlops4j-bench-1g.bin
 * </pre>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 8)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class DatasetHashBenchmark {
  static final long SIZE = 1L << 30;
  static final long SEED = 20_240_601L;
  static final int BUFFER = 1 << 20;

  /** Where the file is created; its name ends in {@code .bin} so no lines are counted. */
  @Param("/tmp/mlops4j-bench-1g.bin")
  public String file;

  Path path;

  @Setup(Level.Trial)
  public void create() throws IOException {
    path = Path.of(file);
    long start = System.nanoTime();
    write(path);
    System.out.printf(
        "%n[setup] wrote %,d bytes to %s in %.1f s%n",
        SIZE, path, (System.nanoTime() - start) / 1e9);
  }

  @TearDown(Level.Trial)
  public void delete() throws IOException {
    Files.deleteIfExists(path);
  }

  @Benchmark
  public DatasetVersion datasetVersion() {
    DatasetVersion v = DatasetVersion.of("bench-1g.bin", path, DigestCache.create(10));
    if (v.sizeBytes() != SIZE) {
      throw new IllegalStateException("hashed " + v.sizeBytes() + " bytes");
    }
    return v;
  }

  @Benchmark
  public String rawMessageDigest() throws IOException {
    return sha256(path);
  }

  static String sha256(Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    byte[] buffer = new byte[BUFFER];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        md.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** Writes {@link #SIZE} seeded pseudo-random bytes to {@code file}. */
  static void write(Path file) throws IOException {
    SplittableRandom random = new SplittableRandom(SEED);
    byte[] chunk = new byte[BUFFER];
    ByteBuffer buf = ByteBuffer.wrap(chunk);
    try (FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      for (long written = 0; written < SIZE; written += BUFFER) {
        random.nextBytes(chunk);
        buf.clear();
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
      }
      // Wait for write-back, so that it does not compete with the hashing being measured.
      ch.force(true);
    }
  }

  /** Creates the benchmark file at {@code args[0]} and prints its SHA-256, for sha256sum runs. */
  public static void main(String[] args) throws IOException {
    Path target = Path.of(args.length > 0 ? args[0] : "/tmp/mlops4j-bench-1g.bin");
    write(target);
    System.out.println(sha256(target) + "  " + target);
    System.out.println(
        "DatasetVersion: "
            + DatasetVersion.of("bench-1g.bin", target, DigestCache.create(10)).digest());
  }
}
