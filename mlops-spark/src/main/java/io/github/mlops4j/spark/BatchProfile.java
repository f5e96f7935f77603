package io.github.mlops4j.spark;

import io.github.mlops4j.monitoring.profile.Profile;
import io.github.mlops4j.monitoring.profile.ProfileAccumulator;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.jspecify.annotations.Nullable;

/**
 * Profiles one partition of column batches, one column at a time ({@link
 * ProfileAccumulator#updateColumns}): the numeric columns (first, in schema order) widened to
 * {@code double} as {@code CAST(... AS DOUBLE)} does, the categorical ones (then) as the strings
 * {@code CAST(... AS STRING)} gives.
 */
final class BatchProfile implements FlatMapFunction<Iterator<ColumnarBatch>, byte[]> {
  private static final long serialVersionUID = 1L;

  /** Numeric types whose vectors are read here; DECIMAL and the rest go through Spark's cast. */
  private static final Set<DataType> NUMERIC =
      Set.of(
          DataTypes.DoubleType,
          DataTypes.FloatType,
          DataTypes.LongType,
          DataTypes.IntegerType,
          DataTypes.ShortType,
          DataTypes.ByteType);

  private static final Set<DataType> CATEGORICAL =
      Set.of(
          DataTypes.StringType,
          DataTypes.BooleanType,
          DataTypes.LongType,
          DataTypes.IntegerType,
          DataTypes.ShortType,
          DataTypes.ByteType);

  private final byte[] empty;
  private final int[] ordinals;
  private final DataType[] types;
  private final int numeric;

  BatchProfile(byte[] empty, int[] ordinals, DataType[] types, int numeric) {
    this.empty = empty.clone();
    this.ordinals = ordinals.clone();
    this.types = types.clone();
    this.numeric = numeric;
  }

  /** Whether every column's vectors are read here (the first {@code numeric} as numbers). */
  static boolean reads(DataType[] types, int numeric) {
    for (int i = 0; i < types.length; i++) {
      if (!(i < numeric ? NUMERIC : CATEGORICAL).contains(types[i])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public Iterator<byte[]> call(Iterator<ColumnarBatch> batches) {
    ProfileAccumulator acc = ProfileAccumulator.create(Profile.fromBytes(empty).schema());
    int capacity = 0;
    double[][] values = new double[numeric][0];
    @Nullable String[][] categories = new String[ordinals.length - numeric][0];
    while (batches.hasNext()) {
      ColumnarBatch batch = batches.next();
      int rows = batch.numRows();
      if (rows > capacity) {
        capacity = rows;
        values = new double[numeric][capacity];
        categories = new String[ordinals.length - numeric][capacity];
      }
      for (int i = 0; i < numeric; i++) {
        readNumeric(batch.column(ordinals[i]), types[i], values[i], rows);
      }
      for (int i = 0; i < categories.length; i++) {
        readCategorical(
            batch.column(ordinals[numeric + i]), types[numeric + i], categories[i], rows);
      }
      acc.updateColumns(values, categories, rows);
    }
    return List.of(acc.snapshot().toBytes()).iterator();
  }

  private static void readNumeric(ColumnVector v, DataType type, double[] out, int rows) {
    boolean nulls = v.hasNull();
    if (type.equals(DataTypes.DoubleType) && !nulls) {
      for (int r = 0; r < rows; r++) {
        out[r] = v.getDouble(r);
      }
    } else {
      for (int r = 0; r < rows; r++) {
        out[r] = nulls && v.isNullAt(r) ? Double.NaN : number(v, type, r);
      }
    }
  }

  /** The value widened to {@code double}, as Spark's {@code CAST(... AS DOUBLE)} does. */
  private static double number(ColumnVector v, DataType type, int r) {
    if (type.equals(DataTypes.DoubleType)) {
      return v.getDouble(r);
    } else if (type.equals(DataTypes.FloatType)) {
      return v.getFloat(r);
    } else if (type.equals(DataTypes.LongType)) {
      return v.getLong(r);
    } else if (type.equals(DataTypes.IntegerType)) {
      return v.getInt(r);
    } else if (type.equals(DataTypes.ShortType)) {
      return v.getShort(r);
    }
    return v.getByte(r);
  }

  private static void readCategorical(
      ColumnVector v, DataType type, @Nullable String[] out, int rows) {
    for (int r = 0; r < rows; r++) {
      out[r] = v.isNullAt(r) ? null : text(v, type, r);
    }
  }

  private static String text(ColumnVector v, DataType type, int r) {
    if (type.equals(DataTypes.StringType)) {
      return v.getUTF8String(r).toString();
    } else if (type.equals(DataTypes.BooleanType)) {
      return Boolean.toString(v.getBoolean(r));
    } else if (type.equals(DataTypes.LongType)) {
      return Long.toString(v.getLong(r));
    } else if (type.equals(DataTypes.IntegerType)) {
      return Integer.toString(v.getInt(r));
    } else if (type.equals(DataTypes.ShortType)) {
      return Short.toString(v.getShort(r));
    }
    return Byte.toString(v.getByte(r));
  }
}
