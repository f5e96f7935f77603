package io.github.mlops4j.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.maven.model.Model;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.project.MavenProject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegisterMojoTest {
  static final String A = CommitsTest.A;
  static final String B = CommitsTest.B;

  @TempDir Path dir;
  Path project;
  Path workspace;
  MavenProject mavenProject;

  @BeforeEach
  void setUp() throws Exception {
    project = Files.createDirectories(dir.resolve("project"));
    Files.createDirectories(project.resolve("target"));
    Files.writeString(project.resolve("target/churn.onnx"), "graph bytes");
    workspace = dir.resolve("ws");
    mavenProject = new MavenProject(new Model());
  }

  private RegisterMojo mojo(String commit) {
    RegisterMojo m = new RegisterMojo();
    m.workspace = workspace.toFile();
    m.createWorkspace = true;
    m.basedir = project.toFile();
    m.file = Path.of("target/churn.onnx").toFile();
    m.model = "churn";
    m.kind = "onnx";
    m.environment = Map.of("GITHUB_SHA", commit);
    m.project = mavenProject;
    return m;
  }

  private List<ModelVersion> versions() {
    try (ModelRegistry r = ModelRegistry.open(workspace)) {
      return r.findModel("churn").isPresent() ? r.versions("churn") : List.of();
    }
  }

  @Test
  void registersTheFileWithItsCommitAndPathAndSetsTheVersionProperty() throws Exception {
    RegisterMojo m = mojo(A);
    m.alias = "staging";
    m.execute();

    List<ModelVersion> versions = versions();
    assertThat(versions).hasSize(1);
    ModelVersion v = versions.get(0);
    assertThat(v.format()).isEqualTo("onnx");
    assertThat(v.tags())
        .containsEntry(RegisterMojo.COMMIT_TAG, A)
        .containsEntry(RegisterMojo.FILE_TAG, "target/churn.onnx");
    assertThat(v.aliases()).containsExactly("staging");
    Properties props = mavenProject.getProperties();
    assertThat(props.getProperty(RegisterMojo.VERSION_PROPERTY)).isEqualTo("1");
    try (ModelRegistry r = ModelRegistry.open(workspace);
        var in = r.openArtifact(v)) {
      assertThat(new String(in.readAllBytes())).isEqualTo("graph bytes");
    }
  }

  @Test
  void theSameFileAndCommitAgainRegistersNothing() throws Exception {
    mojo(A).execute();
    RegisterMojo again = mojo(A);
    again.alias = "staging";
    again.execute();

    assertThat(versions()).hasSize(1);
    assertThat(again.registered).isNotNull();
    assertThat(again.registered.version()).isEqualTo(1);
    assertThat(versions().get(0).aliases()).containsExactly("staging");
    assertThat(mavenProject.getProperties().getProperty(RegisterMojo.VERSION_PROPERTY))
        .isEqualTo("1");
  }

  @Test
  void anotherCommitOrOtherContentIsANewVersion() throws Exception {
    mojo(A).execute();
    mojo(B).execute(); // same bytes, built from another commit
    Files.writeString(project.resolve("target/churn.onnx"), "retrained graph");
    mojo(B).execute();

    assertThat(versions())
        .extracting(ModelVersion::version, v -> v.tags().get(RegisterMojo.COMMIT_TAG))
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, A),
            org.assertj.core.groups.Tuple.tuple(2, B),
            org.assertj.core.groups.Tuple.tuple(3, B));
  }

  @Test
  void aFileOutsideTheProjectIsRefusedAndNothingIsRegistered() throws Exception {
    Path secret = Files.writeString(dir.resolve("id_rsa"), "key");
    Files.createSymbolicLink(project.resolve("target/model.onnx"), secret);
    RegisterMojo m = mojo(A);
    m.file = Path.of("target/model.onnx").toFile();

    assertThatThrownBy(m::execute)
        .isInstanceOf(MojoExecutionException.class)
        .hasMessageContaining("outside the project directory");
    assertThat(workspace).doesNotExist();
  }

  @Test
  void aMissingWorkspaceIsNotCreatedUnlessAsked() {
    RegisterMojo m = mojo(A);
    m.createWorkspace = false;

    assertThatThrownBy(m::execute)
        .isInstanceOf(MojoExecutionException.class)
        .hasMessageContaining("Cannot register target/churn.onnx as model 'churn'");
    assertThat(workspace).doesNotExist();
  }

  @Test
  void withoutACommitNothingIsRegistered() {
    RegisterMojo m = mojo(A);
    m.environment = Map.of();

    assertThatThrownBy(m::execute)
        .isInstanceOf(MojoExecutionException.class)
        .hasMessageContaining("Cannot tell which commit");
    assertThat(workspace).doesNotExist();
  }

  @Test
  void theDatabasePasswordIsNeverInTheMessage() {
    RegisterMojo m = mojo(A);
    m.workspace = null;
    // nothing listens on port 1: the connection is refused at once
    m.jdbcUrl = "jdbc:postgresql://127.0.0.1:1/registry?connectTimeout=2";
    m.environment =
        Map.of(
            "GITHUB_SHA",
            A,
            RegistryMojo.USER_VARIABLE,
            "ci",
            RegistryMojo.PASSWORD_VARIABLE,
            "s3cr3t-pw");

    assertThatThrownBy(m::execute)
        .isInstanceOf(MojoExecutionException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3t-pw"));
  }

  @Test
  void skipDoesNothing() throws Exception {
    RegisterMojo m = mojo(A);
    m.skip = true;
    m.execute();
    assertThat(workspace).doesNotExist();
  }
}
