package io.github.mlops4j.spark;

import io.github.mlops4j.internal.Checks;
import io.github.mlops4j.registry.FeatureSpec;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelSignature;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.registry.RegistryException;
import io.github.mlops4j.registry.internal.DetachedLoading;
import io.github.mlops4j.serving.ValidationPolicy;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.jspecify.annotations.Nullable;

/**
 * One registered model version, resolved, verified and broadcast once, ready to score Datasets and
 * to serve as a SQL function.
 *
 * <p>{@link Builder#build()} runs on the driver: it opens the registry from the {@link
 * RegistryRef}, resolves the alias (or version) once, reads the artifact and checks its size and
 * SHA-256 against the registry, and broadcasts the bytes with the version's description. Every job
 * scored through this object uses that version, whatever happens to the alias meanwhile ({@link
 * #version()} says which). On each executor JVM the model is loaded once, with the registry's
 * checks, and shared by all tasks that run there (a cache keyed by the artifact's digest).
 *
 * <pre>{@code
 * SparkScoring churn = SparkScoring.builder()
 *     .spark(spark).registry(ref).model("churn").reference("champion")
 *     .build();
 * ScoredDataset scored = churn.score(spark.read().parquet("customers.parquet"));
 * scored.predictions().write().parquet("scored.parquet");
 * scored.rejects().write().parquet("rejects.parquet");
 * }</pre>
 *
 * @since 0.1.0
 */
public final class SparkScoring implements AutoCloseable {
  /** The most arguments a SQL function takes: Spark's Java UDFs stop at {@code UDF22}. */
  public static final int MAX_FUNCTION_ARGUMENTS = 22;

  private final String model;
  private final ModelVersion version;
  private final List<String> inputs;
  private final Broadcast<ScoringPayload> payload;
  private final ExecutorModels.Key key;
  private final int batchSize;
  private final java.util.concurrent.atomic.AtomicBoolean released =
      new java.util.concurrent.atomic.AtomicBoolean();

