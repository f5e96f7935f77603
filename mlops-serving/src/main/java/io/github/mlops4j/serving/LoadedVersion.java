package io.github.mlops4j.serving;

import io.github.mlops4j.registry.ModelSignature;
import io.github.mlops4j.serving.internal.MicroBatcher;
import io.github.mlops4j.serving.internal.ServingMeters.VersionMeters;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.Output;

/**
 * One loaded, warmed version: the Tribuo model, its input schema and output adapter, its meters,
 * its micro-batcher if enabled, and a lease count so that it is released only after the calls
 * running on it are done.
 */
final class LoadedVersion<T extends Output<T>> {
  /** Added to {@link #state} when retired: the count goes negative, and back to it when drained. */
  private static final long RETIRED = Long.MIN_VALUE;

  final int version;
  final @Nullable ModelSignature signature;
  final Model<T> model;
  final OutputAdapter<T> adapter;
  final InputSchema schema;
  final VersionMeters meters;
  final @Nullable MicroBatcher<Example<T>, org.tribuo.Prediction<T>> batcher;
  private final AtomicLong state = new AtomicLong();
  private final AtomicBoolean released = new AtomicBoolean();
  private final AtomicBoolean closedResources = new AtomicBoolean();
  private final Runnable onRelease;

  LoadedVersion(int version, @Nullable ModelSignature signature, Model<T> model,
      OutputAdapter<T> adapter, InputSchema schema, VersionMeters meters,
      @Nullable MicroBatcher<Example<T>, org.tribuo.Prediction<T>> batcher, Runnable onRelease) {
    this.version = version;
    this.signature = signature;
    this.model = model;
    this.adapter = adapter;
    this.schema = schema;
    this.meters = meters;
    this.batcher = batcher;
    this.onRelease = onRelease;
  }

  /** Takes a lease; false if the version is retired (read the routing snapshot again). */
  boolean acquire() {
    if (state.incrementAndGet() < 0) {
      release();
      return false;
    }
    return true;
  }

  /** Returns a lease. */
  void release() {
    if (state.decrementAndGet() == RETIRED) {
      releaseOnce();
    }
  }

  /** Takes no more leases; released once the running ones are returned. */
  void retire() {
    long s;
    do {
      s = state.get();
      if (s < 0) {
        return; // already retired
      }
    } while (!state.compareAndSet(s, s + RETIRED));
    if (s == 0) {
      releaseOnce();
    }
  }

  boolean retired() {
    return state.get() < 0;
  }

  /** Leases held right now. */
  long leases() {
    long s = state.get();
    return s < 0 ? s - RETIRED : s;
  }

  private void releaseOnce() {
    if (released.compareAndSet(false, true)) {
      onRelease.run();
    }
  }


  /** Closes what the version owns (the batcher; the model if it is closeable). */
  void closeResources() {
    if (!closedResources.compareAndSet(false, true)) {
      return;
    }
    if (batcher != null) {
      batcher.close();
    }
    if (model instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        org.slf4j.LoggerFactory.getLogger(LoadedVersion.class)
            .warn("Closing version {} failed", version, e);
      }
    }
  }

  Example<T> encode(Map<String, ?> request, ValidationPolicy policy) {
    return schema.encode(request, adapter.unknown(), policy, meters);
  }

  org.tribuo.Prediction<T> predict(Example<T> example) {
    return model.predict(example);
  }


  @Override
  public String toString() {
    return "v" + version + (retired() ? " (retired, " + leases() + " leases)" : "");
  }
}
