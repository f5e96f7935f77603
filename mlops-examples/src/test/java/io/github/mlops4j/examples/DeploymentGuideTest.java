package io.github.mlops4j.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.examples.ReplicaService.Settings;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.monitoring.Monitor;
import io.github.mlops4j.monitoring.WindowSpec;
import io.github.mlops4j.monitoring.profile.Profile;
import io.github.mlops4j.monitoring.profile.ProfileSchema;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.s3.S3ArtifactStore;
import io.github.mlops4j.s3.S3ArtifactStoreProvider;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.Prediction;
import io.github.mlops4j.serving.monitoring.MonitorListener;
import io.github.mlops4j.store.Store;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.classification.Label;

/**
 * docs/deployment.md: its single-JVM code runs, and its configuration reference names exactly the
 * settings {@link ReplicaService} reads and {@link ReplicaIT} gives its replicas.
 */
class DeploymentGuideTest {
  @TempDir Path dir;

  private static final Pattern TABLE_ROW =
      Pattern.compile("^\\| `(MLOPS_[A-Z_]+)` \\| `([a-z.-]+)` \\|");

  /** The environment variables of the guide's configuration table, by system property. */
  private static Map<String, String> documented() throws Exception {
    Map<String, String> out = new HashMap<>();
    for (String line :
        Files.readAllLines(Docs.root().resolve("docs/deployment.md"), StandardCharsets.UTF_8)) {
      Matcher m = TABLE_ROW.matcher(line);
      if (m.find()) {
        out.put(m.group(2), m.group(1));
      }
    }
    return out;
  }

  /** A map that remembers which keys were asked for. */
  private static final class Recording extends HashMap<String, String> {
    private static final long serialVersionUID = 1L;
    final Set<String> asked = new TreeSet<>();

    Recording(Map<String, String> values) {
      super(values);
    }

    @Override
    public String get(Object key) {
      asked.add(String.valueOf(key));
      return super.get(key);
    }
  }

  private static Map<String, String> requiredEnv() {
    return Map.of(
        "MLOPS_JDBC_URL", "jdbc:postgresql://db:5432/mlops",
        "MLOPS_ARTIFACTS", "/mnt/models",
        "MLOPS_REDIS_URI", "redis://redis:6379");
  }

  @Test
  void theGuidesConfigurationTable_namesExactlyTheSettingsTheServiceReads() throws Exception {
    Recording env = new Recording(requiredEnv());
    Recording props = new Recording(Map.of());
    Settings.from(props, env);
    Map<String, String> documented = documented();
    assertThat(new TreeSet<>(documented.values())).isEqualTo(env.asked);
    assertThat(new TreeSet<>(documented.keySet())).isEqualTo(props.asked);
    documented.forEach((p, e) -> assertThat(Settings.env(p)).isEqualTo(e));
    assertThat(documented.values())
        .as("the replica test configures its replicas with the documented names")
        .containsAll(
            ReplicaIT.environment(
                    "jdbc:postgresql://db/mlops", "u", "s3://b/a/", "redis://r", "r", "server")
                .keySet());
  }

  @Test
  void settings_defaults_andPropertiesOverEnvironment() {
    Settings s = Settings.from(Map.of(), requiredEnv());
    assertThat(s.pollInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.role()).isEqualTo("server");
    assertThat(s.alias()).isEqualTo("champion");
    assertThat(s.controlPort()).isZero();
    assertThat(s.monitorWindow()).isEqualTo(Duration.ofMinutes(1));
    assertThat(s.monitorFlushInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.monitorGracePeriod()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.retrainingMinInterval()).isEqualTo(Duration.ofHours(1));
    assertThat(s.retrainingLeaseTtl()).isEqualTo(Duration.ofHours(1));
    assertThat(s.testClock()).isNull(); // the system clock
    Map<String, String> noArtifacts = new HashMap<>(requiredEnv());
    noArtifacts.remove("MLOPS_ARTIFACTS");
    assertThat(Settings.from(Map.of(), noArtifacts).artifactDirectory())
        .as("the workspace's recorded artifact store")
        .isNull();
    Map<String, String> env = new HashMap<>(requiredEnv());
    env.put("MLOPS_POLL_INTERVAL", "PT0.2S");
    env.put("MLOPS_ROLE", "writer");
    Settings t = Settings.from(Map.of("mlops.poll-interval", "PT3S"), env);
    assertThat(t.pollInterval()).isEqualTo(Duration.ofSeconds(3));
    assertThat(t.role()).isEqualTo("writer");
    assertThat(t.artifactDirectory()).isEqualTo(Path.of("/mnt/models"));
    assertThat(t.artifactBucket()).isNull();
  }

