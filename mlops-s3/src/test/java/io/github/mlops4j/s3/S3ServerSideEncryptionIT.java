package io.github.mlops4j.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.artifacts.ArtifactStoreException;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The server-side encryption headers each write request of the S3 store carries, sent to a real
 * s3proxy. s3proxy (filesystem blob store) does not implement SSE: it answers {@code 501 Not
 * Implemented} to a write with these headers, so what S3 does with them is not tested here, only
 * that every write sends them and that the refusal is reported as an {@link
 * io.github.mlops4j.artifacts.ArtifactStoreException} with nothing stored.
 */
class S3ServerSideEncryptionIT {
  @RegisterExtension static final S3Server S3 = new S3Server();
  static final String BUCKET = "sse";

  @TempDir Path temp;

  @BeforeAll
  static void createBucket() {
    S3.createBucket(BUCKET);
  }

  /** Records the method, path and SSE headers of every request the client sends. */
  private static final class Recorder implements ExecutionInterceptor {
    final List<String> requests = new CopyOnWriteArrayList<>();

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes a) {
      SdkHttpRequest r = context.httpRequest();
      String query = r.rawQueryParameters().keySet().toString();
      requests.add(
          r.method()
              + " "
              + query
              + " sse="
              + r.firstMatchingHeader("x-amz-server-side-encryption").orElse("-")
              + " kms="
              + r.firstMatchingHeader("x-amz-server-side-encryption-aws-kms-key-id").orElse("-")
              + (r.firstMatchingHeader("x-amz-copy-source").isPresent() ? " copy" : ""));
    }
  }

  private static S3Client recordingClient(Recorder recorder) {
    return S3Client.builder()
        .httpClientBuilder(
            software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder())
        .endpointOverride(S3.endpoint())
        .region(software.amazon.awssdk.regions.Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(S3Server.credentials())
        .requestChecksumCalculation(
            software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(
            software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED)
        // s3proxy refuses these headers before reading the body, so a sender may see its
        // connection reset and retry: the test counts requests, so each is sent once.
        .overrideConfiguration(
            o ->
                o.addExecutionInterceptor(recorder)
                    .retryStrategy(
                        software.amazon.awssdk.awscore.retry.AwsRetryStrategy.doNotRetry()))
        .build();
  }

  @Test
  void sseS3_isSentOnPutObjectAndCreateMultipartUpload() throws Exception {
    assertThat(writes(b -> b.serverSideEncryptionS3()))
        .containsExactly("PUT [] sse=AES256 kms=-", "POST [uploads] sse=AES256 kms=-");
  }

  @Test
  void sseKms_sendsTheKeyIdOnPutObjectAndCreateMultipartUpload() throws Exception {
    assertThat(writes(b -> b.serverSideEncryptionKms("alias/mlops-artifacts")))
        .containsExactly(
            "PUT [] sse=aws:kms kms=alias/mlops-artifacts",
            "POST [uploads] sse=aws:kms kms=alias/mlops-artifacts");
  }

  @Test
  void withoutSse_noHeaderIsSent() throws Exception {
    Recorder recorder = new Recorder();
    try (S3Client client = recordingClient(recorder);
        S3ArtifactStore plain = S3ArtifactStore.builder().client(client).bucket(BUCKET).build()) {
      plain.put(new ByteArrayInputStream(new byte[] {1, 2, 3}));
    }
    assertThat(recorder.requests)
        .filteredOn(r -> r.startsWith("PUT"))
        .containsExactly("PUT [] sse=- kms=-");
  }

  /**
   * Puts a small object (PutObject) and a large stream (CreateMultipartUpload of a staging object)
   * through a store configured by {@code sse}; returns the write requests sent. s3proxy refuses
   * both; nothing is left in the bucket.
   */
  private List<String> writes(UnaryOperator<S3ArtifactStore.Builder> sse) {
    Recorder recorder = new Recorder();
    byte[] large = new byte[2 * (int) S3ArtifactStore.MIN_PART_SIZE + 7];
    new Random(2).nextBytes(large);
    String prefix = "p-" + java.util.UUID.randomUUID() + "/";
    try (S3Client client = recordingClient(recorder);
        S3ArtifactStore store =
            sse.apply(
                    S3ArtifactStore.builder()
                        .client(client)
                        .bucket(BUCKET)
                        .prefix(prefix)
                        .multipartThreshold(1 << 20)
                        .partSize(S3ArtifactStore.MIN_PART_SIZE))
                .build()) {
      // PutObject: s3proxy answers 501 as soon as it has read the headers and closes the
      // connection, so the client either reads that answer or fails on the connection while
      // still sending the body, depending on timing. Either way the write is refused and reported.
      assertThatThrownBy(() -> store.put(new ByteArrayInputStream(new byte[1000])))
          .isInstanceOf(ArtifactStoreException.class)
          .hasMessageContaining("cannot upload")
          .satisfiesAnyOf(
              e -> assertThat(e).hasMessageContaining("HTTP 501"),
              e -> assertThat(e).hasCauseInstanceOf(SdkClientException.class));
      // CreateMultipartUpload has no body: the 501 always arrives.
      assertThatThrownBy(() -> store.put(new ByteArrayInputStream(large)))
          .isInstanceOf(ArtifactStoreException.class)
          .hasMessageContaining("HTTP 501");
      assertThat(client.listObjectsV2(r -> r.bucket(BUCKET).prefix(prefix)).contents()).isEmpty();
    }
    return recorder.requests.stream()
        .filter(r -> r.startsWith("PUT") || r.startsWith("POST"))
        .toList();
  }

  @Test
  void kmsKeyId_isChecked() {
    assertThatThrownBy(() -> S3ArtifactStore.builder().serverSideEncryptionKms(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("keyId");
  }
}
