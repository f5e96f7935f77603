package io.github.mlops4j.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.artifacts.ArtifactCorruptedException;
import io.github.mlops4j.artifacts.ArtifactNotFoundException;
import io.github.mlops4j.artifacts.ArtifactStoreException;
import io.github.mlops4j.artifacts.StoredArtifact;
import io.github.mlops4j.testing.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** Throttling, hostile objects and leftovers, against s3proxy. */
class S3FailuresIT {
  @RegisterExtension static final S3Server S3 = new S3Server();
  static final String BUCKET = "failures";
  // printf 'hello, mlops4j\n' | sha256sum
  static final String HELLO = "hello, mlops4j\n";
  static final String HELLO_SHA256 =
      "085a3a7c41539735d40d0c21636c0d3e7812ba5f9761a3bf8e75208b9ab5aa47";

  private static S3Client raw;
  @TempDir Path temp;

  @BeforeAll
  static void createBucket() {
    S3.createBucket(BUCKET);
    raw = S3.newClient();
  }

  @AfterAll
  static void closeClient() {
    raw.close();
  }

  private static String prefix() {
    return "t-" + UUID.randomUUID() + "/";
  }

  private static S3ArtifactStore.Builder through(SlowDownProxy proxy, int maxAttempts) {
    return S3ArtifactStore.builder()
        .bucket(BUCKET)
        .prefix(prefix())
        .endpoint(proxy.endpoint())
        .region(S3Server.REGION)
        .pathStyle(true)
        .credentials(S3Server.credentials())
        .maxAttempts(maxAttempts)
        .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(5));
  }

  @Test
  void throttling_isRetriedUntilTheServerAccepts() throws IOException {
    try (SlowDownProxy proxy = new SlowDownProxy(S3.port());
        S3ArtifactStore store = through(proxy, 5).build()) {
      proxy.refuseNext(3);

      StoredArtifact stored = store.put(new ByteArrayInputStream(HELLO.getBytes(UTF_8)));

      assertThat(stored.digest()).isEqualTo(HELLO_SHA256);
      assertThat(proxy.refused()).isEqualTo(3);
      proxy.refuseNext(2);
      try (InputStream in = store.open(HELLO_SHA256)) {
        assertThat(new String(in.readAllBytes(), UTF_8)).isEqualTo(HELLO);
      }
      assertThat(proxy.refused()).isEqualTo(5);
    }
  }

  @Test
  void throttlingBeyondMaxAttempts_isAClearError() throws IOException {
    try (SlowDownProxy proxy = new SlowDownProxy(S3.port());
        S3ArtifactStore store = through(proxy, 3).build()) {
      proxy.refuseNext(1000);

      assertThatThrownBy(() -> store.contains(HELLO_SHA256))
          .isInstanceOf(ArtifactStoreException.class)
          .hasMessageContaining("cannot check for " + store.uri(store.key(HELLO_SHA256)))
          .hasMessageContaining("HTTP 503")
          .hasMessageContaining(store.location());
      assertThat(proxy.refused()).isEqualTo(3);
    }
  }

  @Test
  void objectWhoseSizeDiffers_isCorruptOnReadAndReplacedByPut() throws IOException {
    try (S3ArtifactStore store = S3.storeBuilder(BUCKET).prefix(prefix()).build()) {
      Path file = Files.writeString(temp.resolve("hello"), HELLO);
      store.put(file);
      String key = store.key(HELLO_SHA256);
      // A longer object under the key, even claiming the right digest in its metadata.
      raw.putObject(
          r -> r.bucket(BUCKET).key(key).metadata(Map.of("sha256", HELLO_SHA256)),
          RequestBody.fromString(HELLO + "and more"));

      try (InputStream in = store.open(HELLO_SHA256)) {
        assertThatThrownBy(in::readAllBytes)
            .isInstanceOf(ArtifactCorruptedException.class)
            .hasMessageContaining("s3://" + BUCKET + "/" + key);
      }

      store.put(file);
      store.verify(HELLO_SHA256);
    }
  }

  @Test
  void keysOutsideThePrefix_areNeverRead() throws IOException {
    String prefix = prefix();
    try (S3ArtifactStore store = S3.storeBuilder(BUCKET).prefix(prefix + "inner/").build()) {
      String inner = store.key(HELLO_SHA256).substring((prefix + "inner/").length());
      for (String outside : new String[] {inner, prefix + inner, prefix + "other/" + inner}) {
        raw.putObject(r -> r.bucket(BUCKET).key(outside), RequestBody.fromString(HELLO));
      }

      assertThat(store.contains(HELLO_SHA256)).isFalse();
      assertThatThrownBy(() -> store.open(HELLO_SHA256))
          .isInstanceOf(ArtifactNotFoundException.class)
          .hasMessageContaining("s3://" + BUCKET + "/" + prefix + "inner/sha256/08/");
    }
  }

  @Test
  void stagingLeftovers_olderThanTheAge_areRemovedAndOnlyThose() {
    String prefix = prefix();
    MutableClock clock = new MutableClock(Instant.now());
    try (S3ArtifactStore store = S3.storeBuilder(BUCKET).prefix(prefix).clock(clock).build()) {
      String crashed = prefix + "tmp/" + UUID.randomUUID();
      raw.putObject(r -> r.bucket(BUCKET).key(crashed), RequestBody.fromString("x"));
      raw.putObject(r -> r.bucket(BUCKET).key(prefix + "kept"), RequestBody.fromString("x"));
      raw.putObject(r -> r.bucket(BUCKET).key("elsewhere/tmp/x"), RequestBody.fromString("x"));
      String upload =
          raw.createMultipartUpload(r -> r.bucket(BUCKET).key(prefix + "tmp/" + UUID.randomUUID()))
              .uploadId();

      assertThat(store.removeStagingObjects(Duration.ofHours(1))).isZero();
      clock.advance(Duration.ofHours(2));
      int removed = store.removeStagingObjects(Duration.ofHours(1));

      assertThat(S3ArtifactStoreIT.keys(raw, BUCKET, prefix)).containsExactly(prefix + "kept");
      assertThat(S3ArtifactStoreIT.keys(raw, BUCKET, "elsewhere/"))
          .containsExactly("elsewhere/tmp/x");
      assertThat(raw.listMultipartUploads(r -> r.bucket(BUCKET).prefix(prefix)).uploads())
          .noneMatch(u -> u.uploadId().equals(upload));
      assertThat(removed).isEqualTo(2);
    }
  }

  @Test
  void incompleteUploadToAFinalKey_isAbortedButNotOtherKeys() {
    String prefix = prefix();
    MutableClock clock = new MutableClock(Instant.now());
    try (S3ArtifactStore store = S3.storeBuilder(BUCKET).prefix(prefix).clock(clock).build()) {
      String finalKey = store.key(HELLO_SHA256);
      String toFinal = raw.createMultipartUpload(r -> r.bucket(BUCKET).key(finalKey)).uploadId();
      String foreignTmp = prefix + "tmp/not-a-uuid";
      raw.putObject(r -> r.bucket(BUCKET).key(foreignTmp), RequestBody.fromString("x"));
      String toForeign =
          raw.createMultipartUpload(r -> r.bucket(BUCKET).key(prefix + "other/big")).uploadId();
      clock.advance(Duration.ofHours(2));

      int removed = store.removeStagingObjects(Duration.ofHours(1));

      assertThat(raw.listMultipartUploads(r -> r.bucket(BUCKET).prefix(prefix)).uploads())
          .extracting(u -> u.uploadId())
          .contains(toForeign)
          .doesNotContain(toFinal);
      assertThat(S3ArtifactStoreIT.keys(raw, BUCKET, prefix)).containsExactly(foreignTmp);
      assertThat(removed).isEqualTo(1);
      raw.abortMultipartUpload(r -> r.bucket(BUCKET).key(prefix + "other/big").uploadId(toForeign));
    }
  }

  @Test
  void removeStagingObjects_refusesAnAgeThatWouldAbortRunningPuts() {
    try (S3ArtifactStore store = S3.storeBuilder(BUCKET).prefix(prefix()).build()) {
      assertThatThrownBy(() -> store.removeStagingObjects(Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("olderThan");
      assertThatThrownBy(() -> store.removeStagingObjects(Duration.ofMinutes(1)))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void putInterruptedMidUpload_leavesNoUploadAndNoStagingObject() {
    String prefix = prefix();
    try (S3ArtifactStore store =
        S3.storeBuilder(BUCKET)
            .prefix(prefix)
            .multipartThreshold(0)
            .partSize(S3ArtifactStore.MIN_PART_SIZE)
            .build()) {
      // Interrupts the reading thread once the first part has been read, so that the second part's
      // upload fails on the interrupt flag and the cleanup runs on an interrupted thread.
      InputStream interrupting =
          new InputStream() {
            long served;

            @Override
            public int read() {
              byte[] one = new byte[1];
              return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
              if (served >= 3 * S3ArtifactStore.MIN_PART_SIZE) {
                return -1;
              }
              int n = (int) Math.min(len, 3 * S3ArtifactStore.MIN_PART_SIZE - served);
              if (served <= S3ArtifactStore.MIN_PART_SIZE
                  && served + n > S3ArtifactStore.MIN_PART_SIZE) {
                Thread.currentThread().interrupt();
              }
              java.util.Arrays.fill(b, off, off + n, (byte) 'x');
              served += n;
              return n;
            }
          };
      try {
        assertThatThrownBy(() -> store.put(interrupting))
            .isInstanceOf(ArtifactStoreException.class)
            .satisfies(e -> assertThat(e.getSuppressed()).isEmpty());
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
      } finally {
        Thread.interrupted();
      }

      assertThat(raw.listMultipartUploads(r -> r.bucket(BUCKET).prefix(prefix)).uploads())
          .isEmpty();
      assertThat(S3ArtifactStoreIT.keys(raw, BUCKET, prefix)).isEmpty();
    }
  }

  @Test
  void readOnlyStore_refusesToRemoveStagingObjects() {
    try (S3ArtifactStore store = S3.storeBuilder(BUCKET).readOnly(true).build()) {
      assertThatThrownBy(() -> store.removeStagingObjects(Duration.ZERO))
          .isInstanceOf(IllegalStateException.class);
    }
  }
}
