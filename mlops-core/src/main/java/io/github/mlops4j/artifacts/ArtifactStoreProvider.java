package io.github.mlops4j.artifacts;

import java.net.URI;
import java.util.Set;

/**
 * Opens an {@link ArtifactStore} from its {@link ArtifactStore#location() location}, so that a
 * process that opens a shared workspace finds the artifact store the workspace names. Found with
 * {@link java.util.ServiceLoader}; an optional module such as {@code mlops-s3} provides one for its
 * scheme.
 *
 * <p>A location carries everything needed to reach the store except secrets: credentials come from
 * the provider's own configuration (for S3, the SDK's default credential chain).
 *
 * @since 0.1.0
 */
public interface ArtifactStoreProvider {
  /** The URI schemes this provider opens, lowercase, for example {@code s3}. */
  Set<String> schemes();

  /**
   * Opens the store at {@code location}, a URI with one of {@link #schemes()} as returned by {@link
   * ArtifactStore#location()}.
   *
   * @throws IllegalArgumentException if the location is malformed
   * @throws ArtifactStoreException if the store cannot be reached
   */
  ArtifactStore open(URI location);
}
