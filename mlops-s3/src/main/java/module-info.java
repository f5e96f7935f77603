/**
 * mlops4j S3: an {@link io.github.mlops4j.artifacts.ArtifactStore} in an S3-compatible bucket, so
 * that the replicas of a service share their artifacts.
 *
 * @since 0.1.0
 */
// "module": the name ends in the digit of S3, which javac warns about.
@SuppressWarnings({"module", "requires-automatic", "requires-transitive-automatic"})
module io.github.mlops4j.s3 {
  exports io.github.mlops4j.s3;

  requires transitive io.github.mlops4j;
  requires transitive software.amazon.awssdk.services.s3;
  requires transitive software.amazon.awssdk.auth;
  requires transitive software.amazon.awssdk.identity.spi;
  requires transitive software.amazon.awssdk.regions;
  requires software.amazon.awssdk.core;
  requires software.amazon.awssdk.awscore;
  requires software.amazon.awssdk.http;
  requires software.amazon.awssdk.http.urlconnection;
  requires software.amazon.awssdk.retries.api;
  requires software.amazon.awssdk.retries;
  requires software.amazon.awssdk.utils;
  requires org.slf4j;
  requires static transitive org.jspecify;

  provides io.github.mlops4j.artifacts.ArtifactStoreProvider with
      io.github.mlops4j.s3.S3ArtifactStoreProvider;
}
