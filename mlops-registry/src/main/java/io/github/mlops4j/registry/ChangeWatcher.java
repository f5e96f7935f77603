package io.github.mlops4j.registry;

import io.github.mlops4j.Subscription;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.store.internal.Dialect;
import io.github.mlops4j.store.internal.StoreAccess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The change watcher of a {@link ModelRegistry} and its views: follows the audit trail, invalidates
 * the {@link ResolveCache} for every change, and announces each change once to the listeners.
 *
 * <p>Changes come from two places. Changes made through this registry are written by {@link
 * #commit}, which announces them on the calling thread; changes committed by other registry
 * instances and processes are found by {@link #poll}, on the watcher thread every poll interval and
 * whenever PostgreSQL notifies a change ({@link PgChangeListener} hands its polls to the watcher
 * thread, so background polls never run two at a time), or on the caller's thread ({@link
 * ModelRegistry#refresh}).
 *
 * <h2>Ordering</h2>
 *
 * <ul>
 *   <li>Both paths invalidate a change's model <em>before</em> its event is dispatched, so a
 *       listener that resolves on an event sees the change (read-your-writes, see {@link
 *       ResolveCache}).
 *   <li>{@link #poll} invalidates while it still holds this watcher's lock, the lock that guards
 *       the cursor: a poll (or {@code refresh}) that finds nothing new cannot return before a
 *       concurrent poll that found the changes has invalidated them. Listeners are called after the
 *       lock is released.
 *   <li>{@link #commit} runs the transaction and records its audit sequences under the same lock,
 *       so that a poll never sees a local change before it is recorded: the cursor moves past it
 *       when nothing from elsewhere lies in between, otherwise its sequence is remembered and the
 *       poll skips it when it gets there. Each change is therefore announced exactly once. The
 *       local change is invalidated and announced after the lock is released.
 * </ul>
 *
 * Thread-safe.
 */
final class ChangeWatcher {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeWatcher.class);

  /** A committed local transaction: its result and the audit entries it wrote, in order. */
  record Committed(long result, List<AuditEntry> entries) {
    Committed {
      entries = List.copyOf(entries);
    }
  }

  private final Store store;
  private final RegistryDao dao;
  private final ResolveCache resolved;
  private final List<RegistryListener> listeners = new CopyOnWriteArrayList<>();

  /** Local changes past the cursor that a later poll must skip. */
  private final Set<Long> announced = ConcurrentHashMap.newKeySet();

  private final @Nullable ScheduledExecutorService executor;
  private final @Nullable PgChangeListener listener;
  private volatile boolean closed;

  /** The highest audit sequence seen; guarded by {@code this}. */
  private long cursor;

  /**
   * Starts following the audit trail from its current end.
   *
   * @param pollInterval how often the watcher thread polls; zero for no thread (only {@link #poll}
   *     calls then, and no listener either)
   * @param push whether to also poll on PostgreSQL's notifications of changes ({@link
   *     PgChangeListener}); ignored on other databases
   */
  ChangeWatcher(
      Store store, RegistryDao dao, ResolveCache resolved, Duration pollInterval, boolean push) {
    this.store = store;
    this.dao = dao;
    this.resolved = resolved;
    this.cursor = StoreAccess.read(store, dao::maxSeq);
    if (pollInterval.isZero()) {
      this.executor = null;
      this.listener = null;
    } else {
      this.executor =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "mlops4j-registry-watcher");
                t.setDaemon(true);
                return t;
              });
      long millis = Math.max(1, pollInterval.toMillis());
      // close() cancels it (shutdownNow); poll() logs its own failures.
      var unused =
          executor.scheduleWithFixedDelay(this::poll, millis, millis, TimeUnit.MILLISECONDS);
      this.listener =
          push && StoreAccess.dialect(store) == Dialect.POSTGRESQL ? startListener(store) : null;
    }
  }

  private @Nullable PgChangeListener startListener(Store store) {
    try {
      return PgChangeListener.start(store, this::pollOnWatcherThread);
    } catch (LinkageError e) { // pgjdbc is optional
      LOG.info(
          "pgjdbc (org.postgresql.jdbc) is not available to the registry ({}); registry changes"
              + " are found by polling only",
          e.toString());
      return null;
    }
  }

  /**
   * Runs {@link #tryPoll} on the watcher thread and waits for it. The polls that notifications
   * start and the timed polls thus run one at a time on one thread, so that remote changes are
   * announced in sequence order (two threads polling could dispatch a later change first).
   *
   * @return whether the poll reached the store; false when the watcher is closed
   */
  private boolean pollOnWatcherThread() {
    ScheduledExecutorService watcher = Objects.requireNonNull(executor, "executor");
    try {
      return watcher.submit(this::tryPoll).get();
    } catch (RejectedExecutionException | ExecutionException e) {
      return false; // closed, or the poll threw past its own handler
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The PostgreSQL backend that listens for pushed changes, -1 when none does (for tests). */
  int listenerBackendPid() {
    PgChangeListener l = listener;
    return l == null ? -1 : l.backendPid();
  }

  /**
   * Picks up changes committed by other processes: invalidates and announces them. The cache is
   * invalidated while the cursor is still held, so that a poll (or {@link ModelRegistry#refresh})
   * that finds nothing new cannot return before a concurrent poll that found the changes has
   * invalidated them. Listeners are called after the lock is released. Failures are logged (unless
   * closed), not thrown.
   */
  void poll() {
    var unused = tryPoll();
  }

  /** {@link #poll}, returning whether it reached the store. */
  boolean tryPoll() {
    try {
      List<AuditEntry> fresh = new ArrayList<>();
      synchronized (this) {
        List<AuditEntry> entries = StoreAccess.read(store, c -> dao.auditLog(c, null, cursor));
        for (AuditEntry e : entries) {
          if (!announced.remove(e.sequence())) {
            resolved.invalidate(e.model());
            fresh.add(e);
          }
        }
        if (!entries.isEmpty()) {
          cursor = entries.get(entries.size() - 1).sequence();
        }
      }
      for (AuditEntry e : fresh) {
        dispatch(RegistryEvent.of(e));
      }
      return true;
    } catch (RuntimeException e) {
      if (!closed) {
        LOG.warn("Polling the registry for changes failed: {}", e.toString());
      }
      return false;
    }
  }

  /**
   * Runs a local transaction that changes {@code model}, then invalidates the model in the cache
   * and announces the audit entries it wrote (nothing when it wrote none). Holding this watcher's
   * lock while the transaction commits keeps a concurrent poll from announcing them twice.
   *
   * @return the transaction's result
   */
  long commit(String model, Supplier<Committed> transaction) {
    Committed done;
    synchronized (this) {
      done = transaction.get();
      for (AuditEntry e : done.entries()) {
        if (e.sequence() == cursor + 1) {
          cursor = e.sequence(); // nothing from elsewhere in between: poll starts after it
        } else if (e.sequence() > cursor) {
          announced.add(e.sequence()); // poll skips it when it gets there
        }
      }
    }
    if (!done.entries().isEmpty()) {
      resolved.invalidate(model);
      done.entries().forEach(e -> dispatch(RegistryEvent.of(e)));
    }
    return done.result();
  }

  /** Calls every listener; a failing listener is logged and does not affect the others. */
  private void dispatch(RegistryEvent event) {
    for (RegistryListener l : listeners) {
      try {
        l.onEvent(event);
      } catch (RuntimeException e) {
        LOG.warn("Registry listener {} failed on {}: {}", l, event, e.toString());
      }
    }
  }

  /** Adds a listener; close the returned subscription to remove it. */
  Subscription addListener(RegistryListener listener) {
    Objects.requireNonNull(listener, "listener");
    listeners.add(listener);
    return Subscription.onClose(() -> listeners.remove(listener));
  }

  /** Local changes that a later poll must not announce again (for tests). */
  int changesAwaitingPoll() {
    return announced.size();
  }

  /**
   * Stops the watcher and listener threads (the listener returns its connection), waiting up to 5
   * seconds each for a poll in progress.
   */
  void close() {
    closed = true;
    if (listener != null) {
      listener.close();
    }
    if (executor != null) {
      executor.shutdownNow();
      try {
        executor.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
