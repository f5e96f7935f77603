package io.github.mlops4j.maven;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.apache.maven.plugin.MojoExecutionException;

/** Files a goal may read: regular files inside the project directory, symbolic links resolved. */
final class ProjectFiles {
  private ProjectFiles() {}

  /**
   * The real path of {@code file} (relative paths are taken from {@code basedir}), which must be a
   * regular file whose real path lies inside the real path of {@code basedir}: {@code ..} segments
   * and symbolic links (at any level) that lead out of the project are refused.
   *
   * @throws MojoExecutionException if the file is missing, not a regular file or outside
   */
  static Path inside(Path basedir, Path file, String parameter) throws MojoExecutionException {
    Path base;
    try {
      base = basedir.toRealPath();
    } catch (IOException e) {
      throw new MojoExecutionException("Project directory " + basedir + " cannot be read", e);
    }
    Path given = basedir.resolve(file);
    Path real;
    try {
      real = given.toRealPath();
    } catch (IOException e) {
      throw new MojoExecutionException(
          parameter
              + " "
              + Text.clip(file)
              + " does not exist (resolved to "
              + Text.clip(given)
              + ")",
          e);
    }
    if (!real.startsWith(base)) {
      throw new MojoExecutionException(
          parameter
              + " "
              + Text.clip(file)
              + " is outside the project directory "
              + base
              + (real.equals(given.toAbsolutePath().normalize())
                  ? ""
                  : " (a symbolic link leads to " + Text.clip(real) + ")")
              + "; only files the build made or holds can be registered");
    }
    if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
      throw new MojoExecutionException(parameter + " " + Text.clip(file) + " is not a file");
    }
    return real;
  }
}
