package io.github.mlops4j.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.artifacts.ArtifactStoreProvider;
import java.net.URI;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** Locations round-trip through the provider; anything else is refused with a bounded message. */
class S3ArtifactStoreProviderTest {
  private final S3ArtifactStoreProvider provider = new S3ArtifactStoreProvider();

  @Test
  void serviceLoader_findsTheProviderForS3() {
    assertThat(
            ServiceLoader.load(ArtifactStoreProvider.class).stream().map(p -> p.type().getName()))
        .contains(S3ArtifactStoreProvider.class.getName());
    assertThat(provider.schemes()).containsExactly("s3");
  }

  @Test
  void location_roundTripsThroughTheProvider() {
    List<S3ArtifactStore.Builder> builders =
        List.of(
            S3ArtifactStore.builder().bucket("models").region("eu-west-1"),
            S3ArtifactStore.builder().bucket("models").prefix("team/a").region("eu-west-1"),
            S3ArtifactStore.builder()
                .bucket("ml.bucket-1")
                .prefix("x/y/")
                .endpoint(URI.create("http://minio.internal:9000/"))
                .pathStyle(true),
            S3ArtifactStore.builder()
                .bucket("ceph")
                .endpoint(URI.create("https://rgw.example.org"))
                .region("default"));
    for (S3ArtifactStore.Builder b : builders) {
      try (S3ArtifactStore store = b.build()) {
        String location = store.location();
        try (S3ArtifactStore reopened = (S3ArtifactStore) provider.open(URI.create(location))) {
          assertThat(reopened.location()).isEqualTo(location);
        }
      }
    }
    try (S3ArtifactStore store = builders.get(2).build()) {
      assertThat(store.location())
          .isEqualTo(
              "s3://ml.bucket-1/x/y/?endpoint=http%3A%2F%2Fminio.internal%3A9000"
                  + "&pathStyle=true&region=us-east-1");
    }
  }

  @Test
  void location_namesNoCredentials() {
    try (S3ArtifactStore store =
        S3ArtifactStore.builder()
            .bucket("models")
            .endpoint(URI.create("http://127.0.0.1:9000"))
            .credentials(S3Server.credentials())
            .build()) {
      assertThat(store.location())
          .doesNotContain(S3Server.ACCESS_KEY)
          .doesNotContain(S3Server.SECRET_KEY);
    }
  }

  @Test
  void malformedOrHostileLocations_areRefusedWithABoundedMessage() {
    String huge = "a".repeat(5000);
    List<String> bad =
        List.of(
            "s3://",
            "s3:models",
            "http://models/",
            "s3://Models/",
            "s3://ab/",
            "s3://user:secret@models/",
            "s3://models:9000/",
            "s3://models/p#fragment",
            "s3://models/p",
            "s3://models//",
            "s3://models/a/../b/",
            "s3://models/%2e%2e/",
            "s3://models/?region=eu-west-1&region=us-east-1",
            "s3://models/?token=secret",
            "s3://models/?region",
            "s3://models/?pathStyle=yes",
            "s3://models/?endpoint=ftp%3A%2F%2Fhost",
            "s3://models/?endpoint=http%3A%2F%2Fu%3Ap%40host",
            "s3://models/?endpoint=http%3A%2F%2Fhost%2Fpath",
            "s3://models/?endpoint=%zz",
            "s3://models/?region=EU%0AWEST",
            "s3://models/" + huge + "/",
            "s3://models/?region=" + huge);
    for (String location : bad) {
      assertThatThrownBy(() -> provider.open(URI.create(location)))
          .as(location.length() > 80 ? location.substring(0, 80) : location)
          .isInstanceOf(IllegalArgumentException.class)
          .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(500));
    }
  }
}
