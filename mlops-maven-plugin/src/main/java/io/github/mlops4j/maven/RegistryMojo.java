package io.github.mlops4j.maven;

import java.io.File;
import java.util.Map;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.building.SettingsProblem;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;
import org.jspecify.annotations.Nullable;

/**
 * What the goals share: where the registry is (a workspace directory, or a JDBC URL with the
 * artifact directory), the database credentials and {@code skip}.
 *
 * <p>Credentials are never parameters of their own: they come from a {@code <server>} in {@code
 * settings.xml} named by {@code mlops.serverId} (its password may be encrypted with {@code mvn
 * --encrypt-password}), else from the environment variables {@value #USER_VARIABLE} and {@value
 * #PASSWORD_VARIABLE}. The password is never logged, and is replaced by {@code ****} in anything
 * the goals print.
 *
 * @since 0.1.0
 */
public abstract class RegistryMojo extends AbstractMojo {
  /** The environment variable holding the database user when no server id is given. */
  public static final String USER_VARIABLE = "MLOPS_JDBC_USER";

  /** The environment variable holding the database password when no server id is given. */
  public static final String PASSWORD_VARIABLE = "MLOPS_JDBC_PASSWORD";

  /** The workspace directory (SQLite and artifacts); give this or {@code jdbcUrl}. */
  @Parameter(property = "mlops.workspace")
  @Nullable File workspace;

  /** A JDBC URL of the shared registry database (PostgreSQL); give this or {@code workspace}. */
  @Parameter(property = "mlops.jdbcUrl")
  @Nullable String jdbcUrl;

  /** The artifact directory shared by the registry's users; with {@code jdbcUrl}. */
  @Parameter(property = "mlops.artifacts")
  @Nullable File artifacts;

  /** The id of a {@code <server>} in settings.xml holding the database user and password. */
  @Parameter(property = "mlops.serverId")
  @Nullable String serverId;

  /** Skips the goal. */
  @Parameter(property = "mlops.skip", defaultValue = "false")
  boolean skip;

  @Parameter(defaultValue = "${settings}", readonly = true)
  @Nullable Settings settings;

  // @Component is deprecated in favour of constructor injection (JSR-330), which needs Sisu's
  // index at build time; field injection still works on every Maven 3.8+.
  @SuppressWarnings("deprecation")
  @Component
  @Nullable SettingsDecrypter settingsDecrypter;

  /** The environment; replaced in tests. */
  Map<String, String> environment = System.getenv();

  RegistryMojo() {}

  /** A database user and password, either possibly absent. */
  record Credentials(@Nullable String user, @Nullable String password) {
    @Override
    public String toString() {
      return "Credentials[user="
          + user
          + ", password="
          + (password == null ? "none" : "****")
          + "]";
    }
  }

  @Override
  public final void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("Skipped (mlops.skip)");
      return;
    }
    if ((workspace == null) == (jdbcUrl == null || jdbcUrl.isBlank())) {
      throw new MojoExecutionException(
          "Give exactly one of <workspace> (-Dmlops.workspace=DIR) and <jdbcUrl>"
              + " (-Dmlops.jdbcUrl=URL)");
    }
    run(workspace != null ? new Credentials(null, null) : credentials());
  }

  /** Runs the goal with the connection checked and the credentials found. */
  abstract void run(Credentials credentials) throws MojoExecutionException, MojoFailureException;

  /** The credentials from the settings server, else from the environment. */
  Credentials credentials() throws MojoExecutionException {
    if (serverId == null || serverId.isBlank()) {
      return new Credentials(environment.get(USER_VARIABLE), environment.get(PASSWORD_VARIABLE));
    }
    Server server = settings == null ? null : settings.getServer(serverId);
    if (server == null) {
      throw new MojoExecutionException(
          "settings.xml has no <server> with id '"
              + Text.clip(serverId)
              + "' (mlops.serverId); add one with the database <username> and <password>");
    }
    if (settingsDecrypter != null) {
      SettingsDecryptionResult result =
          settingsDecrypter.decrypt(new DefaultSettingsDecryptionRequest(server));
      for (SettingsProblem problem : result.getProblems()) {
        if (problem.getSeverity() != SettingsProblem.Severity.WARNING) {
          throw new MojoExecutionException(
              "Cannot decrypt the password of <server> '"
                  + Text.clip(serverId)
                  + "': "
                  + problem.getMessage());
        }
      }
      server = result.getServer();
    }
    return new Credentials(server.getUsername(), server.getPassword());
  }
}
