package io.github.mlops4j.store.internal;

import io.github.mlops4j.store.OpenMode;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.store.StoreException;
import io.github.mlops4j.store.StoreOptions;
import java.time.Clock;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The connections and schema of a {@link Store}, for the mlops4j modules: units of work, schema
 * migrations, the dialect, and opening the store a service builder's {@link StoreOptions} describe.
 * Kept out of {@code Store}'s public API; {@code Store} hands its implementation over through
 * {@link #register} when its class initializes.
 */
public final class StoreAccess {
  private static volatile @Nullable Bridge bridge;

  private StoreAccess() {}

  /** What {@link Store} implements for this class; registered once, by {@code Store} itself. */
  public interface Bridge {
    <T extends @Nullable Object> T read(Store store, SqlWork<T> work);

    <T extends @Nullable Object> T write(Store store, SqlWork<T> work);

    void migrate(Store store, String component, int version, String resourceDirectory);

    Dialect dialect(Store store);

    StoreSource.Opened openStore(StoreOptions<?> options);

    Clock clock(StoreOptions<?> options);
  }

  /**
   * Called once by {@link Store}'s class initializer.
   *
   * @throws IllegalStateException on a second registration
   */
  public static synchronized void register(Bridge implementation) {
    Objects.requireNonNull(implementation, "implementation");
    if (bridge != null) {
      throw new IllegalStateException("The Store bridge is registered already");
    }
    bridge = implementation;
  }

  /** Runs {@code work} in auto-commit mode. Transient conflicts are retried. */
  public static <T extends @Nullable Object> T read(Store store, SqlWork<T> work) {
    return bridge(store).read(store, Objects.requireNonNull(work, "work"));
  }

  /**
   * Runs {@code work} in one transaction, committed when it returns and rolled back when it throws.
   * Transient conflicts (busy database, serialization failure, deadlock) roll back and retry the
   * whole unit of work, so it must not have side effects outside the database.
   *
   * @throws IllegalStateException if the store was opened {@link OpenMode#READ_ONLY}
   */
  public static <T extends @Nullable Object> T write(Store store, SqlWork<T> work) {
    return bridge(store).write(store, Objects.requireNonNull(work, "work"));
  }

  /**
   * Brings the schema of {@code component} to {@code version} by running the class-path scripts
   * {@code /io/github/mlops4j/store/migrations/<dialect>/<component>-V<n>.sql} in order, in one
   * transaction. First, without writing, it refuses a store holding a newer schema of this or of
   * any other component the library knows. On a {@link OpenMode#READ_ONLY} store nothing runs: the
   * schema must already be at {@code version}.
   *
   * @throws StoreException if the store holds a newer schema than the library knows, or (read-only)
   *     an older or missing one
   */
  public static void migrate(Store store, String component, int version) {
    migrate(store, component, version, "/io/github/mlops4j/store/migrations");
  }

  /**
   * Like {@link #migrate(Store, String, int)} with the scripts under {@code
   * <resourceDirectory>/<dialect>/<component>-V<n>.sql}, so each module ships its migrations in its
   * own package.
   */
  public static void migrate(Store store, String component, int version, String resourceDirectory) {
    bridge(store).migrate(store, component, version, resourceDirectory);
  }

  /** The SQL database the store lives in. */
  public static Dialect dialect(Store store) {
    return bridge(store).dialect(store);
  }

  /**
   * Opens the store that a service builder's {@link StoreOptions} describe, or hands out the shared
   * one.
   *
   * @throws IllegalStateException unless exactly one of workspace, dataSource (with an artifact
   *     root) or store was given
   */
  public static StoreSource.Opened openStore(StoreOptions<?> options) {
    return bridge(options).openStore(options);
  }

  /** The clock a service builder's {@link StoreOptions} were given (default: system UTC). */
  public static Clock clock(StoreOptions<?> options) {
    return bridge(options).clock(options);
  }

  private static Bridge bridge(Object target) {
    Objects.requireNonNull(target);
    Bridge b = bridge;
    if (b == null) {
      try { // Store registers the bridge in its class initializer
        Class.forName(Store.class.getName(), true, Store.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
      b = bridge;
      if (b == null) {
        throw new IllegalStateException("Store did not register its bridge");
      }
    }
    return b;
  }
}
