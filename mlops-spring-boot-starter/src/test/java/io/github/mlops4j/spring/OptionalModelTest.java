package io.github.mlops4j.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.ModelUnavailableException;
import io.github.mlops4j.spring.actuate.MlopsActuatorAutoConfiguration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.autoconfigure.availability.AvailabilityHealthContributorAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.availability.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.health.HealthContributorAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.health.HealthEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.info.InfoContributorAutoConfiguration;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthComponent;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.tribuo.Model;
import org.tribuo.classification.Label;

/**
 * {@code mlops.serving.models.<name>.required=false}: the application starts while the model has no
 * loadable version, reports it OUT_OF_SERVICE (and not ready) with the reason, and serves once the
 * registry names a version.
 */
class OptionalModelTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path workspace;
  private Model<Label> reference;

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  MlopsAutoConfiguration.class,
                  MlopsActuatorAutoConfiguration.class,
                  ApplicationAvailabilityAutoConfiguration.class,
                  HealthContributorAutoConfiguration.class,
                  HealthEndpointAutoConfiguration.class,
                  AvailabilityHealthContributorAutoConfiguration.class,
                  AvailabilityProbesAutoConfiguration.class,
                  InfoContributorAutoConfiguration.class))
          .withPropertyValues(
              "management.endpoint.health.probes.enabled=true",
              "management.endpoint.health.show-details=always",
              // readiness waits for the models: the documented setting
              "management.endpoint.health.group.readiness.include=readinessState,mlops");

  /** Version 1 of churn is registered, but the alias {@code champion} names nothing yet. */
  @BeforeEach
  void registerWithoutAlias() {
    reference = ChurnFixture.train(11);
    try (ModelRegistry registry = ModelRegistry.open(workspace)) {
      registry.register(ChurnFixture.MODEL, reference, null);
    }
  }

  @Test
  void anOptionalModelWithoutAVersionStartsOutOfServiceAndServesOnceTheAliasIsSet() {
    runner
        .withPropertyValues(
            "mlops.workspace=" + workspace,
            "mlops.registry-poll-interval=0s",
            "mlops.serving.models.churn.alias=champion",
            "mlops.serving.models.churn.required=false")
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed();
              // the application reports itself started; only the model holds readiness back
              AvailabilityChangeEvent.publish(ctx, ReadinessState.ACCEPTING_TRAFFIC);
              InferenceService churn = ctx.getBean("churn", InferenceService.class);
              assertThat(churn.isLoaded()).isFalse();

              Health model = modelHealth(ctx);
              assertThat(model.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
              assertThat(model.getDetails())
                  .containsEntry("reason", "'churn' has no version for alias champion yet")
                  .containsEntry("alias", "champion")
                  .doesNotContainKey("aliasTarget");
              assertThat(readiness(ctx)).isEqualTo(Status.OUT_OF_SERVICE);
              assertThat(info(ctx))
                  .containsEntry("alias", "champion")
                  .containsEntry("routes", Map.of())
                  .containsEntry("notLoaded", "'churn' has no version for alias champion yet")
                  .doesNotContainKey("version");
              assertThatThrownBy(() -> churn.predict(ChurnFixture.customer(1, 2)))
                  .isInstanceOf(ModelUnavailableException.class)
                  .hasMessageContaining("no version for alias champion yet");

              ctx.getBean(ModelRegistry.class).setAlias(ChurnFixture.MODEL, "champion", 1);
              churn.refresh(WAIT);

              assertThat(modelHealth(ctx).getStatus()).isEqualTo(Status.UP);
              assertThat(modelHealth(ctx).getDetails())
                  .containsEntry("version", 1)
                  .containsEntry("aliasTarget", 1)
                  .doesNotContainKey("reason");
              assertThat(readiness(ctx)).isEqualTo(Status.UP);
              assertThat(info(ctx)).containsEntry("version", 1).doesNotContainKey("notLoaded");
              for (double[] c : new double[][] {{1, 2}, {9, 8}, {3, 4.5}}) {
                assertThat(churn.predict(ChurnFixture.customer(c[0], c[1])).output())
                    .isEqualTo(ChurnFixture.tribuoPredicts(reference, c[0], c[1]));
              }
            });
  }

  @Test
  void aRequiredModelWithoutAVersionFailsTheStartNamingTheProperty() {
    for (String required : new String[] {null, "true"}) {
      ApplicationContextRunner r =
          runner.withPropertyValues(
              "mlops.workspace=" + workspace, "mlops.serving.models.churn.alias=champion");
      if (required != null) {
        r = r.withPropertyValues("mlops.serving.models.churn.required=" + required);
      }
      r.run(
          ctx -> {
            assertThat(ctx).hasFailed();
            String messages = messages(ctx.getStartupFailure());
            assertThat(messages)
                .contains("mlops.serving.models.churn: cannot serve 'churn'")
                .contains("has no version for alias champion")
                .contains("mlops.serving.models.churn.required=false");
          });
    }
  }

  @Test
  void aMisspelledOptionalModelStillFailsTheStart() {
    runner
        .withPropertyValues(
            "mlops.workspace=" + workspace,
            "mlops.serving.models.chrun.alias=champion",
            "mlops.serving.models.chrun.required=false")
        .run(
            ctx -> {
              assertThat(ctx).hasFailed();
              assertThat(messages(ctx.getStartupFailure()))
                  .contains("mlops.serving.models.chrun")
                  .contains("no model named 'chrun'")
                  .doesNotContain(".required=false");
            });
  }

  private static Health modelHealth(AssertableApplicationContext ctx) {
    HealthComponent h =
        ctx.getBean(HealthEndpoint.class).healthForPath("mlops", "models", ChurnFixture.MODEL);
    assertThat(h).isInstanceOf(Health.class);
    return (Health) h;
  }

  private static Status readiness(AssertableApplicationContext ctx) {
    return ctx.getBean(HealthEndpoint.class).healthForPath("readiness").getStatus();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> info(AssertableApplicationContext ctx) {
    Info.Builder b = new Info.Builder();
    ctx.getBeansOfType(InfoContributor.class).values().forEach(c -> c.contribute(b));
    Map<String, Object> mlops = (Map<String, Object>) b.build().getDetails().get("mlops");
    Map<String, Object> models = (Map<String, Object>) mlops.get("models");
    return (Map<String, Object>) models.get(ChurnFixture.MODEL);
  }

  private static String messages(Throwable t) {
    StringBuilder b = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      b.append(c.getMessage()).append('\n');
    }
    return b.toString();
  }
}
