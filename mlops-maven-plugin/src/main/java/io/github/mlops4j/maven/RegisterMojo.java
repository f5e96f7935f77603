package io.github.mlops4j.maven;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.mlops4j.MlopsException;
import io.github.mlops4j.registry.ModelArtifact;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.store.OpenMode;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.jspecify.annotations.Nullable;

/**
 * {@code mvn mlops:register}: registers a model file the build made as the next version of a model,
 * stored as it is under its format ({@code kind}: {@code onnx}, {@code xgboost}, {@code
 * tribuo-protobuf}, ...), tagged with the commit it was built from ({@value #COMMIT_TAG}) and its
 * path in the project ({@value #FILE_TAG}), and optionally points an alias at it. The version
 * number is logged and set as the project property {@value #VERSION_PROPERTY} for later plugins.
 *
 * <p>The commit is {@code mlops.commit} when given, else the first CI variable holding a full
 * commit hash ({@code GITHUB_SHA}, Jenkins' {@code GIT_COMMIT}, {@code CI_COMMIT_SHA}, ...), else
 * {@code git rev-parse HEAD} in the project directory; without any the goal fails and says so.
 *
 * <p>The file must be a regular file inside the project directory: paths and symbolic links that
 * lead out of it are refused, so a build cannot be made to upload a file from elsewhere on the
 * machine.
 *
 * <p>Running it again for the same file content, format and commit registers nothing: the version
 * registered before is returned (and the alias set on it). The check is a look-up before the
 * registration, not a lock: two builds of the same commit registering at the same moment may both
 * register a version.
 *
 * <p>The workspace must exist unless {@code createWorkspace} is set; a mistyped path is an error,
 * never a new empty registry. A file is registered without a signature: a Tribuo model that a
 * {@code mlops:gate} should evaluate is better registered from code, with {@code
 * ModelRegistry.register(name, model, runId)}, which records its signature.
 *
 * @since 0.1.0
 */
@Mojo(name = "register", threadSafe = true)
public class RegisterMojo extends RegistryMojo {
  /** The version tag holding the commit the file was built from. */
  public static final String COMMIT_TAG = "mlops.git.commit";

  /** The version tag holding the file's path relative to the project directory. */
  public static final String FILE_TAG = "mlops.source.file";

  /** The project property set to the registered version number. */
  public static final String VERSION_PROPERTY = "mlops.registeredVersion";

  /** The model file, inside the project directory. */
  @Parameter(property = "mlops.file", required = true)
  @Nullable File file;

  /** The model's name in the registry. */
  @Parameter(property = "mlops.model", required = true)
  @Nullable String model;

  /** The file's format: {@code onnx}, {@code xgboost}, {@code tribuo-protobuf}, ... */
  @Parameter(property = "mlops.kind", required = true)
  @Nullable String kind;

  /** An alias to point at the registered version ({@code staging}, {@code candidate}, ...). */
  @Parameter(property = "mlops.alias")
  @Nullable String alias;

  /** The version's description. */
  @Parameter(property = "mlops.description", defaultValue = "")
  String description = "";

  /** The commit hash; by default from the CI environment or {@code git rev-parse HEAD}. */
  @Parameter(property = "mlops.commit")
  @Nullable String commit;

  /**
   * Creates a missing workspace (with {@code jdbcUrl}: the registry's tables and the artifact
   * directory); by default a registry that does not exist is an error.
   */
  @Parameter(property = "mlops.createWorkspace", defaultValue = "false")
  boolean createWorkspace;

  @Parameter(defaultValue = "${project.basedir}", readonly = true, required = true)
  @Nullable File basedir;

  @Parameter(defaultValue = "${project}", readonly = true)
  @Nullable MavenProject project;

  /** How git is run; replaced in tests. */
  Commits.Git git = Commits.Git.DEFAULT;

  /** The version registered (or found) by the last run; for tests. */
  @Nullable ModelVersion registered;

  /** Creates the goal; Maven sets its parameters. */
  public RegisterMojo() {}

