package io.github.mlops4j.store;

import io.github.mlops4j.artifacts.ArtifactStore;
import io.github.mlops4j.artifacts.ArtifactStoreProvider;
import io.github.mlops4j.artifacts.DirectoryArtifactStore;
import io.github.mlops4j.artifacts.StoredArtifact;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Set;

/**
 * An {@link ArtifactStoreProvider} for tests, registered in this module's test resources ({@code
 * META-INF/services}): the scheme {@value #SCHEME} names a real {@link DirectoryArtifactStore} by
 * its absolute path ({@code mlops-test-dir:/tmp/x/}), so a store reached through the provider
 * lookup keeps real objects.
 */
public final class TestSchemeProvider implements ArtifactStoreProvider {
  /** The scheme this provider opens. */
  public static final String SCHEME = "mlops-test-dir";

  @Override
  public Set<String> schemes() {
    return Set.of(SCHEME);
  }

  @Override
  public ArtifactStore open(URI location) {
    String path = location.getPath();
    if (!SCHEME.equals(location.getScheme()) || path == null || !path.startsWith("/")) {
      throw new IllegalArgumentException("not an absolute " + SCHEME + " location: " + location);
    }
    return new SchemeStore(DirectoryArtifactStore.open(Path.of(path)));
  }

  /** A store under the test scheme over {@code root}. */
  public static ArtifactStore at(Path root) {
    return new SchemeStore(DirectoryArtifactStore.open(root));
  }

  /** A directory store that names itself with the test scheme. */
  static final class SchemeStore implements ArtifactStore {
    private final DirectoryArtifactStore directory;

    SchemeStore(DirectoryArtifactStore directory) {
      this.directory = directory;
    }

    DirectoryArtifactStore directory() {
      return directory;
    }

    @Override
    public StoredArtifact put(InputStream in) {
      return directory.put(in);
    }

    @Override
    public StoredArtifact put(Path file) {
      return directory.put(file);
    }

    @Override
    public boolean contains(String digest) {
      return directory.contains(digest);
    }

    @Override
    public InputStream open(String digest) {
      return directory.open(digest);
    }

    @Override
    public void verify(String digest) {
      directory.verify(digest);
    }

    @Override
    public boolean isReadOnly() {
      return false;
    }

    @Override
    public String location() {
      return SCHEME + ":" + directory.root().toUri().getRawPath();
    }
  }
}
