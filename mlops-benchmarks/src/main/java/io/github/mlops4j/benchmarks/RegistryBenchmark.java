package io.github.mlops4j.benchmarks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.mlops4j.registry.ModelArtifact;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.registry.RegisteredModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * The model registry, each measurement beside its baseline in the same run.
 *
 * <ul>
 *   <li>{@code resolveWarm} vs {@code caffeineGetBaseline}: {@code registry.resolve("m17",
 *       "champion")} answered from the warm cache, against a raw Caffeine {@code getIfPresent} of a
 *       precomputed key in a cache of the same size. Target: p99 &lt;= 1 us.
 *   <li>{@code searchByTag} vs {@code jdbcSearchBaseline}: {@code searchModels(null, Map.of("team",
 *       "risk"))} over 1,000 registered models, 100 of which carry the tag, with full snapshots
 *       (tags and aliases); the baseline is one hand-written JDBC join returning the same 100 names
 *       on the same database. Target: p95 &lt;= 10 ms.
 *   <li>{@code loadTribuo} vs {@code tribuoDeserializeBaseline}: loading a logistic regression over
 *       200 features through the registry (SHA-256 check, class check, protobuf parse, Tribuo
 *       deserialize, cast) against Tribuo's own {@code Model.deserializeFromFile} of the same
 *       stored file. Target: &lt;= 1.2x the baseline.
 * </ul>
 *
 * <p>Run (from the repository root):
 *
 * <pre>
 * java -jar mlops-benchmarks/target/benchmarks.jar RegistryBenchmark -f 1
 * </pre>
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RegistryBenchmark {
  private static final int MODELS = 1000;

  private Path dir;
  private ModelRegistry registry;
  private Cache<String, Optional<ModelVersion>> baselineCache;
  private String baselineKey;
  private Connection jdbc;
  private ModelVersion tribuoVersion;
  private Path tribuoFile;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    dir = BenchmarkSupport.tempDir("registry");
    registry = ModelRegistry.builder().workspace(dir).pollInterval(Duration.ZERO).build();
    Path file = Files.write(dir.resolve("model.bin"), new byte[] {1, 2, 3});
    for (int i = 0; i < MODELS; i++) {
      String name = "m" + i;
      registry.register(name, ModelArtifact.file(file, "bin"), null);
      registry.setAlias(name, "champion", 1);
      registry.setModelTag(name, "team", i % 10 == 0 ? "risk" : "growth");
      registry.setModelTag(name, "owner", "owner-" + (i % 37));
    }
    if (registry.searchModels(null, Map.of("team", "risk")).size() != 100) {
      throw new IllegalStateException("expected 100 tagged models");
    }
    Optional<ModelVersion> champion = registry.resolve("m17", "champion");
    baselineCache = Caffeine.newBuilder().maximumSize(10_000).build();
    baselineKey = "m17\u0000champion";
    baselineCache.put(baselineKey, champion);
    jdbc = BenchmarkSupport.sqlite(dir.resolve("mlops.db"));

    tribuoVersion = registry.register("tribuo", logisticRegression(200), null);
    tribuoFile =
        ((io.github.mlops4j.artifacts.DirectoryArtifactStore) registry.store().artifacts())
            .path(tribuoVersion.digest());
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    jdbc.close();
    registry.close();
    BenchmarkSupport.deleteRecursively(dir);
  }

  private static Model<Label> logisticRegression(int features) {
    LabelFactory factory = new LabelFactory();
    MutableDataset<Label> data =
        new MutableDataset<>(new SimpleDataSourceProvenance("bench", factory), factory);
    Random random = new Random(42);
    String[] names = new String[features];
    for (int f = 0; f < features; f++) {
      names[f] = "f" + f;
    }
    for (int i = 0; i < 2000; i++) {
      double[] x = new double[features];
      double sum = 0;
      for (int f = 0; f < features; f++) {
        x[f] = random.nextGaussian();
        sum += f % 3 == 0 ? x[f] : 0;
      }
      data.add(new ArrayExample<>(new Label(sum > 0 ? "yes" : "no"), names, x));
    }
    return new LogisticRegressionTrainer().train(data);
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public Optional<ModelVersion> resolveWarm() {
    return registry.resolve("m17", "champion");
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public Optional<ModelVersion> caffeineGetBaseline() {
    return baselineCache.getIfPresent(baselineKey);
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public List<RegisteredModel> searchByTag() {
    return registry.searchModels(null, Map.of("team", "risk"));
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public List<String> jdbcSearchBaseline() throws Exception {
    List<String> names = new ArrayList<>();
    try (PreparedStatement p =
        jdbc.prepareStatement(
            "SELECT m.name, m.description, m.creation_time FROM registered_models m"
                + " JOIN registered_model_tags t ON t.name = m.name"
                + " WHERE t.key = ? AND t.value = ? ORDER BY m.name")) {
      p.setString(1, "team");
      p.setString(2, "risk");
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
    }
    return names;
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public Model<Label> loadTribuo() {
    return registry.loadTribuo(tribuoVersion, Label.class);
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public void tribuoDeserializeBaseline(Blackhole bh) throws Exception {
    bh.consume(Model.deserializeFromFile(tribuoFile).castModel(Label.class));
  }
}
