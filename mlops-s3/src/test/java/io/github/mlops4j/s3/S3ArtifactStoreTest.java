package io.github.mlops4j.s3;

import static org.assertj.core.api.Assertions.assertThat;
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
    assertThatThrownBy(() -> b.singlePutLimit(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("singlePutLimit");
    assertThatThrownBy(() -> b.singlePutLimit(S3ArtifactStore.MAX_SINGLE_PUT + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.bucket("a/b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.prefix("/abs")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.prefix("a/../b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.prefix("a b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.endpoint(URI.create("http://host/path")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void clientWithUserInfoOrPathInItsEndpoint_isRefusedWithoutShowingTheSecret() {
    for (String endpoint :
        new String[] {"http://user:s3cr3t@localhost:9000", "http://localhost:9000/base"}) {
      try (S3Client client = client(URI.create(endpoint))) {
        assertThatThrownBy(() -> S3ArtifactStore.builder().bucket("models").client(client))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("the client's endpoint override")
            .hasMessageNotContaining("s3cr3t");
      }
    }
  }

  @Test
  void clientEndpoint_isNamedInTheLocationWithoutItsTrailingSlash() {
    try (S3Client client = client(URI.create("http://localhost:9000/"));
        S3ArtifactStore store = S3ArtifactStore.builder().bucket("models").client(client).build()) {
      assertThat(store.location())
          .isEqualTo("s3://models/?endpoint=http%3A%2F%2Flocalhost%3A9000&region=us-east-1");
    }
  }

  private static S3Client client(URI endpoint) {
    return S3Client.builder()
        .region(Region.US_EAST_1)
        .endpointOverride(endpoint)
        .credentialsProvider(S3Server.credentials())
        .httpClientBuilder(
            software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder())
        .build();
  }
}
