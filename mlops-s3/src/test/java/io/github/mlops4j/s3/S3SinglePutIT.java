package io.github.mlops4j.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.artifacts.ArtifactStoreException;
import io.github.mlops4j.artifacts.StoredArtifact;
import io.github.mlops4j.internal.Sha256;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Content on disk above the multipart threshold is uploaded with one PutObject streamed from the
 * file, checked against its digest as it is read; above the single-put limit in parts. Against
 * s3proxy, with a client that records every attempt of every request.
 */
class S3SinglePutIT {
  @RegisterExtension static final S3Server S3 = new S3Server();
  static final String BUCKET = "single-put";
  static final int THRESHOLD = 1 << 20;
  static final int SIZE = 3 * THRESHOLD + 17;

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

  /** Operation names of the attempts sent, in order; a retry is recorded again. */
  private final List<String> sent = new CopyOnWriteArrayList<>();

  /** Called before each attempt is sent, with the number of PutObject attempts so far. */
  private IntConsumer beforePut = n -> {};

  /**
   * Called with the number of the PutObject body stream (1 for the first attempt) once the SDK has
   * read the first bytes of that stream, while the rest of the file is still to be sent.
   */
  private IntConsumer midUpload = n -> {};

  private final AtomicInteger bodyStreams = new AtomicInteger();

  private S3Client recordingClient(int maxAttempts) {
    ExecutionInterceptor recorder =
        new ExecutionInterceptor() {
          @Override
          public void beforeTransmission(
              Context.BeforeTransmission context, ExecutionAttributes attributes) {
            String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
            sent.add(operation);
            if (operation.equals("PutObject")) {
              beforePut.accept((int) sent.stream().filter(operation::equals).count());
            }
          }

          @Override
          public Optional<RequestBody> modifyHttpContent(
              Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
            Optional<RequestBody> body = context.requestBody();
            if (!(context.request() instanceof PutObjectRequest) || body.isEmpty()) {
              return body;
            }
            RequestBody original = body.get();
            return Optional.of(
                RequestBody.fromContentProvider(
                    () -> midUploadHook(original.contentStreamProvider().newStream()),
                    original.optionalContentLength().orElseThrow(),
                    original.contentType()));
          }
        };
    return S3Client.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .endpointOverride(S3.endpoint())
        .region(Region.of(S3Server.REGION))
        .forcePathStyle(true)
        .credentialsProvider(S3Server.credentials())
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .overrideConfiguration(
            o ->
                o.addExecutionInterceptor(recorder)
                    .retryStrategy(
                        r ->
                            r.maxAttempts(maxAttempts)
                                .backoffStrategy(BackoffStrategy.fixedDelay(Duration.ofMillis(1)))))
        .build();
  }

