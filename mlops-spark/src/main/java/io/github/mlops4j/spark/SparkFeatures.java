package io.github.mlops4j.spark;

import io.github.mlops4j.features.FeatureException;
import io.github.mlops4j.features.FeatureStatus;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.features.FeatureView;
import io.github.mlops4j.features.Field;
import io.github.mlops4j.features.JoinOptions;
import io.github.mlops4j.features.NanPolicy;
import io.github.mlops4j.features.ValueType;
import io.github.mlops4j.features.WriteResult;
import io.github.mlops4j.features.internal.AsOfRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.api.java.function.CoGroupFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.jspecify.annotations.Nullable;

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
 * <p>Limits: each view's rows are grouped by entity on the executors, so one entity's rows and
 * spine rows must fit in a task's memory (the spine as a whole has no such limit). On-demand
 * features are not computed here. A spine row with a null key, or a feature row with a null key or
 * time, fails the job with a {@link FeatureException} naming the view and column.
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
    Column time = nanos(spine, SPINE_TIME, "spine");
    // The index is computed once and kept (localCheckpoint): every view's branch and the final
    // join must see the same number for a spine row, and a spine that comes out of a shuffle
    // could be numbered differently each time it is evaluated. A lost block fails the job
    // rather than mixing rows up.
    Dataset<Row> indexed =
        spine.withColumn(INDEX, functions.monotonically_increasing_id()).localCheckpoint();
    Dataset<Row> out = indexed;
    for (Map.Entry<String, List<Field>> e : byView.entrySet()) {
      FeatureView v = Objects.requireNonNull(views.get(e.getKey()));
      Dataset<Row> source = rows.get(v.name());
      if (source == null) {
        throw new IllegalArgumentException("No feature rows given for view " + quote(v.name()));
      }
      long ttl = options.ttl(v.name()).map(Duration::toNanos).orElse(v.ttl().toNanos());
      Dataset<Row> joined =
          joinView(indexed, time, source, v, e.getValue(), ttl, options.asOfKnownTime());
      out = out.join(joined, INDEX, "left");
    }
    return out.orderBy(INDEX).drop(INDEX);
  }

  private static Dataset<Row> joinView(
      Dataset<Row> indexed,
      Column time,
      Dataset<Row> source,
      FeatureView view,
      List<Field> features,
      long ttlNanos,
      boolean asOfKnownTime) {
    List<Field> keys = view.entities();
    List<Column> probe = new ArrayList<>();
    List<Column> stored = new ArrayList<>();
    for (Field k : keys) {
      probe.add(typed(indexed, k, "spine").as(k.name()));
      stored.add(typed(source, k, "rows of " + view.name()).as(k.name()));
    }
    probe.add(indexed.col(INDEX));
    probe.add(time.as("t"));
    stored.add(nanos(source, EVENT_TIME, view.name()).as("e"));
    stored.add(nanos(source, CREATED_TIME, view.name()).as("c"));
    stored.add(
        (has(source, SEQUENCE)
                ? source.col(SEQUENCE).cast(DataTypes.LongType)
                : functions.monotonically_increasing_id())
            .as("s"));
    for (Field f : features) {
      stored.add(typed(source, f, "rows of " + view.name()).as(f.name()));
    }
    Dataset<Row> probes = indexed.select(probe.toArray(new Column[0]));
    Dataset<Row> storedRows = source.select(stored.toArray(new Column[0]));

    StructType keySchema = new StructType();
    for (Field k : keys) {
      keySchema = keySchema.add(k.name(), sparkType(k.type()), true);
    }
    StructType outSchema =
        new StructType()
            .add(INDEX, DataTypes.LongType, false)
            .add(eventTimeColumn(view.name()), DataTypes.LongType, true);
    int[] nanColumns = new int[features.size()];
    for (int i = 0; i < features.size(); i++) {
      Field f = features.get(i);
      String ref = view.name() + ":" + f.name();
      outSchema =
          outSchema
              .add(valueColumn(ref), sparkType(f.type()), true)
              .add(statusColumn(ref), DataTypes.StringType, false);
      nanColumns[i] = f.type() == ValueType.DOUBLE ? 1 : 0;
    }
    int k = keys.size();
    String[] keyNames = keys.stream().map(Field::name).toArray(String[]::new);
    KeyFunction probeKey = new KeyFunction(view.name(), "spine", keyNames);
    KeyFunction rowKey = new KeyFunction(view.name(), "feature rows", keyNames);
    ViewJoin join =
        new ViewJoin(
            view.name(),
            k,
            features.size(),
            nanColumns,
            view.nanPolicy(),
            features.stream().map(Field::name).toArray(String[]::new),
            ttlNanos,
            asOfKnownTime);
    return probes
        .groupByKey(probeKey, Encoders.row(keySchema))
        .cogroup(
            storedRows.groupByKey(rowKey, Encoders.row(keySchema)), join, Encoders.row(outSchema));
  }

  /** The entity key of a probe or stored row (its first columns); a null key is an error. */
  private static final class KeyFunction implements MapFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final String view;
    private final String side;
    private final String[] names;

    KeyFunction(String view, String side, String[] names) {
      this.view = view;
      this.side = side;
      this.names = names;
    }

    @Override
    public Row call(Row r) {
      Object[] key = new Object[names.length];
      for (int i = 0; i < key.length; i++) {
        if (r.isNullAt(i)) {
          throw new FeatureException(
              view, names[i], -1, "A row of the " + side + " has a null entity key " + names[i]);
        }
        key[i] = r.get(i);
      }
      return RowFactory.create(key);
    }
  }

  /** A stored row with its times, as the as-of rule sees it. */
  private record Stamp(long eventNanos, long createdNanos, long sequence, Row row)
      implements AsOfRule.Stamped {}

  /** Joins one entity's spine rows with its stored rows by the as-of rule. */
  private static final class ViewJoin implements CoGroupFunction<Row, Row, Row, Row> {
    private static final long serialVersionUID = 1L;
    private final String view;
    private final int keys;
    private final int width;
    private final int[] doubles;
    private final NanPolicy nanPolicy;
    private final String[] names;
    private final long ttlNanos;
    private final boolean asOfKnownTime;

    ViewJoin(
        String view,
        int keys,
        int width,
        int[] doubles,
        NanPolicy nanPolicy,
        String[] names,
        long ttlNanos,
        boolean asOfKnownTime) {
      this.view = view;
      this.keys = keys;
      this.width = width;
      this.doubles = doubles;
      this.nanPolicy = nanPolicy;
      this.names = names;
      this.ttlNanos = ttlNanos;
      this.asOfKnownTime = asOfKnownTime;
    }

    @Override
    public Iterator<Row> call(Row key, Iterator<Row> probes, Iterator<Row> rows) {
      if (!probes.hasNext()) {
        return Collections.emptyIterator();
      }
      List<Row> ps = new ArrayList<>();
      probes.forEachRemaining(ps::add);
      List<Stamp> stored = new ArrayList<>();
      while (rows.hasNext()) {
        Row r = rows.next();
        for (int i = keys; i < keys + 2; i++) {
          if (r.isNullAt(i)) {
            throw new FeatureException(
                view,
                i == keys ? EVENT_TIME : CREATED_TIME,
                -1,
                "A feature row of "
                    + view
                    + " has a null "
                    + (i == keys ? EVENT_TIME : CREATED_TIME));
          }
        }
        stored.add(
            new Stamp(
                r.getLong(keys),
                r.getLong(keys + 1),
                r.isNullAt(keys + 2) ? 0 : r.getLong(keys + 2),
                r));
      }
      long[] times = new long[ps.size()];
      for (int i = 0; i < times.length; i++) {
        Row p = ps.get(i);
        if (p.isNullAt(keys + 1)) {
          throw new FeatureException(view, SPINE_TIME, -1, "A spine row has a null " + SPINE_TIME);
        }
        times[i] = p.getLong(keys + 1);
      }
      List<@Nullable Stamp> winners = AsOfRule.winners(stored, times, asOfKnownTime);
      List<Row> out = new ArrayList<>(ps.size());
      for (int i = 0; i < times.length; i++) {
        out.add(row(ps.get(i).getLong(keys), times[i], winners.get(i)));
      }
      return out.iterator();
    }

    private Row row(long index, long t, @Nullable Stamp w) {
      @Nullable Object[] values = new Object[2 + 2 * width];
      values[0] = index;
      if (w == null) {
        for (int j = 0; j < width; j++) {
          values[3 + 2 * j] = FeatureStatus.NOT_FOUND.name();
        }
        return RowFactory.create(values);
      }
      values[1] = w.eventNanos();
      if (AsOfRule.expired(w.eventNanos(), t, ttlNanos)) {
        for (int j = 0; j < width; j++) {
          values[3 + 2 * j] = FeatureStatus.EXPIRED.name();
        }
        return RowFactory.create(values);
      }
      for (int j = 0; j < width; j++) {
        int col = keys + 3 + j;
        Object v = w.row().isNullAt(col) ? null : w.row().get(col);
        if (v != null && doubles[j] == 1 && Double.isNaN((Double) v)) {
          if (nanPolicy == NanPolicy.MISSING) {
            v = null;
          } else if (nanPolicy == NanPolicy.REJECT) {
            throw new FeatureException(
                view,
                names[j],
                -1,
                "Feature "
                    + names[j]
                    + " of view "
                    + view
                    + " is NaN, which the view's NanPolicy.REJECT refuses; store the rows with"
                    + " MISSING or KEEP, or clean them");
          }
        }
        values[2 + 2 * j] = v;
        values[3 + 2 * j] = (v == null ? FeatureStatus.NULL_VALUE : FeatureStatus.PRESENT).name();
      }
      return RowFactory.create(values);
    }
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
