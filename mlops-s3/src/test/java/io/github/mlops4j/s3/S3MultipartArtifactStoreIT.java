package io.github.mlops4j.s3;

/**
 * The {@link io.github.mlops4j.artifacts.ArtifactStore} contract for the S3 store with a spool
 * directory and a single-put limit of 0: large files and spooled streams are uploaded in parts
 * (hashed again on the way), as content above the limit is.
 */
class S3MultipartArtifactStoreIT extends S3SpooledArtifactStoreIT {
  @Override
  S3ArtifactStore.Builder configure(S3ArtifactStore.Builder builder) {
    return super.configure(builder).singlePutLimit(0);
  }
}
