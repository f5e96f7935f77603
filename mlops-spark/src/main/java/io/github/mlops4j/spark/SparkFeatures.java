package io.github.mlops4j.spark;

import io.github.mlops4j.features.FeatureException;
import io.github.mlops4j.features.FeatureStatus;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.features.FeatureView;
import io.github.mlops4j.features.Field;
import io.github.mlops4j.features.JoinOptions;
import io.github.mlops4j.features.ValueType;
import io.github.mlops4j.features.WriteResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.exchange.Exchange;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.hash.Murmur3_x86_32;
import org.jspecify.annotations.Nullable;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The feature store's point-in-time join ({@link FeatureStore#historical}) over Spark {@code
 * Dataset}s: a spine of entity rows and, per view, the view's feature rows (read from Parquet, a
 * table, anything Spark reads). View definitions (entity keys, feature types, TTL, NaN policy) come
 * from the feature store, read once on the driver by {@link #of(FeatureStore)}.
 *
 * <p>The semantics are exactly those of the single-JVM join (docs/features.md, "The as-of rule"),
 * computed by the same rule ({@code AsOfRule}): per spine row and view, the winner is the row of
 * the same entity with the greatest (event time, created time, sequence) among those with event
 * time at or before the spine row's time (and, as of known time, created time at or before it); a
 * winner older than the TTL reads {@link FeatureStatus#EXPIRED}; no winner reads {@link
 * FeatureStatus#NOT_FOUND}. The result has exactly one row per spine row, in spine order, with the
 * spine's columns unchanged followed, per view, by {@link #eventTimeColumn(String)} and, per
 * feature, {@link #valueColumn(String)} and {@link #statusColumn(String)}.
 *
 * <p>Columns. Spine: the entity key columns of every view involved and {@link #SPINE_TIME}. Feature
 * rows: the view's entity key columns, {@link #EVENT_TIME}, {@link #CREATED_TIME}, optionally
 * {@link #SEQUENCE} (the last tie-breaker, the write order; without it rows that tie on both times
 * are ordered by their position in the Dataset's partitions) and the features, each null or of the
 * feature's type. Times are either {@code long} epoch nanoseconds (exact, like the store) or Spark
 * timestamps (microseconds). Keys of type {@code LONG} may be any integral column type.
 *
 * <p>How it runs: the spine rows and the feature rows of every view with the same entity keys are
 * shuffled once by entity, sorted within partitions by (entity, time, then feature rows before
 * spine rows at equal times), and swept in one pass that keeps, per entity and view, the winner so
 * far (and, as of known time, the rows not yet known at the current spine time); views keyed
 * differently take one such pass each. A final sort by the spine's row index restores spine order.
 * No entity's rows are held in memory as a whole, and Spark's sort spills to disk as needed.
 *
 * <p>Limits: on-demand features are not computed here. A spine row with a null key or time, or a
 * feature row with a null key or time, fails the job with a {@link FeatureException} naming the
 * view and column.
 *
 * @since 0.1.0
 */
public final class SparkFeatures {
  /** The spine's time column: the time {@code T} each row's features are looked up at. */
  public static final String SPINE_TIME = "timestamp";

  /** The feature rows' event time column. */
  public static final String EVENT_TIME = "event_time";

  /** The feature rows' created time column (when the values became known). */
  public static final String CREATED_TIME = "created_time";

  /** The feature rows' optional write sequence column ({@code long}). */
  public static final String SEQUENCE = "sequence";

  private static final String INDEX = "__mlops_spine_index";

  private final Map<String, FeatureView> views;

  private SparkFeatures(Map<String, FeatureView> views) {
    this.views = views;
  }

  /** A join over the view definitions {@code store} holds now. */
  public static SparkFeatures of(FeatureStore store) {
    Objects.requireNonNull(store, "store");
    Map<String, FeatureView> views = new LinkedHashMap<>();
    for (FeatureView v : store.views()) {
      views.put(v.name(), v);
    }
    return new SparkFeatures(views);
  }

  /** The result column holding the value of {@code "view:feature"}. */
  public static String valueColumn(String featureRef) {
    String[] p = split(featureRef);
    return p[0] + "__" + p[1];
  }

  /** The result column holding the {@link FeatureStatus} name of {@code "view:feature"}. */
  public static String statusColumn(String featureRef) {
    return valueColumn(featureRef) + "__status";
  }

  /**
   * The result column holding the winning row's event time for {@code view} (epoch nanoseconds;
   * null when {@link FeatureStatus#NOT_FOUND}).
   */
  public static String eventTimeColumn(String view) {
    return view + "__event_time";
  }

  /**
   * Writes the feature rows of {@code rows} into the view's offline store from parallel tasks, each
   * partition in one {@link FeatureStore#write(String, List, String) write} transaction with the
   * write id {@code <jobId>/<partition index>}. A task that fails after its transaction committed
   * and is retried, a speculative copy of a task, or a re-run of the whole job with the same {@code
   * jobId} stores nothing again: the retry finds its id recorded. So every row is stored exactly
   * once, as long as each partition holds the same rows in every attempt (true of files and tables
   * read as they are, and of deterministic transformations of them; sort or checkpoint the Dataset
   * before writing when it comes out of a non-deterministic repartition).
   *
   * <p><b>Online store.</b> As with {@link FeatureStore#write}, the rows whose event time is at or
   * before the view's watermark reach the online store from the same transaction (the newest per
   * entity; an older row never replaces a newer one), so they too are written in parallel. Rows
   * after the watermark reach it with the next {@link FeatureStore#materialize}. To send a backfill
   * online in parallel, materialize up to now first, then write.
   *
   * <p>Columns: the view's entity keys, {@link #EVENT_TIME}, optionally {@link #CREATED_TIME}
   * (missing or null: the write time), and any of the view's stored features (a feature without a
   * column is stored null). Times are {@code long} epoch nanoseconds or Spark timestamps. Any other
   * column is refused, so a misspelt feature is not stored as nulls silently.
   *
   * <p>Each task opens the store from {@code store} (it must be reachable from the executors) and
   * holds its partition's rows in memory for the one transaction: repartition so that partitions
   * are tens of MB. Bad rows (a null key or event time, a value of the wrong type) fail the task
   * with the store's {@code FeatureDataException}, and that partition stores nothing; partitions
   * written before stay written, and running the job again with the same {@code jobId} stores the
   * rest.
   *
   * @param jobId names this set of rows: 1 to 150 characters without control characters; reuse it
   *     only to repeat the same write
   * @throws IllegalArgumentException for an unknown view, a missing, mistyped or unknown column, or
   *     a bad job id
   * @since 0.1.0
   */
  public static SparkWriteResult write(
      Dataset<Row> rows, FeatureStoreRef store, String view, String jobId) {
    return write(rows, store, view, jobId, null);
  }

  static SparkWriteResult write(
      Dataset<Row> rows,
      FeatureStoreRef store,
      String view,
      String jobId,
      FeatureWriteTask.@Nullable AfterWrite afterWrite) {
    Objects.requireNonNull(rows, "rows");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(view, "view");
    Objects.requireNonNull(jobId, "jobId");
    if (jobId.isEmpty()
        || jobId.length() > 150
        || jobId.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(
          "Bad job id ("
              + jobId.length()
              + " characters): use 1 to 150 characters without control characters");
    }
    FeatureView v;
    try (FeatureStoreRef.Opened opened = store.open()) {
      v =
          opened
              .features()
              .view(view)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "Unknown feature view " + quote(view) + " in " + store));
    }
    List<String> known = new ArrayList<>();
    List<Column> select = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (Field k : v.entities()) {
      select.add(typed(rows, k, "rows to write").as(k.name()));
      keys.add(k.name());
      known.add(k.name());
    }
    select.add(nanos(rows, EVENT_TIME, "rows to write").as(EVENT_TIME));
    select.add(
        has(rows, CREATED_TIME)
            ? nanos(rows, CREATED_TIME, "rows to write").as(CREATED_TIME)
            : functions.lit(null).cast(DataTypes.LongType).as(CREATED_TIME));
    known.add(EVENT_TIME);
    known.add(CREATED_TIME);
    List<String> features = new ArrayList<>();
    for (Field f : v.features()) {
      known.add(f.name());
      if (has(rows, f.name())) {
        select.add(typed(rows, f, "rows to write").as(f.name()));
        features.add(f.name());
      }
    }
    List<String> unknown = new ArrayList<>();
    for (String c : rows.columns()) {
      if (!known.contains(c)) {
        unknown.add(c);
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "The rows to write have "
              + unknown.size()
              + " column(s) that are not keys, times or stored features of view "
              + quote(v.name())
              + ": "
              + quote(String.join(", ", unknown))
              + "; drop them or apply the features to the view first");
    }
    StructType result =
        new StructType()
            .add("partition", DataTypes.IntegerType, false)
            .add("rows", DataTypes.IntegerType, false)
            .add("first_sequence", DataTypes.LongType, false)
            .add("late_entities", DataTypes.IntegerType, false);
    List<Row> done =
        rows.select(select.toArray(new Column[0]))
            .mapPartitions(
                new FeatureWriteTask(store, v.name(), jobId, keys, features, afterWrite),
                Encoders.row(result))
            .collectAsList();
    List<Row> sorted = new ArrayList<>(done);
    sorted.sort(java.util.Comparator.comparingInt(r -> r.getInt(0)));
    List<WriteResult> partitions = new ArrayList<>(sorted.size());
    for (Row r : sorted) {
      partitions.add(new WriteResult(v.name(), r.getInt(1), r.getLong(2), r.getInt(3)));
    }
    return new SparkWriteResult(v.name(), jobId, partitions);
  }

  /** {@link #historical(Dataset, Map, List, JoinOptions)} with {@link JoinOptions#defaults()}. */
  public Dataset<Row> historical(
      Dataset<Row> spine, Map<String, Dataset<Row>> rows, List<String> features) {
    return historical(spine, rows, features, JoinOptions.defaults());
  }

  /**
   * A point-in-time training set: one row per spine row, in spine order (duplicates kept).
   *
   * @param spine entity key columns of every view involved, {@link #SPINE_TIME}, other columns
   * @param rows feature rows by view name, for every view named in {@code features}
   * @param features {@code "view:feature"} references
   * @param options as of known time, per-view TTL overrides
   * @throws IllegalArgumentException for an unknown view or feature, a view without rows, or a
   *     missing or mistyped column
   */
  public Dataset<Row> historical(
      Dataset<Row> spine,
      Map<String, Dataset<Row>> rows,
      List<String> features,
      JoinOptions options) {
    Objects.requireNonNull(spine, "spine");
    Objects.requireNonNull(rows, "rows");
    Objects.requireNonNull(options, "options");
    Map<String, List<Field>> byView = new LinkedHashMap<>();
    for (String ref : List.copyOf(features)) {
      String[] p = split(ref);
      FeatureView v = views.get(p[0]);
      if (v == null) {
        throw new IllegalArgumentException("Unknown feature view " + quote(p[0]) + " in " + ref);
      }
      Field f =
          v.features().stream()
              .filter(x -> x.name().equals(p[1]))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "Feature view "
                              + quote(v.name())
                              + " has no stored feature "
                              + quote(p[1])
                              + " (on-demand features are not joined on Spark)"));
      List<Field> fs = byView.computeIfAbsent(v.name(), k -> new ArrayList<>());
      if (!fs.contains(f)) {
        fs.add(f);
      }
    }
    nanos(spine, SPINE_TIME, "spine"); // checks the column before any job runs
    List<String> spineColumns = List.of(spine.columns());
    // Views with the same entity keys are joined in one pass: their feature rows and the spine
    // rows in one shuffle by entity, one sort, one sweep. Views keyed differently take one pass
    // each, the second over the first one's result.
    Map<List<Field>, List<String>> passes = new LinkedHashMap<>();
    for (String view : byView.keySet()) {
      FeatureView v = Objects.requireNonNull(views.get(view));
      if (!rows.containsKey(view)) {
        throw new IllegalArgumentException("No feature rows given for view " + quote(view));
      }
      passes.computeIfAbsent(v.entities(), k -> new ArrayList<>()).add(view);
    }
    // The index restores spine order at the end. The spine is read once, in the first pass's
    // shuffle, so each spine row is numbered once; what follows reads shuffled copies of it.
    Dataset<Row> out = spine.withColumn(INDEX, functions.monotonically_increasing_id());
    for (Map.Entry<List<Field>, List<String>> pass : passes.entrySet()) {
      List<FeatureView> vs = new ArrayList<>();
      for (String view : pass.getValue()) {
        vs.add(Objects.requireNonNull(views.get(view)));
      }
      out = joinPass(out, pass.getKey(), vs, byView, rows, options);
    }
    List<Column> select = new ArrayList<>();
    for (String c : spineColumns) {
      select.add(out.col(quoted(c)));
    }
    for (Map.Entry<String, List<Field>> e : byView.entrySet()) {
      select.add(out.col(quoted(eventTimeColumn(e.getKey()))));
      for (Field f : e.getValue()) {
        String ref = e.getKey() + ":" + f.name();
        select.add(out.col(quoted(valueColumn(ref))));
        select.add(out.col(quoted(statusColumn(ref))));
      }
    }
    return inSpineOrder(out, spine).select(select.toArray(new Column[0]));
  }

  /**
   * The rows of {@code out} in spine order. When the spine is read straight from its source (no
   * exchange or subquery in its plan), the number of its partitions is known without running
   * anything; the index holds each row's spine partition ({@code monotonically_increasing_id}: the
   * partition in the upper 31 bits, the row within it in the lower 33), so each spine partition's
   * rows are sent to the result partition of the same number and sorted there by index. Else a
   * global sort by the index, whose range partitioning first samples its input in a job of its own
   * (the sort and sweep of the last pass run twice then).
   */
  private static Dataset<Row> inSpineOrder(Dataset<Row> out, Dataset<Row> spine) {
    int parts = scanPartitions(spine);
    if (parts <= 0) {
      return out.orderBy(INDEX);
    }
    Column partition =
        functions.least(
            functions.shiftright(out.col(INDEX), 33).cast(DataTypes.IntegerType),
            functions.lit(parts - 1));
    Column key = functions.element_at(functions.lit(partitionKeys(parts)), partition.plus(1));
    return out.repartition(parts, key).sortWithinPartitions(INDEX);
  }

  /**
   * For each partition number {@code p} below {@code parts}, an {@code int} that Spark's hash
   * partitioning ({@code pmod(murmur3(value, seed 42), parts)}, as {@code repartition(parts,
   * column)} computes it) sends to partition {@code p}.
   */
  static int[] partitionKeys(int parts) {
    int[] keys = new int[parts];
    boolean[] found = new boolean[parts];
    int left = parts;
    for (int v = 0; left > 0; v++) {
      int p = Math.floorMod(Murmur3_x86_32.hashInt(v, 42), parts);
      if (!found[p]) {
        found[p] = true;
        keys[p] = v;
        left--;
      }
    }
    return keys;
  }

  /**
   * The number of partitions of {@code spine} when its plan reads its source without an exchange or
   * subquery (so that building its RDD runs no job), else -1.
   */
  private static int scanPartitions(Dataset<Row> spine) {
    if (!(spine instanceof org.apache.spark.sql.classic.Dataset<Row> classic)) {
      return -1;
    }
    SparkPlan plan = classic.queryExecution().executedPlan();
    return exchangeFree(plan) ? plan.execute().getNumPartitions() : -1;
  }

  private static boolean exchangeFree(SparkPlan plan) {
    if (plan instanceof Exchange
        || plan instanceof AdaptiveSparkPlanExec
        || !plan.subqueries().isEmpty()) {
      return false;
    }
    for (SparkPlan child : CollectionConverters.asJava(plan.children())) {
      if (!exchangeFree(child)) {
        return false;
      }
    }
    return true;
  }

  private static final String KEY = "__mlops_key_";
  private static final String TIME = "__mlops_time";
  private static final String KIND = "__mlops_kind";
  private static final String CREATED = "__mlops_created";
  private static final String SEQ = "__mlops_sequence";
  private static final String PAYLOAD = "__mlops_payload";
  private static final String SORT_KEY = "__mlops_sort_key";

  /** The bits of {@link #SORT_KEY} that hold the entity's hash group. */
  static final long GROUP_MASK = 0xFFFF_FFFF_FF00_0000L;

  /**
   * One pass of the join: the spine rows (with every column of {@code probe}) and the feature rows
   * of {@code vs}, which share the entity keys {@code keys}, as one Dataset shuffled by entity,
   * sorted by (key hash group and time bucket, time, kind, created time, sequence) within
   * partitions and swept by {@link AsOfPass}: {@code probe}'s columns followed by each view's
   * result columns.
   */
  private static Dataset<Row> joinPass(
      Dataset<Row> probe,
      List<Field> keys,
      List<FeatureView> vs,
      Map<String, List<Field>> byView,
      Map<String, Dataset<Row>> rows,
      JoinOptions options) {
    StructType probeSchema = probe.schema();
    List<List<Field>> features = new ArrayList<>();
    for (FeatureView v : vs) {
      features.add(Objects.requireNonNull(byView.get(v.name())));
    }
    int k = keys.size();
    List<Column> spineSide = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      spineSide.add(key(probe, keys.get(i), "spine").as(KEY + i));
    }
    spineSide.add(nanos(probe, SPINE_TIME, "spine").as(TIME));
    spineSide.add(functions.lit(vs.size()).as(KIND));
    spineSide.add(functions.lit(null).cast(DataTypes.LongType).as(CREATED));
    spineSide.add(functions.lit(null).cast(DataTypes.LongType).as(SEQ));
    // The spine's columns travel as one struct column, each view's features as another: a feature
    // row carries one null slot for the payload and one per other view, not one per column.
    StructField[] payload = probeSchema.fields();
    Column[] payloadColumns = new Column[payload.length];
    for (int i = 0; i < payload.length; i++) {
      payloadColumns[i] = probe.col(quoted(payload[i].name())).as(PAYLOAD + i);
    }
    spineSide.add(functions.struct(payloadColumns).as(PAYLOAD));
    DataType payloadType = payloadType(payload);
    int firstView = k + 5;
    List<AsOfPass.View> passViews = new ArrayList<>();
    DataType[] viewTypes = new DataType[vs.size()];
    for (int v = 0; v < vs.size(); v++) {
      FeatureView view = vs.get(v);
      List<Field> fs = features.get(v);
      viewTypes[v] = viewType(fs, v);
      spineSide.add(functions.lit(null).cast(viewTypes[v]).as(viewColumn(v)));
      boolean[] doubles = new boolean[fs.size()];
      for (int j = 0; j < doubles.length; j++) {
        doubles[j] = fs.get(j).type() == ValueType.DOUBLE;
      }
      passViews.add(
          new AsOfPass.View(
              view.name(),
              fs.stream().map(Field::name).toArray(String[]::new),
              doubles,
              view.nanPolicy(),
              options.ttl(view.name()).map(Duration::toNanos).orElse(view.ttl().toNanos()),
              firstView + v));
    }
    Dataset<Row> all = probe.select(spineSide.toArray(new Column[0]));
    for (int v = 0; v < vs.size(); v++) {
      FeatureView view = vs.get(v);
      Dataset<Row> source = Objects.requireNonNull(rows.get(view.name()));
      String where = "rows of " + view.name();
      List<Column> side = new ArrayList<>();
      for (int i = 0; i < k; i++) {
        side.add(key(source, keys.get(i), where).as(KEY + i));
      }
      side.add(nanos(source, EVENT_TIME, view.name()).as(TIME));
      side.add(functions.lit(v).as(KIND));
      side.add(nanos(source, CREATED_TIME, view.name()).as(CREATED));
      side.add(
          (has(source, SEQUENCE)
                  ? source.col(SEQUENCE).cast(DataTypes.LongType)
                  : functions.monotonically_increasing_id())
              .as(SEQ));
      side.add(functions.lit(null).cast(payloadType).as(PAYLOAD));
      for (int w = 0; w < vs.size(); w++) {
        if (w == v) {
          List<Field> fs = features.get(w);
          Column[] values = new Column[fs.size()];
          for (int j = 0; j < values.length; j++) {
            values[j] = typed(source, fs.get(j), where).as(featureColumn(w, j));
          }
          side.add(functions.struct(values).as(viewColumn(w)));
        } else {
          side.add(functions.lit(null).cast(viewTypes[w]).as(viewColumn(w)));
        }
      }
      all = all.union(source.select(side.toArray(new Column[0])));
    }
    Column[] keyColumns = new Column[k];
    for (int i = 0; i < k; i++) {
      keyColumns[i] = all.col(KEY + i);
    }
    // The sort key: the upper 40 bits of a 64-bit hash of the entity keys, then the upper 24 bits
    // of the time (epoch nanoseconds, sign bit flipped: buckets of 2^40 ns, about 18 minutes, over
    // the whole range of long). As the sort's first column it is its 64-bit prefix, so most
    // comparisons are decided by one long comparison. The rows of an entity are contiguous within
    // the rows of its hash group, in time order; AsOfPass keeps the entities of a group apart.
    Column sortKey =
        functions
            .xxhash64(keyColumns)
            .bitwiseAND(functions.lit(GROUP_MASK))
            .bitwiseOR(
                functions
                    .shiftrightunsigned(all.col(TIME), 40)
                    .bitwiseXOR(functions.lit(1L << 23)));
    all = all.withColumn(SORT_KEY, sortKey);
    Dataset<Row> sorted =
        all.repartition(all.col(SORT_KEY).bitwiseAND(functions.lit(GROUP_MASK)))
            .sortWithinPartitions(
                all.col(SORT_KEY), all.col(TIME), all.col(KIND), all.col(CREATED), all.col(SEQ));

    StructType outSchema = probeSchema;
    for (int v = 0; v < vs.size(); v++) {
      String name = vs.get(v).name();
      outSchema = outSchema.add(eventTimeColumn(name), DataTypes.LongType, true);
      for (Field f : features.get(v)) {
        String ref = name + ":" + f.name();
        outSchema =
            outSchema
                .add(valueColumn(ref), sparkType(f.type()), true)
                .add(statusColumn(ref), DataTypes.StringType, false);
      }
    }
    AsOfPass pass =
        new AsOfPass(
            keys.stream().map(Field::name).toArray(String[]::new),
            payload.length,
            passViews.toArray(new AsOfPass.View[0]),
            options.asOfKnownTime());
    return sorted.mapPartitions(pass, Encoders.row(outSchema));
  }

  /**
   * An entity key column as the sweep reads it: {@code STRING} keys as their UTF-8 bytes, which the
   * sweep compares without decoding them (the spine's own columns travel in the payload).
   */
  private static Column key(Dataset<Row> ds, Field f, String where) {
    Column c = typed(ds, f, where);
    return f.type() == ValueType.STRING ? c.cast(DataTypes.BinaryType) : c;
  }

  private static String featureColumn(int view, int feature) {
    return "__mlops_v" + view + "_" + feature;
  }

  private static String viewColumn(int view) {
    return "__mlops_v" + view;
  }

  /** The type of the struct column that carries the spine's columns through the shuffle. */
  private static DataType payloadType(StructField[] payload) {
    StructType t = new StructType();
    for (int i = 0; i < payload.length; i++) {
      t = t.add(PAYLOAD + i, payload[i].dataType(), payload[i].nullable());
    }
    return t;
  }

  /** The type of the struct column that carries one view's features through the shuffle. */
  private static DataType viewType(List<Field> features, int view) {
    StructType t = new StructType();
    for (int j = 0; j < features.size(); j++) {
      t = t.add(featureColumn(view, j), sparkType(features.get(j).type()), true);
    }
    return t;
  }

  /** A column name as {@code Dataset.col} takes it literally (no nesting by dots). */
  private static String quoted(String column) {
    return "`" + column.replace("`", "``") + "`";
  }

  // ---------------------------------------------------------------- columns

  static boolean has(Dataset<Row> ds, String column) {
    for (String c : ds.columns()) {
      if (c.equals(column)) {
        return true;
      }
    }
    return false;
  }

  private static StructField field(Dataset<Row> ds, String column, String where) {
    if (!has(ds, column)) {
      throw new IllegalArgumentException(
          "The "
              + where
              + " has no column "
              + quote(column)
              + "; its columns: "
              + quote(String.join(", ", ds.columns())));
    }
    return ds.schema().apply(column);
  }

  /** A time column as epoch nanoseconds: {@code long} nanoseconds or a Spark timestamp. */
  static Column nanos(Dataset<Row> ds, String column, String where) {
    DataType t = field(ds, column, where).dataType();
    if (t.equals(DataTypes.LongType)) {
      return ds.col(column);
    }
    if (t.equals(DataTypes.TimestampType) || t.equals(DataTypes.TimestampNTZType)) {
      return functions.unix_micros(ds.col(column)).multiply(1000L);
    }
    throw new IllegalArgumentException(
        "Column "
            + quote(column)
            + " of the "
            + where
            + " is "
            + t.simpleString()
            + "; a time is a long (epoch nanoseconds) or a timestamp");
  }

  /** A key or feature column with its view type's Spark type; mistyped columns are refused. */
  static Column typed(Dataset<Row> ds, Field f, String where) {
    DataType t = field(ds, f.name(), where).dataType();
    DataType want = sparkType(f.type());
    boolean ok =
        t.equals(want)
            || (f.type() == ValueType.LONG
                && (t.equals(DataTypes.IntegerType)
                    || t.equals(DataTypes.ShortType)
                    || t.equals(DataTypes.ByteType)))
            || (f.type() == ValueType.DOUBLE && t.equals(DataTypes.FloatType))
            || (f.type() == ValueType.TIMESTAMP && t.equals(DataTypes.TimestampNTZType));
    if (!ok) {
      throw new IllegalArgumentException(
          "Column "
              + quote(f.name())
              + " of the "
              + where
              + " is "
              + t.simpleString()
              + "; the view declares "
              + f.type());
    }
    return t.equals(want) ? ds.col(f.name()) : ds.col(f.name()).cast(want);
  }

  static DataType sparkType(ValueType type) {
    switch (type) {
      case STRING:
        return DataTypes.StringType;
      case LONG:
        return DataTypes.LongType;
      case DOUBLE:
        return DataTypes.DoubleType;
      case BOOLEAN:
        return DataTypes.BooleanType;
      case TIMESTAMP:
        return DataTypes.TimestampType;
    }
    throw new AssertionError(type);
  }

  private static String[] split(String ref) {
    Objects.requireNonNull(ref, "feature reference");
    int colon = ref.indexOf(':');
    if (colon <= 0 || colon == ref.length() - 1) {
      throw new IllegalArgumentException(
          "A feature reference is \"view:feature\", not " + quote(ref));
    }
    return new String[] {ref.substring(0, colon), ref.substring(colon + 1)};
  }

  /** A user value for a message, quoted and cut to 100 characters. */
  static String quote(String s) {
    return s.length() <= 100
        ? "\"" + s + "\""
        : "\"" + s.substring(0, 100) + "...\" (" + s.length() + " chars)";
  }
}
