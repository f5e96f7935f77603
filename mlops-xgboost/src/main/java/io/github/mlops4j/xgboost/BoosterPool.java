package io.github.mlops4j.xgboost;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.jspecify.annotations.Nullable;

/**
 * Boosters of one model, each used by one caller at a time, so that prediction relies on no thread
 * safety of the native model: xgboost4j up to 3.0 synchronized {@code Booster.predict} (one shared
 * booster serialized every caller), and XGBoost documents dart boosters as unsafe to share. A pool
 * of {@code size} boosters (loaded from the same verified bytes) lets {@code size} callers predict
 * at once. A caller takes an idle booster, waiting while all are busy, and gives it back.
 *
 * <p>Idle boosters are kept last in, first out: a caller takes the booster given back most
 * recently, so a lone caller (or a quiet service) keeps using one booster whose model and buffers
 * are warm in the CPU caches, instead of cycling through all of them (a first-in, first-out queue
 * made every call of a single caller touch a different booster). Taking and giving back are
 * lock-free when a booster is idle.
 *
 * <p>Tree models (gbtree) are predicted with {@code inplace_predict} on the row-major array,
 * without building a {@code DMatrix}; dart and gblinear through a {@code DMatrix} and {@code
 * predict}. Missing values are NaN. {@link #close()} disposes idle boosters at once and busy ones
 * when they are given back, so native memory is freed without a booster being disposed under a
 * caller.
 *
 * <p>The only class of this module that touches xgboost4j, apart from {@link XgboostModel}'s
 * callers through it: without xgboost4j its first use throws {@link NoClassDefFoundError}.
 */
final class BoosterPool implements AutoCloseable {
  private final Booster[] boosters;

  /** Idle boosters, the most recently given back first; {@link #free} counts them. */
  private final ConcurrentLinkedDeque<Booster> idle = new ConcurrentLinkedDeque<>();

  private final Semaphore free;
  private final boolean inplace;
  private final Object lifecycle = new Object();
  private volatile boolean closed; // written under lifecycle

  private BoosterPool(Booster[] boosters, boolean inplace) {
    this.boosters = boosters;
    for (Booster b : boosters) {
      idle.push(b);
    }
    this.free = new Semaphore(boosters.length);
    this.inplace = inplace;
  }

  /**
   * Loads {@code size} boosters from checked bytes, each predicting with {@code threads} threads.
   *
   * @throws IllegalArgumentException with XGBoost's message if it refuses the bytes, or if the
   *     model's number of features is not {@code numFeature}
   */
  static BoosterPool open(byte[] bytes, int size, int threads, int numFeature, String booster) {
    Booster[] loaded = new Booster[size];
    int n = 0;
    try {
      for (; n < size; n++) {
        loaded[n] = load(bytes, threads, numFeature);
      }
      return new BoosterPool(loaded, booster.equals("gbtree"));
    } finally {
      if (n < size) {
        for (int i = 0; i < n; i++) {
          loaded[i].dispose();
        }
      }
    }
  }

  /** Loads the bytes once and disposes the booster: XGBoost accepts them. */
  static void verify(byte[] bytes, int numFeature) {
    load(bytes, 1, numFeature).dispose();
  }

  private static Booster load(byte[] bytes, int threads, int numFeature) {
    Booster b;
    try {
      b = XGBoost.loadModel(bytes);
    } catch (XGBoostError | java.io.IOException e) {
      throw new IllegalArgumentException(
          "XGBoost refused the model: " + XgboostFileCheck.cut(firstLine(e)), e);
    }
    try {
      b.setParam("nthread", threads);
      long features = b.getNumFeature();
      if (features != numFeature) {
        throw new IllegalArgumentException(
            "XGBoost reads " + features + " features, the file declares " + numFeature);
      }
      return b;
    } catch (XGBoostError | RuntimeException e) {
      b.dispose();
      if (e instanceof IllegalArgumentException iae) {
        throw iae;
      }
      throw new IllegalArgumentException(
          "XGBoost refused the model: " + XgboostFileCheck.cut(firstLine(e)), e);
    }
  }

  static String firstLine(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  int size() {
    return boosters.length;
  }

  /**
   * Predicts {@code rows} rows of {@code columns} values (row-major, NaN for missing).
   *
   * @return one array of outputs per row
   * @throws IllegalStateException if the pool is closed
   * @throws IllegalArgumentException with XGBoost's message if it fails
   */
  float[][] predict(float[] data, int rows, int columns) {
    if (closed) {
      throw new IllegalStateException("closed");
    }
    Booster b = take();
    try {
      if (inplace) {
        return b.inplace_predict(data, rows, columns, Float.NaN);
      }
      DMatrix m = new DMatrix(data, rows, columns, Float.NaN);
      try {
        return b.predict(m);
      } finally {
        m.dispose();
      }
    } catch (XGBoostError e) {
      throw new IllegalArgumentException(XgboostFileCheck.cut(firstLine(e)), e);
    } finally {
      give(b);
    }
  }

  private Booster take() {
    try {
      while (!free.tryAcquire(100, TimeUnit.MILLISECONDS)) { // all busy: wait, seeing a close
        if (closed) {
          throw new IllegalStateException("closed");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a free booster", e);
    }
    // a permit guarantees an idle booster unless close() took them all in between
    @Nullable Booster b = idle.pollFirst();
    if (b == null) {
      throw new IllegalStateException("closed");
    }
    return b;
  }

  private void give(Booster b) {
    synchronized (lifecycle) {
      if (!closed) {
        idle.push(b);
        free.release();
        return;
      }
    }
    b.dispose();
  }

  /** The idle boosters' positions in the pool, the one the next caller takes first. */
  java.util.List<Integer> idleOrder() {
    java.util.List<Integer> out = new java.util.ArrayList<>();
    for (Booster b : idle) {
      out.add(java.util.Arrays.asList(boosters).indexOf(b));
    }
    return out;
  }

  boolean isClosed() {
    return closed;
  }

  /** Disposes every booster: idle ones now, busy ones when given back. Idempotent. */
  @Override
  public void close() {
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      free.drainPermits();
      Booster b;
      while ((b = idle.pollFirst()) != null) {
        b.dispose();
      }
    }
  }
}
