package io.github.mlops4j.store;

import io.github.mlops4j.artifacts.ArtifactObject;
import io.github.mlops4j.artifacts.ArtifactStore;
import io.github.mlops4j.artifacts.StoredArtifact;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;

/** An artifact store seen through a {@link OpenMode#READ_ONLY} store: every put is refused. */
final class ReadOnlyArtifactStore implements ArtifactStore {
  private final ArtifactStore delegate;

  private ReadOnlyArtifactStore(ArtifactStore delegate) {
    this.delegate = delegate;
  }

  /** {@code store} itself if it is read-only already, else a read-only view of it. */
  static ArtifactStore of(ArtifactStore store) {
    return store.isReadOnly() ? store : new ReadOnlyArtifactStore(store);
  }

  @Override
  public StoredArtifact put(InputStream in) {
    throw refused();
  }

  @Override
  public StoredArtifact put(Path file) {
    throw refused();
  }

  private IllegalStateException refused() {
    return new IllegalStateException(
        "The workspace was opened read-only (OpenMode.READ_ONLY); nothing can be stored in its"
            + " artifact store "
            + WorkspaceSettings.quote(delegate.location()));
  }

  @Override
  public boolean contains(String digest) {
    return delegate.contains(digest);
  }

  @Override
  public InputStream open(String digest) {
    return delegate.open(digest);
  }

  @Override
  public void verify(String digest) {
    delegate.verify(digest);
  }

  @Override
  public Stream<ArtifactObject> list() {
    return delegate.list();
  }

  @Override
  public boolean delete(String digest, Instant unchangedSince) {
    throw refused();
  }

  @Override
  public boolean isReadOnly() {
    return true;
  }

  @Override
  public String location() {
    return delegate.location();
  }

  @Override
  public String toString() {
    return "ReadOnly[" + delegate + "]";
  }
}
