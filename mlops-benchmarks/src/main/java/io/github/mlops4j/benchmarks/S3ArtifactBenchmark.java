package io.github.mlops4j.benchmarks;

import io.github.mlops4j.s3.S3ArtifactStore;
import io.github.mlops4j.s3.S3Server;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * Put and get of one object through {@code S3ArtifactStore} ({@code mlops-s3}) against the raw AWS
 * SDK v2 client ({@code PutObject}/{@code GetObject}) on the same server and the same bytes, in the
 * same run.
 *
 * <p>Setup: s3proxy 3.0.0 with jclouds' filesystem blob store in a temporary directory, started in
 * the benchmark JVM on 127.0.0.1 ({@code S3Server} from the mlops-s3 test-jar), AWS v4 signatures
 * checked. Both clients use the SDK's URL-connection HTTP client, path-style requests and checksums
 * only where required. One file of {@code sizeMb} MB of random bytes in a temporary directory. The
 * store uses its defaults: content up to 16 MiB is held in memory and sent with one PutObject; a
 * file or spool file above it, up to the single-put limit (1 GiB), is sent with one PutObject
 * streamed from disk and checked against its digest as it is read; a stream without a spool
 * directory is uploaded in parts of 8 MiB.
 *
 * <ul>
 *   <li>{@code rawPut} (baseline): DeleteObject, then PutObject of the file ({@code
 *       RequestBody.fromFile}).
 *   <li>{@code rawMultipartPut} (second baseline, for sizes above the threshold): DeleteObject,
 *       then the multipart protocol by hand with the store's part size: CreateMultipartUpload, one
 *       UploadPart per 8 MiB read from the file, CompleteMultipartUpload. It separates what the
 *       server charges for a multipart upload (s3proxy's filesystem store writes the parts, then
 *       concatenates them into the object) from what the store adds.
 *   <li>{@code storePutFile}: DeleteObject of the store's key (else the put is a dedupe hit), then
 *       {@code put(Path)}: hash, HEAD, upload (at 200 MB one PutObject from the file, hashed again
 *       on the way).
 *   <li>{@code storePutStream}: the same with {@code put(InputStream)} of the file, staged in the
 *       bucket ({@code tmp/}) and copied on the server above the threshold.
 *   <li>{@code storePutStreamSpooled}: {@code put(InputStream)} with {@code spoolDirectory}:
 *       spooled to a local temporary file while hashed, then uploaded by digest (at 200 MB one
 *       PutObject from the spool file, hashed again on the way).
 *   <li>{@code rawGet} (baseline): GetObject of the store's object (the same key) read to the end.
 *   <li>{@code storeGet}: {@code open(digest)} read to the end (SHA-256 checked at the end).
 * </ul>
 *
 * <p>Target: every store operation's throughput &gt;= 0.8 x its raw baseline (time &lt;= 1.25 x).
 *
 * <p>Run (from the repository root): {@code java -jar mlops-benchmarks/target/benchmarks.jar
 * S3ArtifactBenchmark -f 1}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 4)
@Measurement(iterations = 5, time = 4)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
@State(Scope.Benchmark)
public class S3ArtifactBenchmark {
  static final String BUCKET = "bench";
  static final int PART_SIZE = 8 << 20;

  @Param({"10", "200"})
  public int sizeMb;

  private S3Server server;
  private Path dir;
  private Path file;
  private S3Client raw;
  private S3ArtifactStore store;
  private S3ArtifactStore spooling;
  private String digest;
  private String key;
  private final byte[] sink = new byte[1 << 16];

  @Setup
  public void setUp() throws IOException {
    server = new S3Server().start();
    server.createBucket(BUCKET);
    dir = Files.createTempDirectory("s3-bench-");
    file = dir.resolve("object.bin");
    byte[] chunk = new byte[1 << 20];
    Random random = new Random(42);
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int i = 0; i < sizeMb * 1_000_000 / chunk.length + 1; i++) {
        random.nextBytes(chunk);
        int n = (int) Math.min(chunk.length, sizeMb * 1_000_000L - (long) i * chunk.length);
        if (n > 0) {
          out.write(chunk, 0, n);
        }
      }
    }
    raw = server.newClient();
    store = server.storeBuilder(BUCKET).prefix("store/").build();
    spooling = server.storeBuilder(BUCKET).prefix("store/").spoolDirectory(dir).build();
    digest = store.put(file).digest();
    key = store.key(digest);
  }

  @TearDown
  public void tearDown() throws IOException {
    store.close();
    spooling.close();
    raw.close();
    server.close();
    Files.deleteIfExists(file);
    Files.deleteIfExists(dir);
  }

  @Benchmark
  public Object rawPut() {
    raw.deleteObject(r -> r.bucket(BUCKET).key("raw/object"));
    return raw.putObject(r -> r.bucket(BUCKET).key("raw/object"), RequestBody.fromFile(file));
  }

  @Benchmark
  public Object rawMultipartPut() throws IOException {
    raw.deleteObject(r -> r.bucket(BUCKET).key("raw/multipart"));
    String id = raw.createMultipartUpload(r -> r.bucket(BUCKET).key("raw/multipart")).uploadId();
    List<CompletedPart> parts = new ArrayList<>();
    byte[] part = new byte[PART_SIZE];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.readNBytes(part, 0, PART_SIZE)) > 0) {
        int number = parts.size() + 1;
        int length = n;
        String etag =
            raw.uploadPart(
                    r ->
                        r.bucket(BUCKET)
                            .key("raw/multipart")
                            .uploadId(id)
                            .partNumber(number)
                            .contentLength((long) length),
                    RequestBody.fromContentProvider(
                        () -> new ByteArrayInputStream(part, 0, length),
                        length,
                        "application/octet-stream"))
                .eTag();
        parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
      }
    }
    return raw.completeMultipartUpload(
        r ->
            r.bucket(BUCKET)
                .key("raw/multipart")
                .uploadId(id)
                .multipartUpload(u -> u.parts(parts)));
  }

  @Benchmark
  public Object storePutFile() {
    raw.deleteObject(r -> r.bucket(BUCKET).key(key));
    return store.put(file);
  }

  @Benchmark
  public Object storePutStream() throws IOException {
    raw.deleteObject(r -> r.bucket(BUCKET).key(key));
    try (InputStream in = Files.newInputStream(file)) {
      return store.put(in);
    }
  }

  @Benchmark
  public Object storePutStreamSpooled() throws IOException {
    raw.deleteObject(r -> r.bucket(BUCKET).key(key));
    try (InputStream in = Files.newInputStream(file)) {
      return spooling.put(in);
    }
  }

  @Benchmark
  public long rawGet() throws IOException {
    try (InputStream in = raw.getObject(r -> r.bucket(BUCKET).key(key))) {
      return drain(in);
    }
  }

  @Benchmark
  public long storeGet() throws IOException {
    try (InputStream in = store.open(digest)) {
      return drain(in);
    }
  }

  private long drain(InputStream in) {
    long total = 0;
    try {
      int n;
      while ((n = in.read(sink)) >= 0) {
        total += n;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return total;
  }
}
