package io.github.mlops4j.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.maven.plugin.MojoExecutionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectFilesTest {
  @TempDir Path dir;
  Path project;
  Path secret;

  @BeforeEach
  void setUp() throws Exception {
    project = Files.createDirectories(dir.resolve("project"));
    Files.createDirectories(project.resolve("target"));
    Files.writeString(project.resolve("target/model.onnx"), "model");
    secret = Files.writeString(dir.resolve("secret.txt"), "not the build's");
  }

  @Test
  void aFileOfTheProjectIsItsRealPath() throws Exception {
    assertThat(ProjectFiles.inside(project, Path.of("target/model.onnx"), "<file>"))
        .isEqualTo(project.resolve("target/model.onnx").toRealPath());
  }

  @Test
  void aSymbolicLinkStayingInsideIsFollowed() throws Exception {
    Files.createSymbolicLink(project.resolve("latest.onnx"), Path.of("target/model.onnx"));
    assertThat(ProjectFiles.inside(project, Path.of("latest.onnx"), "<file>"))
        .isEqualTo(project.resolve("target/model.onnx").toRealPath());
  }

  @Test
  void dotDotOutOfTheProjectIsRefused() {
    assertThatThrownBy(() -> ProjectFiles.inside(project, Path.of("../secret.txt"), "<file>"))
        .isInstanceOf(MojoExecutionException.class)
        .hasMessageContaining("is outside the project directory");
  }

  @Test
  void anAbsolutePathOutsideIsRefused() {
    assertThatThrownBy(() -> ProjectFiles.inside(project, secret, "<file>"))
        .isInstanceOf(MojoExecutionException.class)
        .hasMessageContaining("is outside the project directory");
  }

  @Test
  void aSymbolicLinkLeadingOutIsRefused() throws Exception {
    Files.createSymbolicLink(project.resolve("target/model.bin"), secret);
    assertThatThrownBy(() -> ProjectFiles.inside(project, Path.of("target/model.bin"), "<file>"))
        .isInstanceOf(MojoExecutionException.class)
        .hasMessageContaining("a symbolic link leads to")
        .hasMessageContaining("secret.txt");
  }

  @Test
  void aLinkedDirectoryLeadingOutIsRefused() throws Exception {
    Files.createSymbolicLink(project.resolve("elsewhere"), dir);
    assertThatThrownBy(
            () -> ProjectFiles.inside(project, Path.of("elsewhere/secret.txt"), "<file>"))
        .isInstanceOf(MojoExecutionException.class)
        .hasMessageContaining("is outside the project directory");
  }

  @Test
  void aDirectoryOrAMissingFileIsRefused() {
    assertThatThrownBy(() -> ProjectFiles.inside(project, Path.of("target"), "<file>"))
        .isInstanceOf(MojoExecutionException.class)
        .hasMessageContaining("is not a file");
    assertThatThrownBy(() -> ProjectFiles.inside(project, Path.of("target/none.onnx"), "<file>"))
        .isInstanceOf(MojoExecutionException.class)
        .hasMessageContaining("does not exist");
  }

  @Test
  void aLongNameIsCutInTheMessage() {
    String name = "x".repeat(5000);
    assertThatThrownBy(() -> ProjectFiles.inside(project, Path.of(name), "<file>"))
        .isInstanceOf(MojoExecutionException.class)
        .hasMessageContaining("(5000 chars)");
  }
}