  private SparkScoring(
      ModelVersion version,
      List<String> inputs,
      Broadcast<ScoringPayload> payload,
      ExecutorModels.Key key,
      int batchSize) {
    this.model = version.modelName();
    this.version = version;
    this.inputs = List.copyOf(inputs);
    this.payload = payload;
    this.key = key;
    this.batchSize = batchSize;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The version every job of this object scores with. */
  public ModelVersion version() {
    return version;
  }

  /** The model's input features, in signature order (the SQL function's arguments). */
  public List<String> inputs() {
    return inputs;
  }

  /**
   * Scores {@code dataset}. Columns named like an input feature (or like the base name of one-hot
   * features, {@code colour} for {@code colour@red}) are the model's inputs, given to it as
   * serving's validation reads a request; every other column passes through. Invalid rows are not
   * errors: they come out with a {@link ScoredDataset#REJECT_REASON}. Lazy, like any Spark
   * transformation.
   *
   * <p><b>Prediction ids.</b> Each row's id is a name-based UUID of a seed drawn for this call, the
   * partition index and the row's position in the partition. A retried task, and every evaluation
   * of the result (each action on it, {@link ScoredDataset#predictions()} and {@link
   * ScoredDataset#rejects()}), gives a row the same id as long as the partition's rows come in the
   * same order: true of files and tables read as they are and of narrow transformations of them.
   * Rows that come out of a shuffle (a join, a {@code repartition}) may arrive in another order
   * when it is recomputed; Spark gives no order there, so no id derived from the rows' place can be
   * stable. For such input, {@code localCheckpoint()} or {@code cache()} the Dataset before
   * scoring, or {@code sortWithinPartitions} by a unique column; or carry your own request id
   * through as a column. Two calls to {@code score} give different ids.
   *
   * @throws IllegalArgumentException if an input feature has no column and the validation policy
   *     does not fill, or the dataset already has one of the scoring columns
   */
  public ScoredDataset score(Dataset<Row> dataset) {
    Objects.requireNonNull(dataset, "dataset");
    StructType schema = dataset.schema();
    Set<String> columns = new LinkedHashSet<>(List.of(schema.fieldNames()));
    for (String c :
        List.of(
            ScoredDataset.PREDICTION,
            ScoredDataset.SCORES,
            ScoredDataset.MODEL_VERSION,
            ScoredDataset.PREDICTION_ID,
            ScoredDataset.REJECT_REASON)) {
      if (columns.contains(c)) {
        throw new IllegalArgumentException(
            "The dataset already has a column '" + c + "'; rename or drop it before scoring");
      }
    }
    Set<String> wanted = new HashSet<>();
    List<String> missing = new ArrayList<>();
    for (String in : inputs) {
      int at = in.lastIndexOf('@');
      String base = at > 0 ? in.substring(0, at) : in;
      if (columns.contains(in)) {
        wanted.add(in);
      } else if (at > 0 && columns.contains(base)) {
        wanted.add(base);
      } else {
        missing.add(in);
      }
    }
    if (!missing.isEmpty() && !key.policy().fill()) {
      throw new IllegalArgumentException(
          "The dataset has no column for "
              + missing.size()
              + " input(s) of '"
              + RegistryRef.cut(model)
              + "' v"
              + version.version()
              + ": "
              + RegistryRef.cut(String.join(", ", missing))
              + "; add them, or score with a filling ValidationPolicy");
    }
    List<String> features = new ArrayList<>();
    List<Integer> index = new ArrayList<>();
    String[] names = schema.fieldNames();
    for (int i = 0; i < names.length; i++) {
      if (wanted.contains(names[i])) {
        features.add(names[i]);
        index.add(i);
      }
    }
    StructType out = schema;
    for (StructField f : outputFields()) {
      out = out.add(f);
    }
    ScoringTask task =
        new ScoringTask(
            payload,
            key,
            features.toArray(String[]::new),
            index.stream().mapToInt(Integer::intValue).toArray(),
            version.version(),
            UUID.randomUUID().toString(),
            batchSize);
    Dataset<Row> scored = dataset.mapPartitions(task, Encoders.row(out));
    return new ScoredDataset(scored, model, version.version(), null);
  }

  /**
   * Registers this version as the SQL function {@code name} of {@code spark}: {@code SELECT
   * churn(tenure, spend, ...)} takes the model's {@link #inputs()} positionally, in signature
   * order, and returns a struct of the scoring columns ({@code prediction}, {@code scores}, {@code
   * model_version}, {@code prediction_id}, {@code reject_reason}); {@code churn(...).prediction} is
   * the output. A row the model refuses gives a struct with the reason, never a failed query. The
   * prediction id is derived like {@link #score}'s (a seed drawn for this registration, the
   * partition and the row's position among the rows the function scores in it), with the same
   * guarantee: a retried task gives the same ids when its rows come in the same order. The function
   * is registered as non-deterministic, so Spark evaluates it once per row and does not move it
   * across filters.
   *
   * @throws IllegalArgumentException if the model has more than {@value #MAX_FUNCTION_ARGUMENTS}
   *     inputs (score the Dataset instead) or none
   */
  public void registerFunction(SparkSession spark, String name) {
    Objects.requireNonNull(spark, "spark");
    Objects.requireNonNull(name, "name");
    int n = inputs.size();
    if (n < 1 || n > MAX_FUNCTION_ARGUMENTS) {
      throw new IllegalArgumentException(
          "'"
              + RegistryRef.cut(model)
              + "' has "
              + n
              + " inputs; a SQL function takes 1 to "
              + MAX_FUNCTION_ARGUMENTS
              + ": use score(Dataset) instead");
    }
    UserDefinedFunction udf;
    try {
      Class<?> type = Class.forName("org.apache.spark.sql.api.java.UDF" + n);
      Object body =
          Proxy.newProxyInstance(
              SparkScoring.class.getClassLoader(),
              new Class<?>[] {type},
              new ScoringFunction(
                  payload, key, inputs, version.version(), UUID.randomUUID().toString()));
      StructType result = new StructType(outputFields().toArray(StructField[]::new));
      udf =
          (UserDefinedFunction)
              functions.class.getMethod("udf", type, DataType.class).invoke(null, body, result);
    } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException e) {
      throw new IllegalStateException("This Spark has no Java UDF of arity " + n, e);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("Spark refused the function: " + e.getCause(), e);
    }
    spark.udf().register(name, udf.asNondeterministic());
  }

  /**
   * Frees the broadcast bytes on the executors and the driver; jobs started afterwards cannot score
   * (they fail with Spark's "Attempted to use Broadcast after it was destroyed"). Call it once the
   * Datasets scored through this object are written, and the SQL functions it registered are no
   * longer used. Repeated calls do nothing. Models already loaded stay in the executors' cache
   * until it drops them (see the class comment).
   */
  public void release() {
    if (released.compareAndSet(false, true)) {
      payload.destroy();
    }
  }

  /** {@link #release()}. */
  @Override
  public void close() {
    release();
  }

