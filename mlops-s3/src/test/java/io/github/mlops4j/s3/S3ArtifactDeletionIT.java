package io.github.mlops4j.s3;

import io.github.mlops4j.artifacts.ArtifactDeletionContract;
import io.github.mlops4j.artifacts.ArtifactStore;
import io.github.mlops4j.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Listing and conditional deletion of the S3 store against s3proxy. S3 cannot backdate an object,
 * so an object is aged by moving the store's clock, and a cutoff after its LastModified is found by
 * writing probe objects until the server's clock has passed that second.
 */
class S3ArtifactDeletionIT extends ArtifactDeletionContract {
  @RegisterExtension static final S3Server S3 = new S3Server();
  static final String BUCKET = "deletion";

  private static S3Client raw;
  private final MutableClock clock = new MutableClock(Instant.now());
  private S3ArtifactStore store;
  private S3ArtifactStore readOnly;
  private String prefix;

  @BeforeAll
  static void createBucket() {
    S3.createBucket(BUCKET);
    raw = S3.newClient();
  }

  @AfterAll
  static void closeClient() {
    raw.close();
  }

  @BeforeEach
  void openStore() {
    prefix = "d-" + UUID.randomUUID() + "/";
    store = S3.storeBuilder(BUCKET).prefix(prefix).clock(clock).build();
    readOnly = S3.storeBuilder(BUCKET).prefix(prefix).readOnly(true).build();
  }

  @AfterEach
  void closeStores() {
    store.close();
    readOnly.close();
  }

  @Override
  protected ArtifactStore store() {
    return store;
  }

  @Override
  protected ArtifactStore readOnlyStore() {
    return readOnly;
  }

  @Override
  protected Instant modified(String digest) {
    return raw.headObject(r -> r.bucket(BUCKET).key(store.key(digest))).lastModified();
  }

  @Override
  protected Instant age(String digest) {
    Instant written = modified(digest);
    clock.advance(Duration.ofHours(2));
    String probe = prefix + "probe";
    for (int i = 0; i < 100_000; i++) { // bounded: the server's clock passes a second boundary
      raw.putObject(r -> r.bucket(BUCKET).key(probe), RequestBody.fromString("probe"));
      Instant now = raw.headObject(r -> r.bucket(BUCKET).key(probe)).lastModified();
      if (now.isAfter(written)) {
        raw.deleteObject(r -> r.bucket(BUCKET).key(probe));
        return now;
      }
    }
    throw new AssertionError("the server's clock did not move (safety net)");
  }

  @Override
  protected List<String> leftovers() {
    return raw
        .listObjectsV2Paginator(r -> r.bucket(BUCKET).prefix(prefix + S3ArtifactStore.STAGING))
        .contents()
        .stream()
        .map(S3Object::key)
        .toList();
  }
}
