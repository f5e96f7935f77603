package io.github.mlops4j.serving;

import io.github.mlops4j.registry.ModelSignature;
import io.github.mlops4j.serving.InvalidInputException.Problem;
import io.github.mlops4j.serving.InvalidInputException.Reason;
import io.github.mlops4j.serving.internal.DenseRow;
import io.github.mlops4j.serving.internal.MicroBatcher;
import io.github.mlops4j.serving.internal.Texts;
import io.github.mlops4j.serving.metrics.ServingMeters.VersionMeters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.tribuo.CategoricalInfo;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.RealInfo;
import org.tribuo.VariableInfo;

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
  final @Nullable MicroBatcher<Example<T>, Scored<T>> batcher;
  private final AtomicLong state = new AtomicLong();
  private final AtomicBoolean released = new AtomicBoolean();
  private final AtomicBoolean closedResources = new AtomicBoolean();
  private final Runnable onRelease;

  LoadedVersion(
      int version,
      @Nullable ModelSignature signature,
      Model<T> model,
      OutputAdapter<T> adapter,
      InputSchema schema,
      VersionMeters meters,
      @Nullable MicroBatcher<Example<T>, Scored<T>> batcher,
      Runnable onRelease) {
    this.version = version;
    this.signature = signature;
    this.model = model;
    this.adapter = adapter;
    this.schema = schema;
    this.meters = meters;
    this.batcher = batcher;
    this.onRelease = onRelease;
  }

  /** The result of one example of a micro-batch: its prediction, or what predicting it threw. */
  record Scored<T extends Output<T>>(
      org.tribuo.@Nullable Prediction<T> prediction, @Nullable RuntimeException error) {}

  /**
   * Predicts a micro-batch. If the model fails on the batch as a whole, each example is predicted
   * on its own, so that one example the model cannot take fails only its own caller (and is judged
   * on its own: input or model fault).
   */
  static <T extends Output<T>> List<Scored<T>> predictBatch(
      Model<T> model, List<Example<T>> batch) {
    List<Scored<T>> out = new ArrayList<>(batch.size());
    try {
      List<org.tribuo.Prediction<T>> predictions = model.predict(batch);
      if (predictions.size() == batch.size()) {
        for (org.tribuo.Prediction<T> p : predictions) {
          out.add(new Scored<>(p, null));
        }
        return out;
      }
    } catch (RuntimeException e) {
      // fall through: one by one
    }
    for (Example<T> example : batch) {
      try {
        out.add(new Scored<>(model.predict(example), null));
      } catch (RuntimeException e) {
        out.add(new Scored<>(null, e));
      }
    }
    return out;
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

  /**
   * Closes what the version owns: the batcher, its meters ({@code VersionMeters.close()}: with
   * Micrometer, removed from the registry unless another service still uses them), and the model if
   * it is closeable.
   */
  void closeResources() {
    if (!closedResources.compareAndSet(false, true)) {
      return;
    }
    if (batcher != null) {
      batcher.close();
    }
    meters.close();
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

  /** {@link #encode} of a row the schema reads without its full validation, else null. */
  @Nullable Example<T> encodeDense(DenseRow row) {
    return schema.encodeDense(row, adapter.unknown());
  }

  org.tribuo.Prediction<T> predict(Example<T> example) {
    return model.predict(example);
  }

  /**
   * Predicts a validated example off the request path (shadow, warm-up), judging a failure as
   * {@link #failure} does.
   */
  org.tribuo.Prediction<T> predictChecked(String modelName, Example<T> example) {
    org.tribuo.Prediction<T> p;
    try {
      p = model.predict(example);
    } catch (RuntimeException e) {
      throw failure(modelName, example, e);
    }
    if (!adapter.usable(p)) {
      throw failure(modelName, example, null);
    }
    return p;
  }

  /**
   * What to throw when the model failed ({@code cause}) or gave no {@link OutputAdapter#usable
   * usable} output ({@code cause} null) for a validated example. If a value of the example lies
   * outside the range the model saw in training, the input is blamed: an {@link
   * InvalidInputException} with an {@link InvalidInputException.Reason#OUT_OF_RANGE} problem per
   * such value. Otherwise the model failed on input it was trained for, and this version is blamed:
   * a {@link ServingException}.
   */
  RuntimeException failure(String modelName, Example<T> example, @Nullable RuntimeException cause) {
    String what =
        cause == null
            ? "the model gave no usable output for it"
            : "the model failed on it (" + Texts.typeName(cause) + ")";
    List<Problem> outside = outsideTraining(example, what);
    if (!outside.isEmpty()) {
      InvalidInputException invalid =
          new InvalidInputException(
              modelName,
              version,
              outside,
              "Send values inside the range the model was trained on, or clip them first");
      if (cause != null) {
        invalid.initCause(cause);
      }
      return invalid;
    }
    if (cause == null) {
      return new ServingException(
          "Version "
              + version
              + " of '"
              + modelName
              + "' gave no usable"
              + " output (no label, a NaN or infinite value, or no cluster) for a valid input inside"
              + " its training range; the version is broken");
    }
    return new ServingException(
        "Version "
            + version
            + " of '"
            + modelName
            + "' failed to predict: "
            + Texts.abbreviate(String.valueOf(cause), 3 * Texts.MAX),
        cause);
  }

  /**
   * A problem for each value of the example outside the model's feature domain: below the minimum
   * or above the maximum of a real feature, or a value never seen of a categorical one. Zero is
   * Tribuo's value of an absent feature and always inside.
   */
  private List<Problem> outsideTraining(Example<T> example, String what) {
    ImmutableFeatureMap domain = model.getFeatureIDMap();
    List<Problem> out = new ArrayList<>();
    for (Feature f : example) {
      double v = f.getValue();
      if (v == 0) {
        continue;
      }
      VariableInfo info = domain.get(f.getName());
      if (info instanceof RealInfo r && (v < r.getMin() || v > r.getMax())) {
        out.add(
            new Problem(
                f.getName(),
                Reason.OUT_OF_RANGE,
                "is "
                    + v
                    + ", outside the range"
                    + " seen in training ["
                    + r.getMin()
                    + ", "
                    + r.getMax()
                    + "]; "
                    + what));
      } else if (info instanceof CategoricalInfo c && c.getObservationCount(v) == 0) {
        out.add(
            new Problem(
                f.getName(),
                Reason.OUT_OF_RANGE,
                "is " + v + ", a value never seen" + " in training; " + what));
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "v" + version + (retired() ? " (retired, " + leases() + " leases)" : "");
  }
}
