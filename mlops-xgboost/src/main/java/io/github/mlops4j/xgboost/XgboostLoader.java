package io.github.mlops4j.xgboost;

import io.github.mlops4j.registry.ModelFormatLoader;
import io.github.mlops4j.registry.ModelSignature;
import io.github.mlops4j.registry.ModelVersion;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.tribuo.Model;
import org.tribuo.Output;

/**
 * Loads registered XGBoost versions with xgboost4j, for {@code ModelRegistry.loadTribuo} and every
 * service built on it ({@code InferenceService}, {@code BatchJob}, {@code ModelEvaluator}).
 *
 * <p>Found through {@link java.util.ServiceLoader} when {@code mlops-xgboost} is on the class path,
 * with the defaults below; give a configured one to {@code
 * ModelRegistry.builder().modelLoader(XgboostLoader.builder()...build())}.
 *
 * <p>What it checks, in order: the registry has checked the artifact's size and SHA-256; the file
 * is read without XGBoost ({@code XgboostFileCheck}): it must be a model saved as JSON or UBJ (the
 * legacy binary format and anything else are refused), at most {@link Builder#maxModelBytes} long,
 * well formed to its last byte, nested at most 32 deep, and its objective, number of classes,
 * number of features and feature names must fit the signature stored at registration; then XGBoost
 * loads it, and must read the same number of features.
 *
 * <p>Each version gets a pool of {@link Builder#poolSize} boosters, so that that many callers
 * predict at once, none sharing a booster with another (xgboost4j up to 3.0 synchronized {@code
 * Booster.predict}, and dart boosters are not safe to share); a list of rows is predicted in one
 * native call. Each booster predicts with {@link Builder#threadsPerCall} threads (default 1, so one
 * prediction does not take every core). The boosters are disposed when the version retires.
 *
 * @since 0.1.0
 */
public final class XgboostLoader implements ModelFormatLoader {
  /** The format name of XGBoost versions. */
  public static final String FORMAT = "xgboost";

  /** The largest pool size. */
  public static final int MAX_POOL_SIZE = 256;

  private final int poolSize;
  private final int threadsPerCall;
  private final long maxModelBytes;

  /** The loader with the defaults; used by {@link java.util.ServiceLoader}. */
  public XgboostLoader() {
    this(new Builder());
  }