  @Test
  void settings_anS3Location_namesTheBucket_notADirectory() {
    String location =
        // the form S3ArtifactStore.location() reports: the endpoint URL-encoded
        "s3://models/prod/?endpoint=http%3A%2F%2Fminio%3A9000&pathStyle=true&region=us-east-1";
    Map<String, String> env = new HashMap<>(requiredEnv());
    env.put("MLOPS_ARTIFACTS", location);
    Settings s = Settings.from(Map.of(), env);
    assertThat(s.artifactBucket()).isEqualTo(URI.create(location));
    assertThat(s.artifactDirectory()).isNull();
    try (S3ArtifactStore store = S3ArtifactStoreProvider.builderFor(s.artifactBucket()).build()) {
      assertThat(store.location())
          .as("the store the replica builds reports the location it was given")
          .isEqualTo(location);
    }
  }

  @Test
  void settings_missingOrBadValues_areClearErrors() {
    assertThatThrownBy(() -> Settings.from(Map.of(), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Set MLOPS_JDBC_URL (or the system property mlops.jdbc.url); see"
                + " docs/deployment.md");
    Map<String, String> env = new HashMap<>(requiredEnv());
    env.put("MLOPS_POLL_INTERVAL", "1s" + "x".repeat(500));
    assertThatThrownBy(() -> Settings.from(Map.of(), env))
        .hasMessageStartingWith("MLOPS_POLL_INTERVAL must be an ISO-8601 duration")
        .hasMessageContaining("(502 chars)");
    env.put("MLOPS_POLL_INTERVAL", "PT1S");
    env.put("MLOPS_ROLE", "admin");
    assertThatThrownBy(() -> Settings.from(Map.of(), env))
        .hasMessage("MLOPS_ROLE must be 'server' or 'writer', was 'admin'");
    env.put("MLOPS_ROLE", "server");
    env.put("MLOPS_TEST_CLOCK", "yesterday");
    assertThatThrownBy(() -> Settings.from(Map.of(), env))
        .hasMessageStartingWith("MLOPS_TEST_CLOCK must be an ISO-8601 instant");
    env.remove("MLOPS_TEST_CLOCK");
    env.put("MLOPS_MONITOR_GRACE_PERIOD", "PT0S");
    assertThatThrownBy(() -> Settings.from(Map.of(), env))
        .hasMessageContaining("durations must be positive");
  }

  @Test
  void oneJvm_withAnEmbeddedWorkspace() throws Exception {
    Examples.quietTribuo();
    Path workspace = dir.resolve("ws");
    List<BreastCancer.Sample> samples = BreastCancer.load();
    Model<Label> model =
        Models.train(
            new Models.Candidate("a", "log", 0.05, 3, 1),
            BreastCancer.dataset(samples, "training"));
    ProfileSchema schema =
        ProfileSchema.builder()
            .numeric(BreastCancer.modelFeatures().toArray(String[]::new))
            .build();
    Profile reference =
        Profile.of(
            schema, samples.stream().map(s -> s.select(BreastCancer.modelFeatures())).toList());
    Map<String, Double> request = samples.get(0).select(BreastCancer.modelFeatures());
    // tag::single-jvm[]
    try (Store store = Store.open(workspace); // mlops.db (SQLite) and artifacts/ inside
        ModelRegistry registry = ModelRegistry.builder().store(store).build();
        FeatureStore features = FeatureStore.builder().store(store).build(); // online: a table
        Monitor monitor =
            Monitor.builder()
                .model("diagnosis")
                .reference(reference)
                .window(WindowSpec.rows(200))
                .build()) {
      int v = registry.register("diagnosis", model, null).version();
      registry.setAlias("diagnosis", "champion", v);
      try (InferenceService service =
          InferenceService.builder()
              .registry(registry)
              .model("diagnosis")
              .alias("champion") // follows the alias: a move is seen at once in this JVM
              .listener(MonitorListener.builder(monitor).build())
              .build()) {
        Prediction p = service.predict(request);
        // end::single-jvm[]
        assertThat(p.version()).isEqualTo(v);
        assertThat(features.views()).isEmpty();
      }
    }
    assertThat(workspace.resolve("mlops.db")).exists();
  }
}
