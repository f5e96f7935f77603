package io.github.mlops4j.s3;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** Builder checks, without a server. */
class S3ArtifactStoreTest {
  @Test
  void missingBucket_saysWhatToCall() {
    assertThatThrownBy(() -> S3ArtifactStore.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("S3ArtifactStore.Builder: bucket is required; call bucket(name)");
  }

  @Test
  void clientAndConnectionSettings_excludeEachOther() {
    try (S3Client client =
        S3Client.builder()
            .region(Region.US_EAST_1)
            .credentialsProvider(S3Server.credentials())
            .httpClientBuilder(
                software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder())
            .build()) {
      assertThatThrownBy(
              () ->
                  S3ArtifactStore.builder()
                      .bucket("models")
                      .client(client)
                      .endpoint(URI.create("http://localhost:9000"))
                      .build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("client(...) excludes endpoint");
    }
  }

  @Test
  void invalidSettings_areRefusedEagerly() {
    S3ArtifactStore.Builder b = S3ArtifactStore.builder();
    assertThatThrownBy(() -> b.partSize(S3ArtifactStore.MIN_PART_SIZE - 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("partSize");
    assertThatThrownBy(() -> b.maxAttempts(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.bucket("a/b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.prefix("/abs")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.prefix("a/../b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.prefix("a b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.endpoint(URI.create("http://host/path")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
