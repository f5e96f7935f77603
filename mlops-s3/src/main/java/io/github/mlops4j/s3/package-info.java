/**
 * An {@link io.github.mlops4j.artifacts.ArtifactStore} in an S3-compatible bucket (AWS S3, MinIO,
 * Ceph), so that several replicas of a service share their model artifacts: {@link
 * io.github.mlops4j.s3.S3ArtifactStore}, and {@link io.github.mlops4j.s3.S3ArtifactStoreProvider}
 * that opens one from its {@code s3://} location.
 *
 * @since 0.1.0
 */
@NullMarked
package io.github.mlops4j.s3;

import org.jspecify.annotations.NullMarked;
