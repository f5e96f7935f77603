package io.github.mlops4j.store;

import io.github.mlops4j.artifacts.ArtifactStore;
import io.github.mlops4j.store.internal.StoreSource;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The store options every mlops4j service builder shares: an embedded workspace, a host {@link
 * DataSource} (with an artifact root or artifact store, or without either to open the artifact
 * store its workspace names), or a {@link Store} shared with other services (exactly one of the
 * three must be given), and the service's {@link #clock(Clock) clock}.
 *
 * @param <B> the concrete builder, returned by each setter for chaining
 * @since 0.1.0
 */
public abstract class StoreOptions<B extends StoreOptions<B>> {
  private final StoreSource source = new StoreSource();
  private Clock clock = Clock.systemUTC();

  protected StoreOptions() {}

  /** This builder, typed as the concrete builder. */
  protected abstract B self();

  /** An embedded workspace directory: {@code mlops.db} and {@code artifacts/} inside it. */
  public B workspace(Path workspace) {
    source.workspace(workspace);
    return self();
  }

  /**
   * A host-provided DataSource (PostgreSQL, or SQLite). Give {@link #artifactRoot} or {@link
   * #artifactStore}, or neither to open the artifact store the workspace's settings name (see
   * {@link Store}).
   */
  public B dataSource(DataSource dataSource) {
    source.dataSource(dataSource);
    return self();
  }

  /**
   * The directory where artifacts are stored when a {@link #dataSource} is used (created if
   * missing, unless the store opens read-only or existing). With {@link #workspace} or {@link
   * #store} the builder throws {@link IllegalStateException}: those keep their own artifacts.
   */
  public B artifactRoot(Path artifactRoot) {
    source.artifactRoot(artifactRoot);
    return self();
  }

  /**
   * The artifact store (for example an S3 bucket) when a {@link #dataSource} is used; the
   * alternative to {@link #artifactRoot}. The host owns it. With {@link #workspace} or {@link
   * #store} the builder throws {@link IllegalStateException}.
   */
  public B artifactStore(ArtifactStore artifactStore) {
    source.artifactStore(artifactStore);
    return self();
  }

  /**
   * Whether a {@link #workspace} or {@link #dataSource} store may be created and written (default
   * {@link OpenMode#CREATE}). {@link OpenMode#EXISTING} refuses a missing workspace instead of
   * creating it; {@link OpenMode#READ_ONLY} also never writes. Not combinable with {@link #store}:
   * a shared store keeps the mode it was opened with.
   */
  public B openMode(OpenMode mode) {
    source.openMode(mode);
    return self();
  }

  /** A store shared with other services; the service does not close it. */
  public B store(Store store) {
    source.store(store);
    return self();
  }

  /**
   * The clock the service reads every time it stores or compares (default: system UTC). Inject a
   * fixed or fake clock to make timestamps, leases and expiry reproducible; each service's builder
   * says what it times with it.
   */
  public B clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return self();
  }

  /**
   * The configured clock; the builders reach it through {@code
   * io.github.mlops4j.store.internal.StoreAccess}.
   */
  Clock clock() {
    return clock;
  }

  /**
   * Opens the configured store, or hands out the shared one; the builders reach it through {@code
   * io.github.mlops4j.store.internal.StoreAccess}.
   *
   * @throws IllegalStateException unless exactly one source was given
   */
  StoreSource.Opened openStore() {
    Class<?> type = getClass();
    Class<?> outer = type.getEnclosingClass();
    return source.open(
        outer == null ? type.getSimpleName() : outer.getSimpleName() + "." + type.getSimpleName());
  }
}
