package io.github.mlops4j.artifacts;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;

/**
 * A content-addressed object store: every object is named by the SHA-256 of its bytes, so equal
 * content is stored once, objects never change once written, and any damage is detected on read.
 *
 * <p>{@link DirectoryArtifactStore} keeps objects in a local directory (the default of an embedded
 * workspace); the optional {@code mlops-s3} module keeps them in an S3-compatible bucket so that
 * several replicas of a service share them. Nothing else in mlops4j assumes an object is a local
 * file: models are read through {@link #open(String)}.
 *
 * <h2>Contract for implementations</h2>
 *
 * <ul>
 *   <li>{@link #put(InputStream)} streams the content while hashing it and makes the object visible
 *       under its digest only once it is complete: a reader never sees a partial object, even if
 *       the writer dies half-way. Putting content that is already stored is harmless.
 *   <li>{@link #open(String)} returns a stream that checks the SHA-256 of what it reads and throws
 *       {@link ArtifactCorruptedException} instead of reporting the end when it differs from the
 *       name; a missing object is {@link ArtifactNotFoundException}. A store that authenticates its
 *       content against the name by other means may skip the second hash ({@link
 *       EncryptedArtifactStore}'s Javadoc says how and what it trusts instead).
 *   <li>I/O failures are {@link ArtifactStoreException} naming the object and the operation.
 *   <li>A digest argument that is not 64 lowercase hex characters is {@link
 *       IllegalArgumentException}, before any I/O.
 *   <li>Implementations are safe to share between threads.
 *   <li>Optional, for purges and garbage collection: {@link #list()} and {@link #delete(String,
 *       Instant)}. A {@link #put} of content that is already stored renews the object's {@linkplain
 *       ArtifactObject#lastModified() modification time} (an implementation may skip renewing an
 *       object renewed within the last minute), so that a collector which looked at the object
 *       before the put does not delete it.
 * </ul>
 *
 * @since 0.1.0
 */
public interface ArtifactStore {
  /**
   * Stores everything {@code in} yields until its end and returns the digest and size. The stream
   * is read to its end but not closed: the caller owns it.
   *
   * @throws ArtifactStoreException if reading {@code in} fails or the object cannot be written
   * @throws IllegalStateException if the store is read-only
   */
  StoredArtifact put(InputStream in);

  /**
   * Stores the content of {@code file} and returns its digest and size.
   *
   * @throws ArtifactStoreException if {@code file} cannot be read or the object cannot be written
   * @throws IllegalStateException if the store is read-only
   */
  StoredArtifact put(Path file);

  /**
   * Whether an object named {@code digest} is stored. Does not read the content.
   *
   * @throws IllegalArgumentException if {@code digest} is not 64 lowercase hex characters
   */
  boolean contains(String digest);

  /**
   * Opens the object {@code digest} for reading. The stream hashes what it reads; at the end it
   * compares the hash with {@code digest} and throws {@link ArtifactCorruptedException} instead of
   * reporting the end if they differ ({@link EncryptedArtifactStore} authenticates every segment
   * and the end against {@code digest} instead). Only a stream read to its end is verified. Closing
   * the stream is the caller's job.
   *
   * @throws ArtifactNotFoundException if no such object is stored
   * @throws ArtifactStoreException if the object cannot be opened
   * @throws IllegalArgumentException if {@code digest} is not 64 lowercase hex characters
   */
  InputStream open(String digest);

  /**
   * Reads the whole object {@code digest} and checks that it still hashes to its name.
   *
   * @throws ArtifactCorruptedException if the content does not match
   * @throws ArtifactNotFoundException if no such object is stored
   * @throws ArtifactStoreException if the object cannot be read
   * @throws IllegalArgumentException if {@code digest} is not 64 lowercase hex characters
   */
  void verify(String digest);

  /** Whether this store refuses to put. */
  boolean isReadOnly();

  /**
   * A URI naming where the objects live, the same from every process that opens this store: {@code
   * file:///srv/ws/artifacts/} for a directory, {@code s3://bucket/prefix/} for a bucket. A
   * workspace records it so that processes configured with another store are refused.
   */
  String location();

  /**
   * Every object stored, with its size and modification time, in no particular order. The stream
   * reads lazily and must be closed (it may hold a directory handle or a connection). Objects put
   * or deleted while the stream is read may or may not be seen. Optional: the default throws.
   *
   * @throws UnsupportedOperationException if this store cannot list its objects
   * @throws ArtifactStoreException if the listing fails
   * @since 0.1.0
   */
  default Stream<ArtifactObject> list() {
    throw new UnsupportedOperationException(
        getClass().getName() + " cannot list its objects; purges need list() and delete()");
  }

  /**
   * Deletes the object {@code digest} unless it was stored or {@linkplain #put renewed by a put} at
   * or after {@code unchangedSince}. Returns whether this call deleted it ({@code false} when it is
   * absent or too recent). The check and the deletion are one step for concurrent puts: a put that
   * renews the object before the deletion keeps it, and a put that comes after the deletion stores
   * it again. Deleting is refused in a read-only store. Optional: the default throws.
   *
   * @throws UnsupportedOperationException if this store cannot delete objects
   * @throws ArtifactStoreException if the deletion fails
   * @throws IllegalArgumentException if {@code digest} is not 64 lowercase hex characters
   * @throws IllegalStateException if the store is read-only
   * @since 0.1.0
   */
  default boolean delete(String digest, Instant unchangedSince) {
    throw new UnsupportedOperationException(
        getClass().getName() + " cannot delete objects; purges need list() and delete()");
  }
}
