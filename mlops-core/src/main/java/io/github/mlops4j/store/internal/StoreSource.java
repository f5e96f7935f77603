package io.github.mlops4j.store.internal;

import io.github.mlops4j.artifacts.ArtifactStore;
import io.github.mlops4j.internal.Checks;
import io.github.mlops4j.store.OpenMode;
import io.github.mlops4j.store.Store;
import java.nio.file.Path;
import java.util.Objects;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Where a service's store comes from: an embedded workspace directory, a host {@link DataSource}
 * (with an artifact root or store, or opening the one its workspace names), or a {@link Store}
 * shared with other services. The builders of the mlops4j services delegate their {@code
 * workspace}, {@code dataSource}, {@code artifactRoot}, {@code artifactStore} and {@code store}
 * options to one of these. Not thread-safe, like a builder.
 */
public final class StoreSource {
  private @Nullable Path workspace;
  private @Nullable DataSource dataSource;
  private @Nullable Path artifactRoot;
  private @Nullable ArtifactStore artifactStore;
  private @Nullable Store store;
  private @Nullable OpenMode mode;

  public StoreSource workspace(Path workspace) {
    this.workspace = Objects.requireNonNull(workspace, "workspace");
    return this;
  }

  public StoreSource dataSource(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    return this;
  }

  public StoreSource artifactRoot(Path artifactRoot) {
    this.artifactRoot = Objects.requireNonNull(artifactRoot, "artifactRoot");
    return this;
  }

  public StoreSource artifactStore(ArtifactStore artifactStore) {
    this.artifactStore = Objects.requireNonNull(artifactStore, "artifactStore");
    return this;
  }

  /** How a workspace or DataSource store opens (default {@link OpenMode#CREATE}). */
  public StoreSource openMode(OpenMode mode) {
    this.mode = Objects.requireNonNull(mode, "mode");
    return this;
  }

  public StoreSource store(Store store) {
    this.store = Objects.requireNonNull(store, "store");
    return this;
  }

  /**
   * Opens the configured store, or hands out the shared one.
   *
   * @param builder the builder's name, for the message when no store was given
   * @throws IllegalStateException unless exactly one of workspace, dataSource or store was given;
   *     if an artifact root or artifact store is given with a workspace (which keeps its artifacts
   *     in its own {@code artifacts/} directory) or a shared store (which has its own); if a
   *     dataSource is given with both an artifact root and an artifact store, or with neither while
   *     its workspace names no artifact store
   */
  public Opened open(String builder) {
    int sources =
        (workspace != null ? 1 : 0) + (dataSource != null ? 1 : 0) + (store != null ? 1 : 0);
    if (sources == 0) {
      throw Checks.missing(
          builder, "a store", "workspace(path), dataSource(dataSource) or store(store)");
    }
    if (sources != 1) {
      throw new IllegalStateException(
          "Set exactly one of workspace(...), dataSource(...) or store(...)");
    }
    if (dataSource == null && (artifactRoot != null || artifactStore != null)) {
      String given = artifactRoot != null ? "artifactRoot(...)" : "artifactStore(...)";
      throw new IllegalStateException(
          builder
              + ": "
              + given
              + " applies to dataSource(...) only; "
              + (workspace != null
                  ? "a workspace(...) keeps its artifacts in its own "
                      + Store.ARTIFACT_DIRECTORY
                      + "/ directory"
                  : "a shared store(...) keeps the artifact store it was opened with")
              + ". Remove "
              + given
              + ", or give dataSource(...) instead of "
              + (workspace != null ? "workspace(...)" : "store(...)"));
    }
    if (store != null) {
      if (mode != null) {
        throw new IllegalStateException(
            "openMode(...) applies to workspace(...) and"
                + " dataSource(...); a shared store(...) keeps the mode it was opened with");
      }
      return new Opened(store, false);
    }
    OpenMode m = mode != null ? mode : OpenMode.CREATE;
    if (workspace != null) {
      return new Opened(Store.open(workspace, m), true);
    }
    Store.Builder b = Store.builder().dataSource(Objects.requireNonNull(dataSource)).openMode(m);
    if (artifactRoot != null) {
      b.artifactRoot(artifactRoot);
    }
    if (artifactStore != null) {
      b.artifactStore(artifactStore);
    }
    return new Opened(b.build(), true);
  }

  /**
   * An opened store and whether the service that opened it owns it (and so closes it).
   *
   * @param store the store
   * @param owned true when it was opened here rather than shared
   */
  public record Opened(Store store, boolean owned) {
    public Opened {
      Objects.requireNonNull(store, "store");
    }

    /** Closes the store if it is owned; a shared store is left open. */
    public void closeIfOwned() {
      if (owned) {
        store.close();
      }
    }
  }
}