  private XgboostLoader(Builder b) {
    this.poolSize = b.poolSize;
    this.threadsPerCall = b.threadsPerCall;
    this.maxModelBytes = b.maxModelBytes;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String format() {
    return FORMAT;
  }

  /** Boosters per loaded version. */
  public int poolSize() {
    return poolSize;
  }

  /**
   * Loads a verified XGBoost version as a model of {@code outputType} ({@code Label} for a version
   * registered with {@link XgboostArtifact#classification}, {@code Regressor} for {@link
   * XgboostArtifact#regression()}).
   *
   * @throws XgboostModelException if the file fails a check, does not fit the stored signature,
   *     XGBoost refuses it, or xgboost4j is not on the class path
   */
  @Override
  public <T extends Output<T>> Model<T> load(
      ModelVersion version, byte[] bytes, Class<T> outputType) {
    String name = version.modelName();
    int number = version.version();
    ModelSignature signature =
        version
            .signature()
            .orElseThrow(
                () ->
                    new XgboostModelException(
                        name,
                        number,
                        "Version "
                            + number
                            + " of '"
                            + name
                            + "' has no signature; register XGBoost files with"
                            + " XgboostArtifact.of(file)...toArtifact()"));
    XgboostKind kind = XgboostKind.of(signature.outputType());
    if (kind == null || !kind.outputClass().equals(outputType.getName())) {
      throw new XgboostModelException(
          name,
          number,
          name
              + " v"
              + number
              + " is a "
              + XgboostFileCheck.cut(signature.outputType())
              + " model, not "
              + outputType.getSimpleName());
    }
    XgboostFileCheck.Info info = checkFile(name, number, bytes);
    List<String> columns = signature.inputNames();
    List<String> labels = signature.outputLabels();
    String mismatch = mismatch(info, kind, columns, labels);
    if (mismatch != null) {
      throw new XgboostModelException(
          name,
          number,
          "Version "
              + number
              + " of '"
              + name
              + "' does not fit its stored signature: "
              + mismatch);
    }
    try {
      BoosterPool pool = openPool(name, number, bytes, info, poolSize, threadsPerCall);
      try {
        XgboostModel<?> model =
            kind == XgboostKind.CLASSIFICATION
                ? new XgboostClassifier(name, number, columns, labels, pool)
                : new XgboostRegressor(name, number, columns, labels.get(0), pool);
        return model.castModel(outputType);
      } catch (RuntimeException e) {
        pool.close();
        throw e;
      }
    } catch (NoClassDefFoundError e) {
      throw missingRuntime(name, number, e);
    }
  }

  /** What in the file disagrees with a signature, or null. */
  static @Nullable String mismatch(
      XgboostFileCheck.Info info, XgboostKind kind, List<String> columns, List<String> labels) {
    String unsupported = info.unsupported();
    if (unsupported != null) {
      return unsupported;
    }
    if (XgboostKind.of(info) != kind) {
      return "the model's objective "
          + XgboostFileCheck.cut(info.objective())
          + " is "
          + (info.classification() ? "a classification" : "a regression")
          + ", the signature says "
          + kind.outputType();
    }
    if (columns.size() != info.numFeature()) {
      return "the model has " + info.numFeature() + " features, the signature " + columns.size();
    }
    if (!info.featureNames().isEmpty() && !info.featureNames().equals(columns)) {
      return "the model's feature names "
          + XgboostFileCheck.cut(info.featureNames().toString())
          + " differ from the signature's "
          + XgboostFileCheck.cut(columns.toString());
    }
    int outputs = kind == XgboostKind.CLASSIFICATION ? info.classes() : 1;
    if (labels.size() != outputs) {
      return kind == XgboostKind.CLASSIFICATION
          ? "the model has " + outputs + " classes, the signature " + labels.size() + " labels"
          : "a regression signature names one output, not " + labels.size();
    }
    return null;
  }

  static BoosterPool openPool(
      @Nullable String name,
      int number,
      byte[] bytes,
      XgboostFileCheck.Info info,
      int size,
      int threads) {
    try {
      return BoosterPool.open(bytes, size, threads, info.numFeature(), info.booster());
    } catch (IllegalArgumentException e) {
      throw new XgboostModelException(
          name, name == null ? null : number, where(name, number) + ": " + e.getMessage(), e);
    }
  }

  XgboostFileCheck.Info checkFile(@Nullable String name, int number, byte[] bytes) {
    try {
      return XgboostFileCheck.check(bytes, maxModelBytes);
    } catch (IllegalArgumentException e) {
      throw new XgboostModelException(
          name,
          name == null ? null : number,
          where(name, number) + " was refused before XGBoost saw it: " + e.getMessage(),
          e);
    }
  }

  private static String where(@Nullable String name, int number) {
    return name == null ? "The XGBoost file" : "Version " + number + " of '" + name + "'";
  }

  static XgboostModelException missingRuntime(@Nullable String name, int number, Throwable cause) {
    return new XgboostModelException(
        name,
        name == null ? null : number,
        "xgboost4j is not on the class path: add ml.dmlc:xgboost4j_2.12"
            + " (mlops-xgboost declares it; it was excluded or is missing at run time)",
        cause);
  }

  /** Configures an {@link XgboostLoader}; setters check their arguments at once. */
  public static final class Builder {
    private int poolSize = Math.min(Runtime.getRuntime().availableProcessors(), MAX_POOL_SIZE);
    private int threadsPerCall = 1;
    private long maxModelBytes = 1L << 30;

    private Builder() {}

    /**
     * Boosters per loaded version, each a copy of the model in native memory (default: the
     * available processors, at most {@value XgboostLoader#MAX_POOL_SIZE}): that many callers
     * predict at once; more wait for a free booster.
     */
    public Builder poolSize(int boosters) {
      if (boosters < 1 || boosters > MAX_POOL_SIZE) {
        throw new IllegalArgumentException(
            "poolSize must be between 1 and " + MAX_POOL_SIZE + ", was " + boosters);
      }
      this.poolSize = boosters;
      return this;
    }

    /** Threads (XGBoost's {@code nthread}) one prediction call may use (default 1). */
    public Builder threadsPerCall(int threads) {
      if (threads < 1 || threads > 1024) {
        throw new IllegalArgumentException(
            "threadsPerCall must be between 1 and 1024, was " + threads);
      }
      this.threadsPerCall = threads;
      return this;
    }

    /** The largest model file accepted, in bytes (default 1 GiB). */
    public Builder maxModelBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxModelBytes must be at least 1, was " + bytes);
      }
      this.maxModelBytes = bytes;
      return this;
    }

    public XgboostLoader build() {
      return new XgboostLoader(this);
    }
  }
}
