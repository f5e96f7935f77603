package io.github.mlops4j.spring;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code mlops.*} settings of a Spring Boot application. Invalid values fail the start with the
 * property's name in the message.
 *
 * <pre>
 * mlops.workspace=/var/lib/app/mlops
 * mlops.serving.models.churn.alias=champion
 * mlops.serving.models.churn.timeout=50ms
 * mlops.serving.models.churn.max-concurrency=64
 * </pre>
 *
 * @since 0.1.0
 */
@ConfigurationProperties("mlops")
public class MlopsProperties {
  /** Where the store lives. */
  public enum StoreKind {
    /** An embedded SQLite workspace at {@code mlops.workspace}. */
    EMBEDDED,
    /** The application's {@code DataSource} (PostgreSQL), artifacts at {@code mlops.artifacts}. */
    DATASOURCE
  }

  /**
   * The embedded workspace directory (mlops.db and artifacts/); required for the embedded store.
   */
  private @Nullable Path workspace;

  /** Which store the tracker, registry and feature store share. */
  private StoreKind store = StoreKind.EMBEDDED;

  /**
   * The artifact directory when {@code mlops.store=datasource} (optional once the workspace records
   * one).
   */
  private @Nullable Path artifacts;

  /** How often the registry looks for changes made by other processes (0: never). */
  private Duration registryPollInterval = Duration.ofSeconds(5);

  private final Serving serving = new Serving();

  private final Observations observations = new Observations();

  private final Console console = new Console();

  /** Defaults, then bound by Spring. */
  public MlopsProperties() {}

  public @Nullable Path getWorkspace() {
    return workspace;
  }

  public void setWorkspace(@Nullable Path workspace) {
    this.workspace = workspace;
  }

  public StoreKind getStore() {
    return store;
  }

  public void setStore(StoreKind store) {
    this.store = store;
  }

  public @Nullable Path getArtifacts() {
    return artifacts;
  }

  public void setArtifacts(@Nullable Path artifacts) {
    this.artifacts = artifacts;
  }

  public Duration getRegistryPollInterval() {
    return registryPollInterval;
  }

  public void setRegistryPollInterval(Duration registryPollInterval) {
    this.registryPollInterval = registryPollInterval;
  }

  public Serving getServing() {
    return serving;
  }

  public Observations getObservations() {
    return observations;
  }

  public Console getConsole() {
    return console;
  }

  /** {@code mlops.serving.*}: the served models. */
  public static class Serving {
    /** One InferenceService bean per entry, named (and qualified) by the model name. */
    private Map<String, Model> models = new LinkedHashMap<>();

    /**
     * How long closing the context waits for predictions in flight before it closes the services.
     */
    private Duration shutdownTimeout = Duration.ofSeconds(30);

    /** Record mlops.serving.* meters (MicrometerServingMeters) when a MeterRegistry exists. */
    private boolean meters = true;

    /** Defaults, then bound by Spring. */
    public Serving() {}

    public Map<String, Model> getModels() {
      return models;
    }

    public void setModels(Map<String, Model> models) {
      this.models = models;
    }

    public Duration getShutdownTimeout() {
      return shutdownTimeout;
    }

    public void setShutdownTimeout(Duration shutdownTimeout) {
      this.shutdownTimeout = shutdownTimeout;
    }

    public boolean isMeters() {
      return meters;
    }

    public void setMeters(boolean meters) {
      this.meters = meters;
    }
  }

  /** The validation policy of a served model. */
  public enum Validation {
    /** Requests that do not match the signature fail (the default). */
    REJECT,
    /** Missing and non-finite values are filled with {@code fill-value}. */
    FILL
  }

  /** {@code mlops.serving.models.<name>.*}: one served model. */
  public static class Model {
    /** The alias to follow (default latest); not together with version. */
    private @Nullable String alias;

    /** A version to serve and never swap; not together with alias. */
    private @Nullable Integer version;

    /** The default predict timeout (default none). */
    private @Nullable Duration timeout;

    /** At most this many predict calls at once; more fail with OverloadedException. */
    private @Nullable Integer maxConcurrency;

    /** What to do with requests that do not match the signature. */
    private Validation validation = Validation.REJECT;

