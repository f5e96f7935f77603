package io.github.mlops4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.testing.ApiRules;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Every public type says in its Javadoc since which release it exists. */
class SinceTagTest {
  @Test
  void everyPublicTypeHasSince() {
    assertThat(ApiRules.sinceOnPublicTypes(MlopsSpark.class, Path.of("src/main/java")))
        .contains(
            "io.github.mlops4j.spark.MlopsSpark",
            "io.github.mlops4j.spark.SparkScoring",
            "io.github.mlops4j.spark.RegistryRef",
            "io.github.mlops4j.spark.ScoredDataset",
            "io.github.mlops4j.spark.SparkFeatures",
            "io.github.mlops4j.spark.SparkProfiles",
            "io.github.mlops4j.spark.FeatureStoreRef",
            "io.github.mlops4j.spark.SparkWriteResult");
  }
}
