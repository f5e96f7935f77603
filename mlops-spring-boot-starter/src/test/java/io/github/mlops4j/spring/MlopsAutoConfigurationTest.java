package io.github.mlops4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.tracking.Tracker;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.condition.ConditionEvaluationReport;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.ConfigurationCondition;
import org.tribuo.Model;
import org.tribuo.classification.Label;

/** The auto-configuration: which beans exist for which properties, and refused settings. */
class MlopsAutoConfigurationTest {
  @TempDir static Path workspace;
  static Model<Label> reference;

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(MlopsAutoConfiguration.class));

  @BeforeAll
  static void registerModel() {
    ChurnFixture.register(workspace);
    reference = ChurnFixture.train(11); // the same data and seed: the same weights
  }

  private String ws() {
    return "mlops.workspace=" + workspace;
  }

  @Test
  void withoutStorePropertiesNothingIsConfigured() {
    runner.run(
        ctx -> {
          assertThat(ctx).hasNotFailed();
          assertThat(ctx).doesNotHaveBean(Store.class).doesNotHaveBean(InferenceService.class);
        });
  }

  @Test
  void workspaceGivesServicesSharingOneStore() {
    runner
        .withPropertyValues(ws())
        .run(
            ctx -> {
              Store store = ctx.getBean(Store.class);
              assertThat(ctx.getBean(Tracker.class).store()).isSameAs(store);
              assertThat(ctx.getBean(ModelRegistry.class).store()).isSameAs(store);
              assertThat(ctx).hasSingleBean(FeatureStore.class);
              assertThat(ctx).doesNotHaveBean(InferenceService.class);
            });
  }

  @Configuration(proxyBeanMethods = false)
  static class Consumer {
    @Bean
    String churnConsumer(@Qualifier("churn") InferenceService churn) {
      return churn.modelName() + "@" + churn.activeVersion();
    }
  }

  @Test
  void servedModelIsABeanInjectableByNameThatPredictsAsTribuo() {
    runner
        .withUserConfiguration(Consumer.class)
        .withPropertyValues(
            ws(),
            "mlops.serving.models.churn.alias=champion",
            "mlops.serving.models.churn.timeout=5s",
            "mlops.serving.models.churn.max-concurrency=8")
        .run(
            ctx -> {
              assertThat(ctx.getBean("churnConsumer")).isEqualTo("churn@1");
              InferenceService churn = ctx.getBean("churn", InferenceService.class);
              for (double[] c : new double[][] {{1, 2}, {9, 8}, {3, 4.5}, {6, 1}}) {
                assertThat(churn.predict(ChurnFixture.customer(c[0], c[1])).output())
                    .as("tenure %s spend %s", c[0], c[1])
                    .isEqualTo(ChurnFixture.tribuoPredicts(reference, c[0], c[1]));
              }
              ServedModels models = ctx.getBean(ServedModels.class);
              assertThat(models.models().get("churn").alias()).contains("champion");
            });
  }

  private void assertStartFails(String property, String... values) {
    runner
        .withPropertyValues(values)
        .run(
            ctx -> {
              assertThat(ctx).hasFailed();
              assertThat(rootMessages(ctx.getStartupFailure())).contains(property);
            });
  }

  private static String rootMessages(Throwable t) {
    StringBuilder b = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      b.append(c.getMessage()).append('\n');
    }
    return b.toString();
  }

  @Test
  void invalidSettingsFailTheStartNamingTheProperty() {
    assertStartFails(
        "mlops.serving.models.churn.version", ws(), "mlops.serving.models.churn.version=0");
    assertStartFails(
        "mlops.serving.models.churn.version",
        ws(),
        "mlops.serving.models.churn.version=1",
        "mlops.serving.models.churn.alias=champion");
    assertStartFails(
        "mlops.serving.models.churn.timeout", ws(), "mlops.serving.models.churn.timeout=-1s");
    assertStartFails(
        "mlops.serving.models.churn.max-concurrency",
        ws(),
        "mlops.serving.models.churn.max-concurrency=0");
    assertStartFails(
        "mlops.serving.models.churn.features", ws(), "mlops.serving.models.churn.features=nocolon");
    assertStartFails("mlops.serving.models.churn", ws(), "mlops.serving.models.churn.alias=gone");
    assertStartFails("mlops.serving.models.nosuch", ws(), "mlops.serving.models.nosuch.version=1");
    assertStartFails("mlops.store", "mlops.store=datasource");
    assertStartFails("mlops.serving.shutdown-timeout", ws(), "mlops.serving.shutdown-timeout=-1s");
  }

  @Test
  void invalidModelSettingsFailBeforeTheStoreIsOpened(@TempDir Path dir) {
    Path fresh = dir.resolve("fresh");
    runner
        .withPropertyValues(
            "mlops.workspace=" + fresh,
            "mlops.serving.models.churn.alias=champion",
            "mlops.serving.models.other.max-concurrency=0")
        .run(
            ctx -> {
              assertThat(ctx).hasFailed();
              assertThat(rootMessages(ctx.getStartupFailure()))
                  .contains("mlops.serving.models.other.max-concurrency");
            });
    assertThat(fresh).doesNotExist();
  }

  @Test
  void aModelEntryWithNoKnownSettingFailsTheStartNamingIt() {
    assertStartFails(
        "mlops.serving.models.churn", ws(), "mlops.serving.models.churn.no-such-setting=1");
  }

  @Test
  void everyConfiguredModelIsOneBeanWithTheSettingsBoundOnce(@TempDir Path dir) {
    ChurnFixture.register(dir);
    try (ModelRegistry registry = ModelRegistry.open(dir)) {
      registry.register("later", ChurnFixture.train(3), null); // no champion alias yet
    }
    runner
        .withPropertyValues(
            "mlops.workspace=" + dir,
            "mlops.serving.models.churn.alias=champion",
            "mlops.serving.models.churn.max-concurrency=8",
            "mlops.serving.models[later].alias=champion",
            "mlops.serving.models[later].required=false",
            "mlops.serving.models.later.ignore-fields=id,source")
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed();
              assertThat(ctx.getBeanNamesForType(InferenceService.class))
                  .containsExactlyInAnyOrder("churn", "later");
              ServedModels models = ctx.getBean(ServedModels.class);
              assertThat(models.models()).containsOnlyKeys("churn", "later");
              MlopsProperties properties = ctx.getBean(MlopsProperties.class);
              assertThat(properties.getServing().getModels().get("churn").getMaxConcurrency())
                  .isEqualTo(8);
              assertThat(properties.getServing().getModels().get("later").getIgnoreFields())
                  .containsExactly("id", "source");
              assertThat(ctx.getBean("churn", InferenceService.class).activeVersion()).isEqualTo(1);
              assertThat(models.models().get("later").service()).isPresent();
              assertThat(ctx.getBean("later", InferenceService.class).isLoaded()).isFalse();
            });
  }

  @Test
  void storePropertiesAreReadAsConditionalOnPropertyReadsThem() {
    runner
        .withPropertyValues("mlops.workspace=false")
        .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(Store.class));
    runner
        .withPropertyValues("mlops.store=embedded")
        .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(Store.class));
    assertStartFails("mlops.store", "mlops.store=DataSource");
  }

  @Test
  void theStoreConditionIsDecidedOnceWhenTheConfigurationIsParsed() {
    assertThat(new OnStoreCondition().getConfigurationPhase())
        .isEqualTo(ConfigurationCondition.ConfigurationPhase.PARSE_CONFIGURATION);
    runner
        .withPropertyValues(ws())
        .run(
            ctx ->
                assertThat(
                        ConditionEvaluationReport.get(ctx.getBeanFactory())
                            .getConditionAndOutcomesBySource()
                            .get(MlopsAutoConfiguration.class.getName())
                            .isFullMatch())
                    .isTrue());
  }

  @Test
  void everyMemberClassOfTheAutoConfigurationIsAConfigurationClass() {
    // Spring reads each member class of a configuration class from its class file on every start
    assertThat(MlopsAutoConfiguration.class.getDeclaredClasses())
        .isNotEmpty()
        .allSatisfy(c -> assertThat(c).hasAnnotation(Configuration.class));
  }

  @Test
  void configurationMetadataDescribesTheProperties() throws Exception {
    try (InputStream in =
        getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).isNotNull();
      String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(json)
          .contains(
              "\"mlops.workspace\"",
              "\"mlops.store\"",
              "\"mlops.serving.models\"",
              "\"mlops.serving.shutdown-timeout\"",
              "\"mlops.observations.mdc\"",
              "\"mlops.observations.feature-lookups\"")
          .contains("The embedded workspace directory");
    }
  }
}
