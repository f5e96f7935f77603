package io.github.mlops4j.xgboost;

import com.oracle.labs.mlrg.olcut.util.Pair;
import io.github.mlops4j.registry.internal.DenseBatches;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.tribuo.Example;
import org.tribuo.Excuse;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.MutableFeatureMap;
import org.tribuo.Output;
import org.tribuo.Prediction;
import org.tribuo.RealInfo;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.provenance.impl.EmptyDatasetProvenance;
import org.tribuo.provenance.impl.EmptyTrainerProvenance;

/**
 * An XGBoost model in a {@link BoosterPool}, as a Tribuo model: a list of examples is predicted
 * with one native call on one booster (the micro-batcher's and {@code BatchJob}'s chunks are one
 * call each); concurrent callers use the pool's boosters side by side. Features are matched to the
 * model's columns by name; a feature the example lacks is NaN, XGBoost's missing value. Closing it
 * disposes the boosters; predicting afterwards throws {@link IllegalStateException}.
 *
 * <p>Its feature domain observes every feature at the extremes of the double range, so that serving
 * never blames an input value for a failure of the model (XGBoost files carry no training ranges).
 */
abstract class XgboostModel<T extends Output<T>> extends Model<T> implements AutoCloseable {
  private static final long serialVersionUID = 1L;

  private final transient BoosterPool pool;
  private final transient Map<String, Integer> columnOf;
  private final transient AtomicLong calls = new AtomicLong();
  private final int columns;
  private final String modelName;
  private final int modelVersion;

  XgboostModel(
      String modelName,
      int modelVersion,
      List<String> columns,
      ImmutableOutputInfo<T> outputInfo,
      boolean probabilities,
      BoosterPool pool) {
    super(
        modelName + "-v" + modelVersion,
        new ModelProvenance(
            XgboostModel.class.getName(),
            OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC),
            new EmptyDatasetProvenance(),
            new EmptyTrainerProvenance()),
        domain(columns),
        outputInfo,
        probabilities);
    this.modelName = modelName;
    this.modelVersion = modelVersion;
    this.pool = pool;
    this.columns = columns.size();
    Map<String, Integer> index = new HashMap<>();
    for (String c : columns) {
      index.put(c, index.size());
    }
    this.columnOf = index;
  }

  private static ImmutableFeatureMap domain(List<String> columns) {
    MutableFeatureMap m = new MutableFeatureMap();
    for (String c : columns) {
      // a real domain spanning every double: a failure of the booster is never blamed on an input
      // value (two observations given to add() would make a categorical domain instead)
      m.put(new RealInfo(c, 2, Double.MAX_VALUE, -Double.MAX_VALUE, 0.0, 0.0));
    }
    return new ImmutableFeatureMap(m);
  }

  /** How many native prediction calls this model made. */
  long calls() {
    return calls.get();
  }

  /** The predictions of one call's outputs (one array per row), in the order of {@code batch}. */
  abstract List<Prediction<T>> decode(float[][] outputs, List<Example<T>> batch);

  @Override
  public Prediction<T> predict(Example<T> example) {
    return run(List.of(example)).get(0);
  }

  @Override
  public List<Prediction<T>> predict(Iterable<Example<T>> examples) {
    return innerPredict(examples);
  }

  @Override
  protected List<Prediction<T>> innerPredict(Iterable<Example<T>> examples) {
    return DenseBatches.predict(examples, columns, this::run);
  }

  private List<Prediction<T>> run(List<Example<T>> batch) {
    int rows = batch.size();
    float[] data = new float[rows * columns];
    Arrays.fill(data, Float.NaN);
    DenseBatches.fill(batch, columnOf, columns, (i, v) -> data[i] = (float) v);
    float[][] outputs;
    try {
      calls.incrementAndGet();
      outputs = pool.predict(data, rows, columns);
    } catch (IllegalStateException e) {
      String what = "Version " + modelVersion + " of '" + modelName + "'";
      throw new IllegalStateException(
          Thread.currentThread().isInterrupted()
              ? "Interrupted while waiting for a free booster of " + what
              : what + " is closed (retired)",
          e);
    } catch (IllegalArgumentException e) {
      throw new XgboostModelException(
          modelName,
          modelVersion,
          "XGBoost failed on "
              + rows
              + " row(s) of version "
              + modelVersion
              + " of '"
              + modelName
              + "': "
              + e.getMessage(),
          e);
    }
    if (outputs.length != rows) {
      throw new XgboostModelException(
          modelName,
          modelVersion,
          "XGBoost answered " + outputs.length + " rows for " + rows + " of '" + modelName + "'");
    }
    return decode(outputs, batch);
  }

  /** Disposes the boosters (busy ones when their call returns); bounded, idempotent. */
  @Override
  public void close() {
    pool.close();
  }

  boolean isClosed() {
    return pool.isClosed();
  }

  @Override
  public Map<String, List<Pair<String, Double>>> getTopFeatures(int n) {
    return Map.of();
  }

  @Override
  public Optional<Excuse<T>> getExcuse(Example<T> example) {
    return Optional.empty();
  }

  @Override
  protected Model<T> copy(String newName, ModelProvenance newProvenance) {
    throw new UnsupportedOperationException("An XGBoost model is not copied; load it again");
  }
}
