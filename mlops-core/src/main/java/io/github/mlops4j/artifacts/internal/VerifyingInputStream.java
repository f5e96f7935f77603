package io.github.mlops4j.artifacts.internal;

import io.github.mlops4j.artifacts.ArtifactCorruptedException;
import io.github.mlops4j.internal.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Hashes what passes through and checks it against the object's name at the end: instead of
 * reporting the end of a stream whose SHA-256 differs from the digest it was opened for, it throws
 * {@link ArtifactCorruptedException} (again on every later read). Shared by the artifact stores of
 * mlops4j; not API.
 */
public final class VerifyingInputStream extends InputStream {
  private final InputStream in;
  private final MessageDigest md = Sha256.newDigest();
  private final String digest;
  private final String location;
  private boolean ended;
  private @Nullable String actual;

  /**
   * @param in the object's content, closed by {@link #close()}
   * @param digest the SHA-256 (lowercase hex) the content must have
   * @param location where the content is read from (a file or an object URI), for messages
   */
  public VerifyingInputStream(InputStream in, String digest, String location) {
    this.in = Objects.requireNonNull(in, "in");
    this.digest = Objects.requireNonNull(digest, "digest");
    this.location = Objects.requireNonNull(location, "location");
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b < 0) {
      return end();
    }
    md.update((byte) b);
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    int n = in.read(b, off, len);
    if (n < 0) {
      return end();
    }
    md.update(b, off, n);
    return n;
  }

  /** Skipped bytes are read and hashed too, so that the end can still be verified. */
  @Override
  public long skip(long n) throws IOException {
    if (n <= 0) {
      return 0;
    }
    byte[] scratch = new byte[(int) Math.min(n, 64 * 1024)];
    long skipped = 0;
    while (skipped < n) {
      int r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped;
  }

  @Override
  public int available() throws IOException {
    return in.available();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private int end() {
    if (!ended) {
      ended = true;
      String hash = Sha256.hex(md.digest());
      actual = hash.equals(digest) ? null : hash;
    }
    if (actual != null) {
      throw new ArtifactCorruptedException(digest, digest, actual, location);
    }
    return -1;
  }
}
