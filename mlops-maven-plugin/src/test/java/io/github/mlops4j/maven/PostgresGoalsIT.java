package io.github.mlops4j.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.store.EmbeddedPostgresExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import javax.sql.DataSource;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/** Both goals on a registry in a real PostgreSQL server, reached by JDBC URL. */
class PostgresGoalsIT {
  @RegisterExtension
  static final EmbeddedPostgresExtension postgres = new EmbeddedPostgresExtension("goals");

  static Model<Label> model;
  static final List<String> holdout = new ArrayList<>();

  @TempDir Path dir;

  /** A logistic regression on two features, 10% of labels flipped; 400 held-out rows. */
  @BeforeAll
  static void train() {
    Random random = new Random(11);
    LabelFactory labels = new LabelFactory();
    MutableDataset<Label> data =
        new MutableDataset<>(new SimpleDataSourceProvenance("synthetic", labels), labels);
    holdout.add("a,b,y");
    for (int i = 0; i < 1000; i++) {
      double a = random.nextGaussian();
      double b = random.nextGaussian();
      String y = (a - b > 0) ^ random.nextDouble() < 0.1 ? "yes" : "no";
      if (i < 600) {
        data.add(new ArrayExample<>(new Label(y), new String[] {"a", "b"}, new double[] {a, b}));
      } else {
        holdout.add(String.format(Locale.ROOT, "%s,%s,%s", a, b, y));
      }
    }
    model = new LogisticRegressionTrainer().train(data);
  }

  private static String url(DataSource ds) {
    return ((PGSimpleDataSource) ds).getURL();
  }

  @Test
  void gateReadsTheRegistryByJdbcWithSettingsCredentialsAndFailsTheBuildOnAFailedRule()
      throws Exception {
    String db = postgres.create();
    DataSource ds = postgres.dataSource(db);
    Path artifacts = dir.resolve("artifacts");
    try (ModelRegistry registry =
        ModelRegistry.builder()
            .dataSource(ds)
            .artifactRoot(artifacts)
            .pollInterval(Duration.ZERO)
            .build()) {
      registry.register("churn", model, null);
      registry.setAlias("churn", "champion", 1);
      registry.register("churn", model, null);
    }
    Path csv = dir.resolve("holdout.csv");
    Files.write(csv, holdout, StandardCharsets.UTF_8);
    Settings settings = new Settings();
    Server server = new Server();
    server.setId("registry-db");
    server.setUsername("postgres");
    server.setPassword("pw-never-shown"); // the embedded server trusts local connections

    settings.addServer(server);

    GateMojo pass = gate(url(ds), artifacts, csv, settings, "accuracy >= 0.7");
    pass.execute();

    GateMojo fail = gate(url(ds), artifacts, csv, settings, "accuracy >= 0.999");
    assertThatThrownBy(fail::execute)
        .isInstanceOf(MojoFailureException.class)
        .hasMessageStartingWith(
            "Validation gate failed: model 'churn' candidate '2' against 'champion'")
        .hasMessageContaining("RULE")
        .hasMessageMatching("(?s).*accuracy >= 0\\.999 +- +0\\.\\d+ .*FAIL.*")
        .hasMessageNotContaining("pw-never-shown");
  }

  private static GateMojo gate(
      String url, Path artifacts, Path csv, Settings settings, String rule) {
    GateMojo m = new GateMojo();
    m.jdbcUrl = url;
    m.artifacts = artifacts.toFile();
    m.serverId = "registry-db";
    m.settings = settings;
    m.model = "churn";
    m.candidate = "2";
    m.data = csv.toFile();
    m.labelColumn = "y";
    m.rules = List.of(rule, "accuracy not-worse-than-champion-by 0.05");
    m.environment = Map.of();
    return m;
  }

  @Test
  void registerWritesToTheDatabaseOnceForAFileAndCommit() throws Exception {
    String db = postgres.create();
    DataSource ds = postgres.dataSource(db);
    Path project = Files.createDirectories(dir.resolve("project"));
    Files.writeString(project.resolve("model.bin"), "bytes");
    Path artifacts = dir.resolve("artifacts");
    for (int run = 0; run < 3; run++) {
      RegisterMojo m = new RegisterMojo();
      m.createWorkspace = run > 0;
      m.jdbcUrl = url(ds);
      m.artifacts = artifacts.toFile();
      m.basedir = project.toFile();
      m.file = Path.of("model.bin").toFile();
      m.model = "scorer";
      m.kind = "custom";
      m.environment =
          Map.of(
              "GIT_COMMIT",
              CommitsTest.A,
              RegistryMojo.USER_VARIABLE,
              "postgres",
              RegistryMojo.PASSWORD_VARIABLE,
              "pw");
      if (run == 0) { // a registry that does not exist is not created unless asked
        assertThatThrownBy(m::execute)
            .isInstanceOf(MojoExecutionException.class)
            .hasMessageContaining("Cannot register model.bin as model 'scorer'");
        continue;
      }
      m.execute();
      assertThat(m.registered).isNotNull();
      assertThat(m.registered.version()).isEqualTo(1);
    }
    try (ModelRegistry registry =
        ModelRegistry.builder()
            .dataSource(ds)
            .artifactRoot(artifacts)
            .pollInterval(Duration.ZERO)
            .build()) {
      assertThat(registry.versions("scorer"))
          .singleElement()
          .satisfies(
              v -> assertThat(v.tags()).containsEntry(RegisterMojo.COMMIT_TAG, CommitsTest.A));
    }
  }
}
