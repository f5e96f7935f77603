package io.github.mlops4j.s3;

import io.github.mlops4j.artifacts.ArtifactStore;
import io.github.mlops4j.artifacts.ArtifactStoreContract;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The {@link ArtifactStore} contract for the S3 store, against s3proxy (a real S3 API server), with
 * a small multipart threshold so that large content goes through multipart uploads and staging.
 */
class S3ArtifactStoreIT extends ArtifactStoreContract {
  @RegisterExtension static final S3Server S3 = new S3Server();
  static final String BUCKET = "contract";

  private static S3Client raw;
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
    prefix = "t-" + UUID.randomUUID() + "/";
    store =
        configure(
                S3.storeBuilder(BUCKET)
                    .prefix(prefix)
                    .multipartThreshold(1 << 20)
                    .partSize(S3ArtifactStore.MIN_PART_SIZE))
            .build();
    readOnly = S3.storeBuilder(BUCKET).prefix(prefix).readOnly(true).build();
  }

  /** Further settings of the writable store, for subclasses. */
  S3ArtifactStore.Builder configure(S3ArtifactStore.Builder builder) {
    return builder;
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
  protected void overwrite(String digest, byte[] content) {
    raw.putObject(r -> r.bucket(BUCKET).key(store.key(digest)), RequestBody.fromBytes(content));
  }

  @Override
  protected Set<String> storedDigests() {
    String objects = prefix + S3ArtifactStore.OBJECTS;
    return keys(objects).stream()
        .map(k -> k.substring(objects.length()).replace("/", ""))
        .collect(Collectors.toSet());
  }

  @Override
  protected List<String> leftovers() {
    List<String> left = new ArrayList<>(keys(prefix + S3ArtifactStore.STAGING));
    for (MultipartUpload u :
        raw.listMultipartUploadsPaginator(r -> r.bucket(BUCKET).prefix(prefix)).uploads()) {
      left.add("upload " + u.key());
    }
    return left;
  }

  @Override
  protected int largeSize() {
    return (int) (2 * S3ArtifactStore.MIN_PART_SIZE + (1 << 20) + 17);
  }

  private static List<String> keys(String prefix) {
    return keys(raw, BUCKET, prefix);
  }

  /** The object keys under {@code prefix}. */
  static List<String> keys(S3Client client, String bucket, String prefix) {
    List<String> keys = new ArrayList<>();
    for (S3Object o :
        client.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents()) {
      if (!o.key().endsWith("/")) { // s3proxy's filesystem store lists its directories too
        keys.add(o.key());
      }
    }
    return keys;
  }
}
