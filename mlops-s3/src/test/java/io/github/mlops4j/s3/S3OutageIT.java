package io.github.mlops4j.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.artifacts.ArtifactStoreException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The server goes away and comes back: clear errors meanwhile, then the store works again. */
class S3OutageIT {
  @RegisterExtension static final S3Server S3 = new S3Server();

  @Test
  void outage_givesClearErrors_andTheStoreRecoversWhenTheServerReturns() throws IOException {
    S3.createBucket("outage");
    byte[] hello = "hello, mlops4j\n".getBytes(UTF_8);
    try (S3ArtifactStore store =
        S3.storeBuilder("outage")
            .prefix("models/")
            .maxAttempts(2)
            .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(5))
            .timeouts(Duration.ofSeconds(5), Duration.ofSeconds(30))
            .build()) {
      String digest = store.put(new ByteArrayInputStream(hello)).digest();

      S3.stop();
      try {
        assertThatThrownBy(() -> store.open(digest))
            .isInstanceOf(ArtifactStoreException.class)
            .hasMessageContaining("cannot read s3://outage/models/sha256/" + digest.substring(0, 2))
            .hasMessageContaining(store.location());
        assertThatThrownBy(() -> store.put(new ByteArrayInputStream(new byte[] {1, 2, 3})))
            .isInstanceOf(ArtifactStoreException.class)
            .hasMessageContaining(store.location());
      } finally {
        S3.restart();
      }

      try (InputStream in = store.open(digest)) {
        assertThat(in.readAllBytes()).isEqualTo(hello);
      }
      assertThat(store.put(new ByteArrayInputStream(new byte[] {1, 2, 3})).sizeBytes())
          .isEqualTo(3);
    }
  }
}
