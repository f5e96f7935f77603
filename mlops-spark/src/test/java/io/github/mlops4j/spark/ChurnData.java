package io.github.mlops4j.spark;

import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Output;
import org.tribuo.OutputFactory;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.sgd.linear.LinearSGDTrainer;
import org.tribuo.regression.sgd.objectives.SquaredLoss;

/** Seeded customer rows, real Tribuo models trained on them, and Parquet files of them. */
final class ChurnData {
  static final String[] FEATURES = {"tenure", "spend", "age"};

  static final StructType SCHEMA =
      new StructType()
          .add("customer", DataTypes.LongType, false)
          .add("tenure", DataTypes.DoubleType, true)
          .add("spend", DataTypes.DoubleType, true)
          .add("age", DataTypes.DoubleType, true)
          .add("region", DataTypes.StringType, true);

  private ChurnData() {}

  /** {@code n} customers with finite features, seeded. */
  static List<double[]> features(int n, long seed) {
    Random r = new Random(seed);
    List<double[]> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(new double[] {r.nextDouble() * 60, r.nextDouble() * 200, 18 + r.nextDouble() * 60});
    }
    return out;
  }

  static Model<Label> classifier(long seed) {
    return new LogisticRegressionTrainer()
        .train(dataset(new LabelFactory(), seed, x -> new Label(churns(x) ? "yes" : "no")));
  }

  static Model<Regressor> regressor(long seed) {
    return new LinearSGDTrainer(new SquaredLoss(), new AdaGrad(0.1), 5, seed)
        .train(
            dataset(
                new RegressionFactory(),
                seed,
                x -> new Regressor("spend_next", 0.5 * x[1] + x[0])));
  }

  private static boolean churns(double[] x) {
    return x[0] / 60 - x[1] / 200 + (x[2] - 48) / 120 < 0;
  }

  private static <T extends Output<T>> MutableDataset<T> dataset(
      OutputFactory<T> factory, long seed, java.util.function.Function<double[], T> target) {
    MutableDataset<T> data =
        new MutableDataset<>(
            new SimpleDataSourceProvenance(
                "customers", OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC), factory),
            factory);
    for (double[] x : features(300, seed)) {
      data.add(new ArrayExample<>(target.apply(x), FEATURES, x));
    }
    return data;
  }

  /** Tribuo's own prediction of one customer, straight from the model. */
  static <T extends Output<T>> org.tribuo.Prediction<T> predict(
      Model<T> model, T unknown, double[] x) {
    Example<T> e = new ArrayExample<>(unknown, FEATURES, x);
    return model.predict(e);
  }

  /** Writes the customers as Parquet in four files and returns the directory. */
  static Path parquet(SparkSession spark, List<Row> rows, Path dir) {
    spark.createDataFrame(rows, SCHEMA).repartition(4).write().parquet(dir.toString());
    return dir;
  }

  static Row row(long customer, double[] x) {
    return RowFactory.create(customer, x[0], x[1], x[2], customer % 2 == 0 ? "north" : "south");
  }
}