    /** The fill value under validation=fill. */
    private double fillValue;

    /** Online features to enrich requests with, as view:feature. */
    private List<String> features = new ArrayList<>();

    /** Request fields that are not model inputs (ids, keys for logging). */
    private List<String> ignoreFields = new ArrayList<>();

    /**
     * Fail the start when the model has no loadable version (the alias names none, or its version
     * fails to load). With false the application starts anyway: the model's health is
     * OUT_OF_SERVICE with the reason, calls fail with ModelUnavailableException, and the service
     * starts serving as soon as the registry names a version that loads.
     */
    private boolean required = true;

    /** Defaults, then bound by Spring. */
    public Model() {}

    public @Nullable String getAlias() {
      return alias;
    }

    public void setAlias(@Nullable String alias) {
      this.alias = alias;
    }

    public @Nullable Integer getVersion() {
      return version;
    }

    public void setVersion(@Nullable Integer version) {
      this.version = version;
    }

    public @Nullable Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(@Nullable Duration timeout) {
      this.timeout = timeout;
    }

    public @Nullable Integer getMaxConcurrency() {
      return maxConcurrency;
    }

    public void setMaxConcurrency(@Nullable Integer maxConcurrency) {
      this.maxConcurrency = maxConcurrency;
    }

    public Validation getValidation() {
      return validation;
    }

    public void setValidation(Validation validation) {
      this.validation = validation;
    }

    public double getFillValue() {
      return fillValue;
    }

    public void setFillValue(double fillValue) {
      this.fillValue = fillValue;
    }

    public List<String> getFeatures() {
      return features;
    }

    public void setFeatures(List<String> features) {
      this.features = features;
    }

    public List<String> getIgnoreFields() {
      return ignoreFields;
    }

    public void setIgnoreFields(List<String> ignoreFields) {
      this.ignoreFields = ignoreFields;
    }

    public boolean isRequired() {
      return required;
    }

    public void setRequired(boolean required) {
      this.required = required;
    }
  }

  /** {@code mlops.observations.*}. */
  public static class Observations {
    /**
     * Observe predictions, registry changes, retraining and feature lookups with the application's
     * ObservationRegistry (a timer, and a span where a tracing bridge is present).
     */
    private boolean enabled = true;

    /**
     * Log correlation in SLF4J's MDC: the model name (mlops.model) while a prediction runs, its id
     * (mlops.prediction.id) while its observation ends, and the id of a run started through the
     * tracker (mlops.run.id) on the starting thread until the run ends.
     */
    private boolean mdc;

    /**
     * Observe each online read of the feature store the starter configures (mlops.features.lookup:
     * a timer per view set and outcome, and a span where a tracing bridge is present), while
     * observations are enabled.
     */
    private boolean featureLookups = true;

    /**
     * Time predictions straight into their mlops.prediction timer, without an Observation per call,
     * when nothing but the starter's meter handler would see them (Boot's observation registry with
     * meter handlers only: no tracer, no other handler, filter, predicate, convention or customizer
     * bean). Set to false if code adds handlers to the ObservationRegistry itself rather than as
     * beans.
     */
    private boolean directTimers = true;

    /** Defaults, then bound by Spring. */
    public Observations() {}

    public boolean isDirectTimers() {
      return directTimers;
    }

    public void setDirectTimers(boolean directTimers) {
      this.directTimers = directTimers;
    }

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public boolean isMdc() {
      return mdc;
    }

    public void setMdc(boolean mdc) {
      this.mdc = mdc;
    }

    public boolean isFeatureLookups() {
      return featureLookups;
    }

    public void setFeatureLookups(boolean featureLookups) {
      this.featureLookups = featureLookups;
    }
  }

  /** {@code mlops.console.*}: the read-only web console, with mlops-console on the class path. */
  public static class Console {
    /**
     * Mount the console in the application's servlet container (off by default). The application's
     * own security filters apply to it, as to any other path.
     */
    private boolean enabled;

    /** Where the console is mounted: segments of letters, digits, '-' and '_' after each '/'. */
    private String path = "/mlops";

    /** Defaults, then bound by Spring. */
    public Console() {}

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getPath() {
      return path;
    }

    public void setPath(String path) {
      this.path = path;
    }
  }
}
