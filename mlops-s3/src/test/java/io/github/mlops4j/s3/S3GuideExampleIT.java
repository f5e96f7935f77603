package io.github.mlops4j.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.artifacts.ArtifactStore;
import io.github.mlops4j.artifacts.StoredArtifact;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/** The configuration shown in docs/s3.md, run against s3proxy. */
class S3GuideExampleIT {
  @RegisterExtension static final S3Server S3 = new S3Server();

  @TempDir Path temp;

  @Test
  void guideExample() throws IOException {
    S3.createBucket("ml-artifacts");
    URI endpoint = S3.endpoint();
    AwsCredentialsProvider credentials = S3Server.credentials();
    Path modelFile = Files.writeString(temp.resolve("model.bin"), "weights");

    // tag::s3-store[]
    S3ArtifactStore store =
        S3ArtifactStore.builder()
            .bucket("ml-artifacts")
            .prefix("prod/")
            .endpoint(endpoint) // MinIO, Ceph RGW, ...; omit for AWS S3
            .region("us-east-1")
            .pathStyle(true) // what most MinIO and Ceph setups need
            .credentials(credentials) // default: the SDK's default credential chain
            .maxAttempts(5) // retries with backoff on 503 SlowDown, 5xx, I/O errors
            .build();
    StoredArtifact stored = store.put(modelFile); // hash, HEAD, upload unless already there
    try (InputStream in = store.open(stored.digest())) { // SHA-256 checked at the end
      in.readAllBytes();
    }
    String location = store.location(); // s3://ml-artifacts/prod/?endpoint=...&pathStyle=true&...
    store.removeStagingObjects(Duration.ofDays(1)); // what crashed puts left under prod/tmp/
    store.close();
    // end::s3-store[]

    assertThat(stored.sizeBytes()).isEqualTo(7);
    assertThat(location).startsWith("s3://ml-artifacts/prod/?endpoint=");
    // Another process opens the same store from its location (credentials from its own chain).
    try (S3ArtifactStore reopened =
        S3ArtifactStoreProvider.builderFor(URI.create(location)).credentials(credentials).build()) {
      ArtifactStore same = reopened;
      assertThat(same.contains(stored.digest())).isTrue();
    }
  }
}
