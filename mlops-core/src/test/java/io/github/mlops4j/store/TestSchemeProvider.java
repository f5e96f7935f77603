package io.github.mlops4j.store;

import io.github.mlops4j.artifacts.ArtifactStore;
import io.github.mlops4j.artifacts.ArtifactStoreProvider;
import io.github.mlops4j.artifacts.DirectoryArtifactStore;
import io.github.mlops4j.artifacts.StoredArtifact;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

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
    SchemeStore opened = new SchemeStore(DirectoryArtifactStore.open(Path.of(path)));
    OPEN.merge(opened.location(), 1, Integer::sum);
    return opened;
  }

  /** Stores this provider opened and that were not closed yet, by location. */
  private static final Map<String, Integer> OPEN = new ConcurrentHashMap<>();

  /** How many stores this provider opened at {@code root} are not closed yet. */
  public static int openAt(Path root) {
    return OPEN.getOrDefault(at(root).location(), 0);
  }

  /** A store under the test scheme over {@code root}. */
  public static ArtifactStore at(Path root) {
    return new SchemeStore(DirectoryArtifactStore.open(root));
  }

  /**
   * A directory store that names itself with the test scheme; closeable, like a store that owns a
   * client, so that tests see whether its owner closes it.
   */
  static final class SchemeStore implements ArtifactStore, AutoCloseable {
    private final DirectoryArtifactStore directory;
    private final AtomicBoolean closed = new AtomicBoolean();

    SchemeStore(DirectoryArtifactStore directory) {
      this.directory = directory;
    }

    DirectoryArtifactStore directory() {
      return directory;
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        OPEN.computeIfPresent(location(), (k, n) -> n > 1 ? n - 1 : null);
      }
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
