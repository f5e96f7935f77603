package io.github.mlops4j.openlineage;

import io.github.mlops4j.Subscription;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.features.FeatureView;
import io.github.mlops4j.internal.Checks;
import io.github.mlops4j.registry.ModelLineage;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.RegistryEvent;
import io.github.mlops4j.tracking.Tracker;
import io.openlineage.client.OpenLineage;
import io.openlineage.client.transports.Transport;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the lineage of a workspace as <a href="https://openlineage.io">OpenLineage</a> events:
 * observe a {@link Tracker}, a {@link ModelRegistry} and a {@link FeatureStore}, and each run,
 * registry change and materialization becomes a run of an OpenLineage job.
 *
 * <pre>{@code
 * try (Tracker tracker = Tracker.open(ws);
 *     ModelRegistry registry = ModelRegistry.open(ws);
 *     LineageEmitter lineage =
 *         LineageEmitter.builder()
 *             .transport(LineageTransport.http(URI.create("http://marquez:5000")))
 *             .build()) {
 *   lineage.observe(tracker);
 *   lineage.observe(registry);
 *   ...
 * }
 * }</pre>
 *
 * <h2>What is sent</h2>
 *
 * <ul>
 *   <li>A tracking run is a run of the job named after its experiment, in the {@linkplain
 *       Builder#namespace namespace}: {@code START} when it starts (with a {@code parent} facet
 *       naming the parent run for a nested run), then {@code COMPLETE}, {@code FAIL} (with an
 *       {@code errorMessage} facet) or {@code ABORT} when it ends, carrying its input datasets: a
 *       file or directory in OpenLineage's {@code file} namespace named by its absolute path, with
 *       its SHA-256 as the {@code version} facet, its role as the {@code datasetType} sub-type and
 *       its row count, size and file count as the {@code inputStatistics} facet.
 *   <li>A registry change is a {@code COMPLETE} run of the job {@code registry.<model>} whose
 *       {@code tags} facet holds the audit entry (action, actor, version, alias, comment). A
 *       registered version is its output ({@code models/<model>/<version>}, the artifact's digest
 *       as version), with the producing run's datasets as inputs and the producing run as parent;
 *       an alias change reads the version and writes {@code models/<model>@<alias>}.
 *   <li>A materialization is a {@code COMPLETE} run of the job {@code features.materialize.<view>}
 *       that reads {@code features/<view>/offline} and writes {@code features/<view>/online}, both
 *       with the view's {@code schema} facet and the watermark as version, and the rows read and
 *       entities written as statistics.
 * </ul>
 *
 * <h2>Never in the way</h2>
 *
 * The observed services only hand each change to a bounded queue ({@link Builder#queueCapacity});
 * events are built and sent by one daemon thread. A send that fails (the endpoint is down or
 * answers with an error) is retried with exponential backoff up to {@link Builder#maxAttempts}
 * times; an event that still fails, or that finds the queue full, is dropped and counted in {@link
 * #droppedEvents()}, and nothing is ever thrown to the tracker, registry or feature store. {@link
 * #close()} sends what is queued, waiting at most {@link Builder#closeTimeout}, and counts what it
 * could not send as dropped. Close the emitter before the services it observes (declare it after
 * them in a try-with-resources block). Thread-safe.
 *
 * @since 0.1.0
 */
public final class LineageEmitter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LineageEmitter.class);

  /** Builds the OpenLineage events of one change (on the emitter's thread). */
  @FunctionalInterface
  private interface Task {
    List<OpenLineage.RunEvent> events(LineageEvents mapper);
  }

  private static final Task STOP = mapper -> List.of();

  private final LineageEvents mapper;
  private final Transport transport;
  private final BlockingQueue<Task> queue;
  private final int maxAttempts;
  private final Duration backoff;
  private final Duration maxBackoff;
  private final Duration closeTimeout;
  private final Thread worker;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Set when close gave up: what the worker still finishes was already counted as dropped. */
  private volatile boolean abandoned;

  private final CountDownLatch stopping = new CountDownLatch(1);
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong done = new AtomicLong();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private final Object progress = new Object();

  private LineageEmitter(Builder b, LineageTransport transport) {
    this.mapper = new LineageEvents(b.namespace);
    this.queue = new ArrayBlockingQueue<>(b.queueCapacity);
    this.maxAttempts = b.maxAttempts;
    this.backoff = b.backoff;
    this.maxBackoff = b.maxBackoff;
    this.closeTimeout = b.closeTimeout;
    this.transport = transport.open();
    this.worker = new Thread(this::work, "mlops4j-openlineage");
    worker.setDaemon(true);
    worker.start();
  }

  /** A builder; a transport is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Sends the runs that {@code tracker} starts, gives inputs and ends; close the subscription to
   * stop.
   */
  public Subscription observe(Tracker tracker) {
    return tracker.addListener(event -> enqueue(m -> m.run(event)));
  }

  /**
   * Sends the changes of {@code registry} (its own and, within its poll interval, other
   * processes'), reading a registered version's lineage on the emitter's thread; close the
   * subscription to stop.
   */
  public Subscription observe(ModelRegistry registry) {
    return registry.addListener(
        event -> enqueue(m -> m.registry(event, lineageOf(registry, event))));
  }

  /**
   * Sends the materializations of {@code features}, reading the view's definition on the emitter's
   * thread; close the subscription to stop.
   */
  public Subscription observe(FeatureStore features) {
    return features.addListener(
        (materialization, time) ->
            enqueue(
                m ->
                    m.materialization(
                        materialization, time, viewOf(features, materialization.view()))));
  }

  private static @Nullable ModelLineage lineageOf(ModelRegistry registry, RegistryEvent event) {
    if (!(event instanceof RegistryEvent.VersionRegistered r)) {
      return null;
    }
    return read(
        () -> registry.getVersion(r.model(), r.version()).map(registry::lineage).orElse(null),
        "the lineage of " + r.model() + " v" + r.version());
  }

  private static @Nullable FeatureView viewOf(FeatureStore features, String view) {
    return read(() -> features.view(view).orElse(null), "the definition of view " + view);
  }

  private static <T> @Nullable T read(Supplier<@Nullable T> read, String what) {
    try {
      return read.get();
    } catch (RuntimeException e) {
      LOG.warn("Lineage: could not read {}; the event is sent without it: {}", what, e.toString());
      return null;
    }
  }

  /** Queues a change without waiting; a full queue or a closed emitter drops it (counted). */
  private void enqueue(Task task) {
    if (closed.get() || !queue.offer(task)) {
      dropped.incrementAndGet();
      return;
    }
    accepted.incrementAndGet();
  }

  private void work() {
    try {
      while (true) {
        Task task = queue.take();
        if (task == STOP) {
          return;
        }
        boolean drop = false;
        boolean interrupted = false;
        try {
          for (OpenLineage.RunEvent e : task.events(mapper)) {
            send(e);
          }
        } catch (RuntimeException e) {
          drop = true;
          LOG.warn("Lineage: could not build an event; it is dropped: {}", e.toString());
        } catch (InterruptedException e) {
          drop = true; // close gave up while it was being sent: neither sent nor counted yet
          interrupted = true;
        } finally {
          finished(drop);
        }
        if (interrupted) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // close gave up waiting
    }
  }

  /**
   * Ends a change: counts it as dropped when {@code drop} (unless close already counted it), then
   * as done. Under the lock close takes to count what is left, so every change is counted once.
   */
  private void finished(boolean drop) {
    synchronized (progress) {
      if (drop && !abandoned) {
        dropped.incrementAndGet();
      }
      done.incrementAndGet();
      progress.notifyAll();
    }
  }

  /** Sends with bounded retries; an event that still fails is dropped and counted. */
  private void send(OpenLineage.RunEvent event) throws InterruptedException {
    Duration wait = backoff;
    for (int attempt = 1; ; attempt++) {
      try {
        transport.emit(event);
        if (!abandoned) {
          sent.incrementAndGet();
        }
        return;
      } catch (RuntimeException e) {
        if (abandoned) {
          return; // counted as dropped by close
        }
        if (attempt >= maxAttempts) {
          long n = dropped.incrementAndGet();
          LOG.warn(
              "Lineage: dropped a {} event of job {} after {} attempt(s) ({} dropped so far): {}",
              event.getEventType(),
              LineageTransport.cut(event.getJob().getName()),
              attempt,
              n,
              LineageTransport.cut(e.toString()));
          return;
        }
        retries.incrementAndGet();
        // waits the backoff, or less once close has started (then the remaining attempts go fast)
        if (stopping.await(wait.toNanos(), TimeUnit.NANOSECONDS)) {
          wait = Duration.ZERO;
        } else {
          wait = min(wait.multipliedBy(2), maxBackoff);
        }
      }
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** Events sent successfully. */
  public long sentEvents() {
    return sent.get();
  }

  /**
   * Changes or events dropped: the queue was full, the emitter was closed, or an event still failed
   * after {@link Builder#maxAttempts} attempts or could not be sent before {@link #close()} gave
   * up.
   */
  public long droppedEvents() {
    return dropped.get();
  }

  /** Failed sends that were retried. */
  public long retriedSends() {
    return retries.get();
  }

  /**
   * Waits at most {@code timeout} until every change queued before the call is sent or dropped.
   *
   * @return whether they all were
   */
  public boolean flush(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    long target = accepted.get();
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (progress) {
      while (done.get() < target) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !worker.isAlive()) {
          return false;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(progress, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Stops accepting changes, sends what is queued within {@link Builder#closeTimeout} (failed sends
   * are then retried without waiting the backoff), counts what is left as dropped, and closes the
   * transport, waiting for that until the timeout is over but at least 1 s. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long deadline = System.nanoTime() + closeTimeout.toNanos();
    stopping.countDown(); // failed sends are retried at once from now on
    boolean drained = flush(closeTimeout);
    if (!drained || !queue.offer(STOP)) {
      worker.interrupt();
    }
    try {
      worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long left;
    synchronized (progress) {
      abandoned = worker.isAlive();
      left = accepted.get() - done.get();
      if (left > 0) {
        dropped.addAndGet(left);
      }
    }
    if (left > 0) {
      LOG.warn(
          "Lineage: closed with {} change(s) not sent within {}; counted as dropped",
          left,
          closeTimeout);
    }
    closeTransport(deadline);
  }

  /**
   * Closes the transport on its own thread, waiting for it until the deadline but at least 1 s: an
   * HTTP client may wait for a request the endpoint never answers.
   */
  private void closeTransport(long deadline) {
    Thread closer =
        new Thread(
            () -> {
              try {
                transport.close();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (Exception e) {
                LOG.warn("Lineage: closing the transport failed: {}", e.toString());
              }
            },
            "mlops4j-openlineage-close");
    closer.setDaemon(true);
    closer.start();
    try {
      closer.join(Math.max(1_000, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "LineageEmitter{sent="
        + sent.get()
        + ", dropped="
        + dropped.get()
        + ", queued="
        + queue.size()
        + "}";
  }

  /**
   * Configures a {@link LineageEmitter}; setters check their arguments at once.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private @Nullable LineageTransport transport;
    private String namespace = "mlops4j";
    private int queueCapacity = 10_000;
    private int maxAttempts = 5;
    private Duration backoff = Duration.ofMillis(200);
    private Duration maxBackoff = Duration.ofSeconds(10);
    private Duration closeTimeout = Duration.ofSeconds(10);

    private Builder() {}

    /** Where events go (required). */
    public Builder transport(LineageTransport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /**
     * The OpenLineage namespace of the jobs and of the model, alias and feature datasets (default
     * {@code mlops4j}); name it after the workspace or team. Datasets read from files are in the
     * {@code file} namespace, as OpenLineage names them.
     */
    public Builder namespace(String namespace) {
      Objects.requireNonNull(namespace, "namespace");
      if (namespace.isBlank() || namespace.length() > 256) {
        throw new IllegalArgumentException(
            "namespace must be 1 to 256 characters and not blank, was '"
                + LineageTransport.cut(namespace)
                + "'");
      }
      this.namespace = namespace;
      return this;
    }

    /** Changes held while the endpoint is slow or down before new ones are dropped (10,000). */
    public Builder queueCapacity(int capacity) {
      this.queueCapacity = Checks.atLeast(capacity, 1, "queueCapacity");
      return this;
    }

    /** Attempts per event before it is dropped (default 5, at least 1). */
    public Builder maxAttempts(int attempts) {
      this.maxAttempts = Checks.atLeast(attempts, 1, "maxAttempts");
      return this;
    }

    /**
     * The wait after the first failed send, doubled after each further failure up to {@code max}
     * (defaults 200 ms and 10 s).
     */
    public Builder retryBackoff(Duration first, Duration max) {
      Objects.requireNonNull(first, "first");
      Objects.requireNonNull(max, "max");
      Checks.notNegative(first, "first");
      if (max.compareTo(first) < 0) {
        throw new IllegalArgumentException(
            "retryBackoff: max (" + max + ") must be at least first (" + first + ")");
      }
      this.backoff = first;
      this.maxBackoff = max;
      return this;
    }

    /** How long {@link LineageEmitter#close()} waits for queued events (default 10 s). */
    public Builder closeTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "closeTimeout");
      Checks.notNegative(timeout, "closeTimeout");
      this.closeTimeout = timeout;
      return this;
    }

    /**
     * Opens the transport and starts the emitter's thread.
     *
     * @throws IllegalStateException if no transport was set
     */
    public LineageEmitter build() {
      LineageTransport t = transport;
      if (t == null) {
        throw Checks.missing("LineageEmitter.Builder", "transport", "transport(LineageTransport)");
      }
      return new LineageEmitter(this, t);
    }
  }
}
