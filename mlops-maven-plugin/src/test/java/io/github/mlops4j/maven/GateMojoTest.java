package io.github.mlops4j.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gate's error paths; passing and failing gates run in src/it/gate. */
class GateMojoTest {
  @TempDir Path dir;
  Path csv;

  @BeforeEach
  void setUp() throws Exception {
    csv = Files.writeString(dir.resolve("holdout.csv"), "x,label\n1,yes\n");
  }

  private GateMojo mojo() {
    GateMojo m = new GateMojo();
    m.workspace = dir.resolve("ws").toFile();
    m.model = "churn";
    m.candidate = "latest";
    m.data = csv.toFile();
    m.labelColumn = "label";
    m.rules = List.of("accuracy >= 0.8");
    m.environment = Map.of();
    return m;
  }

  @Test
  void aWorkspaceThatDoesNotExistIsAnErrorAndIsNotCreated() {
    assertThatThrownBy(mojo()::execute)
        .isInstanceOf(MojoExecutionException.class)
        .hasMessageStartingWith("Validation gate could not run: ")
        .hasMessageNotContaining("Usage:");
    assertThat(dir.resolve("ws")).doesNotExist();
  }

  @Test
  void exactlyOneOfWorkspaceAndJdbcUrl() {
    GateMojo both = mojo();
    both.jdbcUrl = "jdbc:postgresql://127.0.0.1:1/x";
    assertThatThrownBy(both::execute)
        .isInstanceOf(MojoExecutionException.class)
        .hasMessageContaining("exactly one of <workspace>");
    GateMojo none = mojo();
    none.workspace = null;
    assertThatThrownBy(none::execute)
        .isInstanceOf(MojoExecutionException.class)
        .hasMessageContaining("exactly one of <workspace>");
  }

  @Test
  void aBadRuleIsAUsageErrorNamingIt() {
    GateMojo m = mojo();
    m.rules = List.of("accuracy at-least 0.8");
    assertThatThrownBy(m::execute)
        .isInstanceOf(MojoExecutionException.class)
        .hasMessageContaining("Unknown operator 'at-least'");
  }

  @Test
  void noRulesIsRefused() {
    GateMojo m = mojo();
    m.rules = List.of();
    assertThatThrownBy(m::execute)
        .isInstanceOf(MojoExecutionException.class)
        .hasMessageContaining("at least one rule");
  }

  @Test
  void credentialsComeFromTheSettingsServerAndThePasswordIsNeverShown() throws Exception {
    Settings settings = new Settings();
    Server server = new Server();
    server.setId("registry-db");
    server.setUsername("ci");
    server.setPassword("pw-from-settings");
    settings.addServer(server);
    GateMojo m = mojo();
    m.workspace = null;
    m.jdbcUrl = "jdbc:postgresql://127.0.0.1:1/registry?connectTimeout=2";
    m.artifacts = dir.resolve("artifacts").toFile();
    m.serverId = "registry-db";
    m.settings = settings;

    assertThatThrownBy(m::execute)
        .isInstanceOf(MojoExecutionException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("pw-from-settings"));
    assertThat(m.credentials().toString()).doesNotContain("pw-from-settings");
  }

  @Test
  void anUnknownServerIdIsAnError() {
    GateMojo m = mojo();
    m.workspace = null;
    m.jdbcUrl = "jdbc:postgresql://127.0.0.1:1/registry";
    m.artifacts = dir.resolve("artifacts").toFile();
    m.serverId = "nope";
    m.settings = new Settings();
    assertThatThrownBy(m::execute)
        .isInstanceOf(MojoExecutionException.class)
        .hasMessageContaining("no <server> with id 'nope'");
  }

  @Test
  void credentialsComeFromTheEnvironmentWithoutAServerId() throws Exception {
    GateMojo m = mojo();
    m.environment = Map.of(RegistryMojo.USER_VARIABLE, "ci", RegistryMojo.PASSWORD_VARIABLE, "pw");
    assertThat(m.credentials()).isEqualTo(new RegistryMojo.Credentials("ci", "pw"));
  }
}