  @Override
  void run(Credentials credentials) throws MojoExecutionException {
    String name = nonBlank(model, "model");
    String format = nonBlank(kind, "kind");
    Path base = Objects.requireNonNull(basedir, "basedir").toPath();
    Path real = ProjectFiles.inside(base, Objects.requireNonNull(file, "file").toPath(), "<file>");
    String source;
    try {
      source = base.toRealPath().relativize(real).toString().replace(File.separatorChar, '/');
    } catch (IOException e) {
      throw new MojoExecutionException("Project directory " + base + " cannot be read", e);
    }
    String hash = Commits.resolve(commit, environment, base, git);
    String digest = sha256(real);
    HikariDataSource pool = null;
    try {
      ModelRegistry.Builder b =
          ModelRegistry.builder()
              .pollInterval(Duration.ZERO)
              .openMode(createWorkspace ? OpenMode.CREATE : OpenMode.EXISTING);
      if (workspace != null) {
        b.workspace(workspace.toPath());
      } else {
        pool = pool(Objects.requireNonNull(jdbcUrl), credentials);
        b.dataSource(pool);
        if (artifacts != null) {
          b.artifactRoot(artifacts.toPath());
        }
      }
      try (ModelRegistry opened = b.build()) {
        ModelRegistry registry = opened.withComment("mlops:register " + source + " @ " + hash);
        ModelVersion v = existing(registry, name, format, digest, hash).orElse(null);
        if (v != null) {
          getLog().info("Already registered: " + v + " from " + source + " at commit " + hash);
        } else {
          ModelArtifact artifact =
              ModelArtifact.file(real, format)
                  .description(description)
                  .tag(COMMIT_TAG, hash)
                  .tag(FILE_TAG, source);
          v = registry.register(name, artifact, null);
          getLog().info("Registered " + v + " from " + source + " at commit " + hash);
        }
        if (alias != null && !alias.isBlank() && !v.aliases().contains(alias)) {
          registry.setAlias(name, alias, v.version());
          getLog()
              .info("Alias '" + alias + "' of model '" + name + "' now points at v" + v.version());
        }
        registered = v;
        if (project != null) {
          project.getProperties().setProperty(VERSION_PROPERTY, Integer.toString(v.version()));
        }
      }
    } catch (MlopsException | IllegalArgumentException | IllegalStateException e) {
      throw failure(source, name, String.valueOf(e.getMessage()), credentials);
    } catch (RuntimeException e) { // a driver's or the pool's: keep its type in the message
      throw failure(source, name, e.toString(), credentials);
    } finally {
      if (pool != null) {
        pool.close();
      }
    }
  }

  /**
   * The error for a failed registration; the password is replaced by {@code ****}. The cause is
   * left out: a driver's exception may hold the connection settings.
   */
  private static MojoExecutionException failure(
      String source, String name, String reason, Credentials credentials) {
    return new MojoExecutionException(
        "Cannot register "
            + source
            + " as model '"
            + Text.clip(name)
            + "': "
            + Text.redact(reason, credentials.password()));
  }

  /** A version of the model with the same content, format and commit tag, if any. */
  private static Optional<ModelVersion> existing(
      ModelRegistry registry, String name, String format, String digest, String hash) {
    if (registry.findModel(name).isEmpty()) {
      return Optional.empty();
    }
    return registry.versions(name).stream()
        .filter(
            v ->
                v.digest().equals(digest)
                    && v.format().equals(format)
                    && hash.equals(v.tags().get(COMMIT_TAG)))
        .findFirst();
  }

  private static HikariDataSource pool(String url, Credentials credentials) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    if (credentials.user() != null) {
      config.setUsername(credentials.user());
    }
    if (credentials.password() != null) {
      config.setPassword(credentials.password());
    }
    config.setMaximumPoolSize(2);
    return new HikariDataSource(config);
  }

  private static String sha256(Path file) throws MojoExecutionException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[64 * 1024];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        md.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw new MojoExecutionException("Cannot read " + file + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java runtime has SHA-256", e);
    }
  }

  private static String nonBlank(@Nullable String value, String parameter)
      throws MojoExecutionException {
    if (value == null || value.isBlank()) {
      throw new MojoExecutionException("<" + parameter + "> is required");
    }
    return value;
  }
}