  static List<StructField> outputFields() {
    return List.of(
        DataTypes.createStructField(ScoredDataset.PREDICTION, DataTypes.StringType, true),
        DataTypes.createStructField(
            ScoredDataset.SCORES,
            DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, false),
            true),
        DataTypes.createStructField(ScoredDataset.MODEL_VERSION, DataTypes.IntegerType, false),
        DataTypes.createStructField(ScoredDataset.PREDICTION_ID, DataTypes.StringType, false),
        DataTypes.createStructField(ScoredDataset.REJECT_REASON, DataTypes.StringType, true));
  }

  /**
   * Configures a {@link SparkScoring}; {@code spark}, {@code registry} and {@code model} are
   * required.
   */
  public static final class Builder {
    private @Nullable SparkSession spark;
    private @Nullable RegistryRef registry;
    private @Nullable String model;
    private String reference = ModelRegistry.LATEST;
    private ValidationPolicy validation = ValidationPolicy.REJECT;
    private int batchSize = 1024;

    private Builder() {}

    /** The session whose context broadcasts the model. */
    public Builder spark(SparkSession spark) {
      this.spark = Objects.requireNonNull(spark, "spark");
      return this;
    }

    public Builder registry(RegistryRef registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    public Builder model(String model) {
      this.model = Objects.requireNonNull(model, "model");
      return this;
    }

    /** An alias, {@code latest} (the default) or a version ({@code 3}, {@code v3}). */
    public Builder reference(String aliasOrVersion) {
      this.reference = Objects.requireNonNull(aliasOrVersion, "reference");
      return this;
    }

    /** What to do with invalid rows, as in serving (default {@link ValidationPolicy#REJECT}). */
    public Builder validation(ValidationPolicy policy) {
      this.validation = Objects.requireNonNull(policy, "validation");
      return this;
    }

    /** Rows per model call (default 1,024). */
    public Builder batchSize(int rows) {
      this.batchSize = Checks.inRange(rows, 1, 1 << 20, "batchSize");
      return this;
    }

    /**
     * Resolves, verifies and broadcasts the version, on the driver.
     *
     * @throws IllegalStateException if spark, registry or model is missing
     * @throws RegistryException if the reference names no version, the artifact cannot be read, or
     *     is not the one registered (a {@code ModelIntegrityException})
     */
    public SparkScoring build() {
      List<String> settings = new ArrayList<>();
      List<String> calls = new ArrayList<>();
      if (spark == null) {
        settings.add("spark");
        calls.add("spark(...)");
      }
      if (registry == null) {
        settings.add("registry");
        calls.add("registry(...)");
      }
      if (model == null) {
        settings.add("model");
        calls.add("model(...)");
      }
      if (!settings.isEmpty()) {
        throw Checks.missing("SparkScoring.Builder", settings, calls);
      }
      SparkSession s = Objects.requireNonNull(spark);
      RegistryRef ref = Objects.requireNonNull(registry);
      String name = Objects.requireNonNull(model);
      ModelVersion v;
      byte[] bytes;
      try (RegistryRef.Opened opened = ref.open()) {
        ModelRegistry r = opened.registry();
        v =
            r.resolve(name, reference)
                .orElseThrow(
                    () ->
                        new RegistryException(
                            name,
                            null,
                            "'"
                                + RegistryRef.cut(reference)
                                + "' of '"
                                + RegistryRef.cut(name)
                                + "' names no version in "
                                + ref
                                + "; check the model name and its aliases"));
        bytes = DetachedLoading.verifiedBytes(v, r.store().artifacts());
      }
      ScoringPayload p =
          new ScoringPayload(
              DetachedLoading.describe(v),
              bytes,
              ref.allowedModelPackages(),
              ref.javaSerialFilter());
      ExecutorModels.Key key =
          new ExecutorModels.Key(
              v.digest(),
              ref.allowedModelPackages(),
              ref.javaSerialFilter(),
              ScoringPayload.Policy.of(validation),
              ScoringTask.noIgnored());
      Broadcast<ScoringPayload> bc =
          JavaSparkContext.fromSparkContext(s.sparkContext()).broadcast(p);
      List<String> inputs =
          v.signature().map(ModelSignature::inputs).orElse(List.of()).stream()
              .map(FeatureSpec::name)
              .toList();
      if (v.signature().isEmpty()) {
        inputs = ExecutorModels.scorer(key, bc::value).inputs(); // the model's own feature domain
      }
      return new SparkScoring(v, inputs, bc, key, batchSize);
    }
  }
}