  /** {@code in}, calling {@link #midUpload} after its first bytes were read. */
  private InputStream midUploadHook(InputStream in) {
    int stream = bodyStreams.incrementAndGet();
    return new FilterInputStream(in) {
      private boolean called;

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0 && !called) {
          called = true;
          midUpload.accept(stream);
        }
        return n;
      }
    };
  }

  /** Changes the last byte of {@code file} in place (no truncation). */
  private static void flipLastByte(Path file) {
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer last = ByteBuffer.allocate(1);
      ch.read(last, ch.size() - 1);
      last.put(0, (byte) (last.get(0) ^ 1)).rewind();
      ch.write(last, ch.size() - 1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private S3ArtifactStore.Builder store(S3Client client) {
    return S3ArtifactStore.builder()
        .client(client)
        .bucket(BUCKET)
        .prefix("t-" + UUID.randomUUID() + "/")
        .multipartThreshold(THRESHOLD)
        .partSize(S3ArtifactStore.MIN_PART_SIZE);
  }

  private static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static void rewrite(Path file, byte[] content) {
    try {
      Files.write(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] read(S3ArtifactStore store, String digest) throws IOException {
    try (InputStream in = store.open(digest)) {
      return in.readAllBytes();
    }
  }

  @Test
  void fileAboveTheThreshold_isOnePutObjectFromDisk() throws IOException {
    byte[] content = random(SIZE, 1);
    Path file = Files.write(temp.resolve("model.bin"), content);
    try (S3Client client = recordingClient(3);
        S3ArtifactStore store = store(client).build()) {
      sent.clear();

      StoredArtifact stored = store.put(file);

      assertThat(stored).isEqualTo(new StoredArtifact(Sha256.of(content), SIZE));
      assertThat(sent).containsExactly("HeadObject", "PutObject");
      store.verify(stored.digest());
      assertThat(read(store, stored.digest())).isEqualTo(content);
      assertThat(raw.headObject(r -> r.bucket(BUCKET).key(store.key(stored.digest()))).metadata())
          .containsEntry("sha256", stored.digest());
    }
  }

  @Test
  void fileAboveTheSinglePutLimit_isUploadedInParts() throws IOException {
    byte[] content = random(2 * (int) S3ArtifactStore.MIN_PART_SIZE + 5, 2);
    Path file = Files.write(temp.resolve("model.bin"), content);
    try (S3Client client = recordingClient(3);
        S3ArtifactStore store = store(client).singlePutLimit(2 * THRESHOLD).build()) {
      sent.clear();

      StoredArtifact stored = store.put(file);

      assertThat(sent)
          .containsExactly(
              "HeadObject",
              "CreateMultipartUpload",
              "UploadPart",
              "UploadPart",
              "UploadPart",
              "CompleteMultipartUpload");
      assertThat(read(store, stored.digest())).isEqualTo(content);
    }
  }

  @Test
  void spooledStream_isOnePutObjectFromTheSpoolFile() throws IOException {
    byte[] content = random(SIZE, 3);
    Path spool = Files.createDirectories(temp.resolve("spool"));
    try (S3Client client = recordingClient(3);
        S3ArtifactStore store = store(client).spoolDirectory(spool).build()) {
      sent.clear();

      StoredArtifact stored = store.put(new ByteArrayInputStream(content));

      assertThat(sent).containsExactly("HeadObject", "PutObject");
      assertThat(read(store, stored.digest())).isEqualTo(content);
      try (var left = Files.list(spool)) {
        assertThat(left).isEmpty();
      }
    }
  }

  @Test
  void fileChangedAfterHashing_failsEveryAttemptAndStoresNothing() throws IOException {
    byte[] content = random(SIZE, 4);
    byte[] sameSize = random(SIZE, 5);
    byte[] shorter = Arrays.copyOf(content, SIZE - 1);
    byte[] longer = Arrays.copyOf(content, SIZE + 1);
    for (byte[] changed : List.of(sameSize, shorter, longer)) {
      Path file = Files.write(temp.resolve("model-" + changed.length + ".bin"), content);
      Consumer<Path> rewrite = f -> rewrite(f, changed);
      try (S3Client client = recordingClient(3);
          S3ArtifactStore store = store(client).afterHashing(rewrite).build()) {
        sent.clear();
        String key = store.key(Sha256.of(content));

        assertThatThrownBy(() -> store.put(file))
            .isInstanceOf(ArtifactStoreException.class)
            .hasMessageContaining(file.toString())
            .hasMessageContaining("changed while it was uploaded to " + store.uri(key))
            .hasMessageContaining("nothing was stored")
            .cause()
            .isInstanceOf(SdkClientException.class)
            .hasRootCauseInstanceOf(VerifiedFileBody.ContentChangedException.class)
            // every retry read the file again from its start and found it changed too
            .satisfies(
                e ->
                    assertThat(e.getSuppressed())
                        .hasSize(2)
                        .allSatisfy(
                            s ->
                                assertThat(s).hasMessageContaining("changed after it was hashed")));

        assertThat(sent).containsExactly("HeadObject", "PutObject", "PutObject", "PutObject");
        assertThat(store.contains(Sha256.of(content))).isFalse();
        assertThatThrownBy(() -> raw.headObject(r -> r.bucket(BUCKET).key(key)))
            .isInstanceOf(NoSuchKeyException.class);
      }
    }
  }

  @Test
  void retryAfterAChangedAttempt_readsTheFileAgainFromItsStart() throws IOException {
    byte[] content = random(SIZE, 6);
    Path file = Files.write(temp.resolve("model.bin"), content);
    // The first attempt reads other bytes and is refused before its last bytes are sent; the file
    // is back to the hashed content when the second attempt starts.
    beforePut = attempt -> rewrite(file, attempt == 1 ? random(SIZE, 7) : content);
    try (S3Client client = recordingClient(3);
        S3ArtifactStore store = store(client).build()) {
      sent.clear();

      StoredArtifact stored = store.put(file);

      assertThat(sent).containsExactly("HeadObject", "PutObject", "PutObject");
      store.verify(stored.digest());
      assertThat(read(store, stored.digest())).isEqualTo(content);
    }
  }

  /**
   * Larger than the body's read-ahead (four 1 MiB buffers), so its end is read after the change.
   */
  static final int LARGE = 12 * THRESHOLD + 5;

  @Test
  void fileChangedWhileItIsSent_isRefusedAndNothingIsVisible() throws IOException {
    byte[] content = random(LARGE, 8);
    Path file = Files.write(temp.resolve("model.bin"), content);
    midUpload = stream -> flipLastByte(file);
    try (S3Client client = recordingClient(1);
        S3ArtifactStore store = store(client).build()) {
      sent.clear();
      String key = store.key(Sha256.of(content));

      assertThatThrownBy(() -> store.put(file))
          .isInstanceOf(ArtifactStoreException.class)
          .hasMessageContaining("changed while it was uploaded to " + store.uri(key))
          .hasRootCauseInstanceOf(VerifiedFileBody.ContentChangedException.class);

      assertThat(sent).containsExactly("HeadObject", "PutObject");
      assertThat(bodyStreams).hasValue(1);
      assertThat(store.contains(Sha256.of(content))).isFalse();
      assertThatThrownBy(() -> raw.headObject(r -> r.bucket(BUCKET).key(key)))
          .isInstanceOf(NoSuchKeyException.class);
    }
  }

  @Test
  void retryAfterAChangeWhileSending_readsAndVerifiesTheFileAgain() throws IOException {
    byte[] content = random(LARGE, 9);
    Path file = Files.write(temp.resolve("model.bin"), content);
    // The first attempt is refused when the change is found; the second starts from a restored
    // file with a fresh read and hash, and is sent complete.
    midUpload =
        stream -> {
          if (stream == 1) {
            flipLastByte(file);
          }
        };
    beforePut = attempt -> rewrite(file, content);
    try (S3Client client = recordingClient(2);
        S3ArtifactStore store = store(client).build()) {
      sent.clear();

      StoredArtifact stored = store.put(file);

      assertThat(sent).containsExactly("HeadObject", "PutObject", "PutObject");
      assertThat(bodyStreams).hasValue(2);
      assertThat(stored).isEqualTo(new StoredArtifact(Sha256.of(content), LARGE));
      assertThat(read(store, stored.digest())).isEqualTo(content);
    }
  }
}
