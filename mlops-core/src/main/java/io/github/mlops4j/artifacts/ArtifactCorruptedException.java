package io.github.mlops4j.artifacts;

import io.github.mlops4j.MlopsException;

/**
 * The bytes of a stored object no longer hash to its name: the file was modified, truncated or
 * damaged after it was stored. The object should be restored from a copy, or deleted and put again.
 *
 * @since 0.1.0
 */
public final class ArtifactCorruptedException extends MlopsException {
  private static final long serialVersionUID = 1L;

  private final String digest;
  private final String expected;
  private final String actual;
  private final String path;

  /**
   * For {@link ArtifactStore} implementations.
   *
   * @param digest the digest the object is stored under
   * @param expected the SHA-256 the content should have
   * @param actual the SHA-256 of the content read
   * @param path where the object was read (a file, or an object URI)
   */
  public ArtifactCorruptedException(String digest, String expected, String actual, String path) {
    super(
        "artifact "
            + digest
            + " is corrupted: its content at "
            + path
            + " has SHA-256 "
            + actual
            + " but "
            + expected
            + " was expected; restore it from a copy, or delete the file and put the content"
            + " again");
    this.digest = digest;
    this.expected = expected;
    this.actual = actual;
    this.path = path;
  }

  /**
   * For {@link ArtifactStore} implementations that refuse an object before its content could be
   * hashed, for example an encrypted object whose authentication failed: {@link #actual()} is then
   * empty.
   *
   * @param digest the digest the object is stored under
   * @param path where the object was read (a file, or an object URI)
   * @param reason what was found wrong, without secrets
   * @since 0.1.0
   */
  public ArtifactCorruptedException(String digest, String path, String reason) {
    super(
        "artifact "
            + digest
            + " is corrupted: "
            + reason
            + " at "
            + path
            + "; restore it from a copy, or delete it and put the content again");
    this.digest = digest;
    this.expected = digest;
    this.actual = "";
    this.path = path;
  }

  /** The digest the object is stored under. */
  public String digest() {
    return digest;
  }

  /** The SHA-256 (64 lowercase hex) the content should have; the same as {@link #digest()}. */
  public String expected() {
    return expected;
  }

  /**
   * The SHA-256 (64 lowercase hex) of the content that was actually read, or an empty string when
   * the object was refused before its content could be hashed (an encrypted object that failed
   * authentication).
   */
  public String actual() {
    return actual;
  }

  /** Where the corrupted object was read: a file, or an object URI. */
  public String path() {
    return path;
  }
}
