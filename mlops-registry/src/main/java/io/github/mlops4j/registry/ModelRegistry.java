package io.github.mlops4j.registry;

import com.google.errorprone.annotations.CheckReturnValue;
import io.github.mlops4j.Subscription;
import io.github.mlops4j.artifacts.ArtifactStore;
import io.github.mlops4j.artifacts.StoredArtifact;
import io.github.mlops4j.governance.PurgeResult;
import io.github.mlops4j.governance.Purger;
import io.github.mlops4j.governance.internal.GovernanceTables;
import io.github.mlops4j.internal.Checks;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.store.StoreOptions;
import io.github.mlops4j.store.internal.Sql;
import io.github.mlops4j.store.internal.StoreAccess;
import io.github.mlops4j.store.internal.StoreSource;
import io.github.mlops4j.tracking.RunInfo;
import io.github.mlops4j.tracking.Tracker;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tribuo.Model;
import org.tribuo.Output;

/**
 * The model registry: registered models, numbered versions linked to tracking runs, aliases such as
 * {@code champion}, an append-only audit trail, rollback, and model loading that checks the
 * artifact's SHA-256 before a byte is deserialized.
 *
 * <pre>{@code
 * try (ModelRegistry registry = ModelRegistry.open(workspace)) {
 *   ModelVersion v = registry.register("churn", model, run.id());
 *   registry.withComment("beats v3 on holdout").setAlias("churn", "champion", v.version());
 *   ModelVersion champion = registry.resolve("churn", "champion").orElseThrow();
 *   Model<Label> loaded = registry.loadTribuo(champion, Label.class);
 * }
 * }</pre>
 *
 * <p>Every change is one transaction, checked first by the {@link AccessPolicy}, recorded with its
 * actor and comment in the audit trail, and announced to listeners after it commits. Version
 * numbers are allocated in the same transaction as the version row, so concurrent registrations
 * from threads and processes get unique, gapless numbers. Thread-safe. {@link #withComment} and
 * {@link #withActor} return views sharing this registry; closing any of them closes it.
 *
 * @since 0.1.0
 */
public final class ModelRegistry implements AutoCloseable {
  /** The reference that resolves to the highest READY version. */
  public static final String LATEST = "latest";

  /**
   * The default {@link java.io.ObjectInputFilter} pattern for Java-serialized Tribuo models, based
   * on Tribuo's own JEP 290 list ({@code docs/jep-290-filter.txt} in Tribuo): Tribuo, OLCUT,
   * LibSVM, LibLinear, {@code java.io.File} (file provenance) and the {@code java.lang}, {@code
   * java.util}, {@code java.time} and {@code java.math} classes they use; everything else is
   * refused ({@code java.net.URL} too, whose {@code hashCode} resolves host names).
   *
   * <p>Limits: object graphs at most 24 deep ({@code maxdepth}), 5,000,000 objects and references
   * ({@code maxrefs}), arrays of at most 10,000,000 elements ({@code maxarray}, so a few bytes
   * cannot allocate gigabytes) and 1 GiB of stream ({@code maxbytes}). Real models need far less: a
   * logistic regression over 2,000 features is 10 deep with about 10,000 references, an ensemble of
   * ensembles 18 deep. The depth bound is what stops nested-collection "hash bombs" at the filter
   * (a few KB of {@code HashSet}s nested 100 deep would never finish hashing): their cost grows
   * geometrically with each level. It bounds, but does not remove, what a crafted stream can cost
   * within the limits: Java serialization is only for trusted files. A deep decision tree may need
   * a higher {@code maxdepth}: pass a copy of this pattern with a larger value, or better,
   * re-register the model in protobuf form. The registry also applies the JVM-wide {@code
   * jdk.serialFilter}, if set, on top of this pattern.
   */
  public static final String TRIBUO_SERIAL_FILTER =
      "maxdepth=24;maxrefs=5000000;maxarray=10000000;maxbytes=1073741824;"
          + "org.tribuo.**;com.oracle.labs.mlrg.olcut.**;libsvm.*;de.bwaldvogel.liblinear.*;"
          + "java.lang.*;java.util.*;java.time.*;java.math.*;java.io.File;!*";

  private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);
  private static final Pattern ALIAS = Pattern.compile("[A-Za-z0-9_\\-]{1,255}");
  private static final Pattern VERSION_REF = Pattern.compile("[vV]?\\d{1,9}");
  private static final int MAX_NAME = 500;
  private static final int MAX_TAG_KEY = 250;
  private static final int MAX_TAG_VALUE = 5000;

  private final Shared shared;
  private final Supplier<String> actor;
  private final @Nullable String comment;

  /** State shared by a registry and its views. */
  private static final class Shared {
    final Store store;
    final boolean ownsStore;
    final RegistryDao dao;
    final Tracker tracker;
    final Clock clock;
    final AccessPolicy policy;
    final TribuoLoader loader;
    final ResolveCache resolved;
    final ChangeWatcher watcher;
    final AtomicBoolean closed = new AtomicBoolean();

    Shared(Builder b, Store store, boolean ownsStore) {
      this.store = store;
      this.ownsStore = ownsStore;
      this.clock = StoreAccess.clock(b);
      this.policy = b.accessPolicy;
      this.loader = new TribuoLoader(b.allowedClassPrefixes, b.javaSerialFilter, b.modelLoaders);
      StoreAccess.migrate(
          store, RegistryDao.COMPONENT, RegistryDao.SCHEMA_VERSION, RegistryDao.MIGRATIONS);
      this.dao = new RegistryDao(store);
      if (store.openMode() != io.github.mlops4j.store.OpenMode.READ_ONLY
          && StoreAccess.read(store, dao::hasMissingNameKeys)) {
        // models registered before schema 3
        int filled = StoreAccess.write(store, dao::fillNameKeys);
        LOG.debug("Filled in the case-insensitive key of {} model names", filled);
      }
      this.tracker = Tracker.builder().store(store).clock(clock).captureEnvironment(false).build();
      this.resolved = new ResolveCache(b.cacheSize);
      this.watcher = new ChangeWatcher(store, dao, resolved, b.pollInterval, b.pushNotifications);
    }
  }

  private ModelRegistry(Shared shared, Supplier<String> actor, @Nullable String comment) {
    this.shared = shared;
    this.actor = actor;
    this.comment = comment;
  }

  /** Opens the registry of the embedded workspace at {@code workspace} (shared with Tracker). */
  public static ModelRegistry open(Path workspace) {
    return builder().workspace(workspace).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A view whose changes record {@code comment} as their reason in the audit trail. */
  @CheckReturnValue
  public ModelRegistry withComment(String comment) {
    Objects.requireNonNull(comment, "comment");
    return new ModelRegistry(shared, actor, comment);
  }

  /** A view whose changes are made by {@code actor}. */
  @CheckReturnValue
  public ModelRegistry withActor(String actor) {
    String name = checkName(actor, "actor");
    return new ModelRegistry(shared, () -> name, comment);
  }

  // ---------------------------------------------------------------- registered models

  /**
   * Creates a registered model. The name must follow the rule for model names (see {@link
   * #register(String, ModelArtifact, String)}).
   *
   * @throws IllegalArgumentException if the name breaks the rule
   * @throws RegistryException if it exists already, or differs only by case from the name of an
   *     existing model (the message names that model)
   */
  public RegisteredModel createModel(String name, String description) {
    ModelNames.check(name);
    Objects.requireNonNull(description, "description");
    for (int attempt = 1; ; attempt++) {
      try {
        change(
            AuditAction.MODEL_CREATED,
            name,
            null,
            null,
            (c, who, now) -> {
              refuseCaseTwin(c, name);
              if (!shared.dao.insertModel(c, name, description, now)) {
                throw new RegistryException(
                    name, null, "Model " + ModelNames.quote(name) + " already exists");
              }
              return audit(c, name, AuditAction.MODEL_CREATED, null, null, null, who, now);
            });
        return findModel(name).orElseThrow();
      } catch (io.github.mlops4j.store.StoreException e) {
        retryAfterNameKeyConflict(e, attempt);
      }
    }
  }

  /**
   * A concurrent transaction created a model whose name differs only by case: the retry's {@link
   * #refuseCaseTwin} sees it and names it. Anything else is rethrown.
   */
  private static void retryAfterNameKeyConflict(
      io.github.mlops4j.store.StoreException e, int attempt) {
    if (!RegistryDao.isNameKeyConflict(e) || attempt >= 3) {
      throw e;
    }
  }

  /**
   * Refuses to create {@code name} when another model's name differs from it only by case. A {@link
   * RegistryException} like "already exists", not an argument error: whether the name clashes
   * depends on what is stored, and another writer may have just stored the twin.
   */
  private void refuseCaseTwin(Connection c, String name) throws SQLException {
    String twin = shared.dao.caseTwin(c, name);
    if (twin != null) {
      throw new RegistryException(
          name,
          null,
          "Model name "
              + ModelNames.quote(name)
              + " differs only by case from the existing model "
              + ModelNames.quote(twin)
              + "; use that model's name, or choose a name that differs in more than case");
    }
  }

  public Optional<RegisteredModel> findModel(String name) {
    checkOpen();
    return Optional.ofNullable(StoreAccess.read(shared.store, c -> shared.dao.model(c, name)));
  }

  /** Every registered model, by name. */
  public List<RegisteredModel> listModels() {
    return searchModels(null, Map.of());
  }

  /**
   * Registered models whose name matches {@code namePattern} (SQL {@code LIKE}: {@code %} and
   * {@code _} wildcards, case-sensitive; null for any) and that carry every given tag.
   */
  public List<RegisteredModel> searchModels(
      @Nullable String namePattern, Map<String, String> tags) {
    checkOpen();
    Map<String, String> copy = Map.copyOf(tags);
    return StoreAccess.read(
        shared.store, c -> shared.dao.models(c, shared.dao.searchModelNames(c, namePattern, copy)));
  }

  public void setModelDescription(String name, String description) {
    Objects.requireNonNull(description, "description");
    change(
        AuditAction.MODEL_UPDATED,
        name,
        null,
        null,
        (c, who, now) -> {
          requireModel(c, name);
          shared.dao.setModelDescription(c, name, description);
          shared.dao.touch(c, name, now);
          return audit(c, name, AuditAction.MODEL_UPDATED, null, null, null, who, now);
        });
  }

  /** Sets a tag on a registered model; a null value removes it. */
  public void setModelTag(String name, String key, @Nullable String value) {
    checkTag(key, value);
    change(
        AuditAction.MODEL_UPDATED,
        name,
        null,
        null,
        (c, who, now) -> {
          requireModel(c, name);
          shared.dao.setModelTag(c, name, key, value);
          shared.dao.touch(c, name, now);
          return audit(c, name, AuditAction.MODEL_UPDATED, null, null, null, who, now);
        });
  }

  /**
   * Deletes a registered model with all its versions. Refused while an alias points into it: delete
   * the aliases first. The audit trail keeps its history; artifacts stay in the store.
   */
  public void deleteModel(String name) {
    change(
        AuditAction.MODEL_DELETED,
        name,
        null,
        null,
        (c, who, now) -> {
          RegisteredModel m = shared.dao.model(c, name);
          if (m == null) {
            throw new ModelNotFoundException(name, null);
          }
          if (!m.aliases().isEmpty()) {
            throw new RegistryException(
                name,
                null,
                "Model '"
                    + name
                    + "' still has aliases "
                    + m.aliases().keySet()
                    + "; delete them before deleting the model");
          }
          shared.dao.deleteModel(c, name);
          return audit(c, name, AuditAction.MODEL_DELETED, null, null, null, who, now);
        });
  }

  // ---------------------------------------------------------------- versions

  /** Registers a Tribuo model (protobuf form, signature from its domains) as the next version. */
  public ModelVersion register(String name, Model<?> model, @Nullable String runId) {
    return register(name, ModelArtifact.tribuo(model), runId);
  }

  /**
   * Registers an artifact as the next version of {@code name}, creating the model if needed. The
   * artifact is stored first (by digest); the version row, its number and its audit entry are one
   * transaction, so a crash in between leaves at most an unreferenced artifact, never a
   * half-registered version.
   *
   * <p>The name of a new model is 1 to 500 characters of well-formed Unicode that neither starts
   * nor ends with whitespace and holds no {@code /}, no {@code \}, no control or invisible (format)
   * characters, and no whitespace other than the space U+0020; and it must not differ only by case
   * (after NFKC normalization and case folding) from the name of an existing model: {@code "Loan"}
   * is refused when {@code "loan"} exists, naming {@code "loan"}. The database holds the folded
   * name in a unique column, so this holds for concurrent writers in any number of threads and
   * processes: of two registering {@code "Loan"} and {@code "loan"} at once, one creates the model
   * and the other gets the error. Models created before this rule keep their names (and new
   * versions may be registered under them).
   *
   * <p>The {@link AccessPolicy} is asked before the artifact is stored: for {@link
   * AuditAction#MODEL_CREATED} when no model of that name exists, then for {@link
   * AuditAction#VERSION_REGISTERED}. If the model is deleted between that look-up and the
   * transaction, the policy is asked for {@code MODEL_CREATED} then and the registration retried.
   *
   * @param runId the tracking run that produced it, which must exist; null for none
   * @throws IllegalArgumentException if a new model's name breaks the rule above
   * @throws RegistryException if a new model's name differs only by case from an existing one
   */
  public ModelVersion register(String name, ModelArtifact artifact, @Nullable String runId) {
    checkName(name, "model name");
    Objects.requireNonNull(artifact, "artifact");
    artifact.tags().forEach(ModelRegistry::checkTag);
    checkOpen();
    if (runId != null && shared.tracker.findRun(runId).isEmpty()) {
      throw new RegistryException(
          name,
          null,
          "No tracking run with id '"
              + runId
              + "' exists in this workspace; register with the id of the run that trained the model");
    }
    boolean mayCreate = findModel(name).isEmpty();
    if (mayCreate) {
      ModelNames.check(name);
      StoreAccess.read(
          shared.store,
          c -> {
            refuseCaseTwin(c, name); // before the artifact is stored (checked again when creating)
            return null;
          });
      policy(AuditAction.MODEL_CREATED, name, null, null);
    }
    policy(AuditAction.VERSION_REGISTERED, name, null, null);
    StoredArtifact stored = store(name, artifact);
    ModelSignature signature = artifact.signatureOrNull();
    String signatureJson = signature == null ? null : SignatureJson.write(signature);
    int[] number = new int[1];
    for (int attempt = 1; ; attempt++) {
      boolean creating = mayCreate;
      try {
        commit(
            name,
            (c, who, now) -> {
              if (!shared.dao.lockModel(c, name)) {
                if (!creating) {
                  throw new ModelMissing(); // deleted since it was looked up: ask the policy first
                }
                refuseCaseTwin(c, name);
                shared.dao.insertModel(c, name, "", now);
                audit(c, name, AuditAction.MODEL_CREATED, null, null, null, who, now);
              }
              int version = shared.dao.allocateVersion(c, name, now);
              shared.dao.insertVersion(
                  c,
                  name,
                  version,
                  runId,
                  stored.digest(),
                  stored.sizeBytes(),
                  artifact.format(),
                  signatureJson,
                  artifact.description(),
                  now,
                  who);
              for (Map.Entry<String, String> tag : artifact.tags().entrySet()) {
                shared.dao.setVersionTag(c, name, version, tag.getKey(), tag.getValue());
              }
              number[0] = version;
              return audit(c, name, AuditAction.VERSION_REGISTERED, version, null, null, who, now);
            });
        return getVersion(name, number[0]).orElseThrow();
      } catch (ModelMissing e) {
        ModelNames.check(name);
        policy(AuditAction.MODEL_CREATED, name, null, null);
        mayCreate = true;
      } catch (io.github.mlops4j.store.StoreException e) {
        retryAfterNameKeyConflict(e, attempt);
      }
    }
  }

  /** Thrown inside a registration whose model vanished; rolls it back, then it is retried. */
  private static final class ModelMissing extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ModelMissing() {
      super("model missing", null, false, false);
    }
  }

  private StoredArtifact store(String name, ModelArtifact artifact) {
    ArtifactStore artifacts = shared.store.artifacts();
    Model<?> model = artifact.model();
    if (model != null) {
      byte[] bytes = model.serialize().toByteArray();
      return artifacts.put(new ByteArrayInputStream(bytes));
    }
    return artifacts.put(Objects.requireNonNull(artifact.file(), () -> "artifact of " + name));
  }

  public Optional<ModelVersion> getVersion(String name, int version) {
    checkOpen();
    return Optional.ofNullable(
        StoreAccess.read(shared.store, c -> shared.dao.version(c, name, version)));
  }

  /** Every version of a model, oldest first. */
  public List<ModelVersion> versions(String name) {
    checkOpen();
    return StoreAccess.read(
        shared.store,
        c -> {
          requireModel(c, name);
          return shared.dao.versions(c, name);
        });
  }

  /** Sets a tag on a version; a null value removes it. */
  public void setVersionTag(String name, int version, String key, @Nullable String value) {
    checkTag(key, value);
    change(
        AuditAction.VERSION_UPDATED,
        name,
        version,
        null,
        (c, who, now) -> {
          requireVersion(c, name, version);
          shared.dao.setVersionTag(c, name, version, key, value);
          return audit(c, name, AuditAction.VERSION_UPDATED, version, null, null, who, now);
        });
  }

  public void setVersionDescription(String name, int version, String description) {
    Objects.requireNonNull(description, "description");
    change(
        AuditAction.VERSION_UPDATED,
        name,
        version,
        null,
        (c, who, now) -> {
          requireVersion(c, name, version);
          shared.dao.setVersionDescription(c, name, version, description);
          return audit(c, name, AuditAction.VERSION_UPDATED, version, null, null, who, now);
        });
  }

  /**
   * Archives a version: it stays readable and loadable, but {@code latest} skips it and no alias
   * may point at it.
   *
   * @throws RegistryException if an alias points at it
   */
  public void archive(String name, int version) {
    change(
        AuditAction.VERSION_ARCHIVED,
        name,
        version,
        null,
        (c, who, now) -> {
          requireVersion(c, name, version);
          List<String> aliases = shared.dao.aliasesOf(c, name, version);
          if (!aliases.isEmpty()) {
            throw new RegistryException(
                name,
                version,
                "Version "
                    + version
                    + " of '"
                    + name
                    + "' cannot be archived: aliases "
                    + aliases
                    + " point at it. Move them first.");
          }
          shared.dao.setStatus(c, name, version, ModelStatus.ARCHIVED);
          return audit(c, name, AuditAction.VERSION_ARCHIVED, version, null, null, who, now);
        });
  }

  /**
   * Plans the permanent deletion of a version: its row, tags and evaluation records, and its
   * artifact object unless another version or a run references the same content. Changes nothing.
   *
   * @throws ModelNotFoundException if the version does not exist
   * @throws RegistryException if an alias points at it (move the alias first)
   */
  public VersionPurgePlan planVersionPurge(String name, int version) {
    checkOpen();
    Objects.requireNonNull(name, "name");
    return StoreAccess.read(
        shared.store,
        c -> {
          ModelVersion v = requireVersion(c, name, version);
          refuseAliased(c, name, version);
          long tags =
              count(
                  c,
                  "SELECT COUNT(*) FROM model_version_tags WHERE name = ? AND version = ?",
                  name,
                  version);
          long evaluations =
              count(
                  c,
                  "SELECT COUNT(*) FROM model_evaluations WHERE name = ? AND version = ?",
                  name,
                  version);
          boolean shared =
              count(c, "SELECT COUNT(*) FROM artifacts WHERE digest = ?", v.digest()) > 0
                  || count(
                          c,
                          "SELECT COUNT(*) FROM model_versions WHERE digest = ?"
                              + " AND NOT (name = ? AND version = ?)",
                          v.digest(),
                          name,
                          version)
                      > 0;
          return new VersionPurgePlan(
              name, version, v.digest(), v.sizeBytes(), tags, evaluations, shared);
        });
  }

  /**
   * Deletes a version for good, as planned by {@link #planVersionPurge}: in one transaction its
   * row, tags and evaluation records, an entry in this registry's audit trail ({@link
   * AuditAction#VERSION_PURGED}) and one in the governance audit trail; then its artifact object if
   * nothing else references it and it was not stored within {@link Purger#DEFAULT_GRACE_PERIOD} (a
   * younger object stays queued and a later {@link Purger#resume()} deletes it). The version number
   * is never reused. The access policy is asked first.
   *
   * @throws ModelNotFoundException if the version is gone
   * @throws RegistryException if an alias points at it now
   */
  public PurgeResult purgeVersion(VersionPurgePlan plan) {
    Objects.requireNonNull(plan, "plan");
    String name = plan.name();
    int version = plan.version();
    checkOpen();
    policy(AuditAction.VERSION_PURGED, name, version, null);
    GovernanceTables.migrate(shared.store); // after the policy: a refused purge writes nothing
    long[] rows = new long[3];
    commit(
        name,
        (c, who, now) -> {
          ModelVersion v = requireVersion(c, name, version);
          refuseAliased(c, name, version);
          rows[0] =
              Sql.update(
                  c,
                  "DELETE FROM model_evaluation_metrics WHERE evaluation_id IN"
                      + " (SELECT id FROM model_evaluations WHERE name = ? AND version = ?)",
                  name,
                  version);
          rows[1] =
              Sql.update(
                  c, "DELETE FROM model_evaluations WHERE name = ? AND version = ?", name, version);
          rows[2] =
              Sql.update(
                  c,
                  "DELETE FROM model_version_tags WHERE name = ? AND version = ?",
                  name,
                  version);
          Sql.update(c, "DELETE FROM model_versions WHERE name = ? AND version = ?", name, version);
          GovernanceTables.queue(c, List.of(v.digest()), now);
          GovernanceTables.audit(
              c,
              "PURGE_MODEL_VERSION",
              who,
              name + "/" + version,
              Map.of(
                  "versions", 1L,
                  "tags", rows[2],
                  "evaluations", rows[1],
                  "evaluationMetrics", rows[0]),
              comment,
              now);
          return audit(c, name, AuditAction.VERSION_PURGED, version, null, null, who, now);
        });
    PurgeResult objects;
    try (Purger purger =
        Purger.builder().store(shared.store).clock(shared.clock).actor(currentActor()).build()) {
      objects = purger.resume();
    }
    return new PurgeResult(
        List.of(name + "/" + version),
        Map.of(
            "versions", 1L,
            "tags", rows[2],
            "evaluations", rows[1],
            "evaluationMetrics", rows[0]),
        objects.deletedObjects(),
        objects.deferredObjects());
  }

  private void refuseAliased(Connection c, String name, int version) throws SQLException {
    List<String> aliases = shared.dao.aliasesOf(c, name, version);
    if (!aliases.isEmpty()) {
      throw new RegistryException(
          name,
          version,
          "Version "
              + version
              + " of '"
              + name
              + "' cannot be purged: aliases "
              + aliases
              + " point at it. Move them first.");
    }
  }

  private static long count(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      Sql.bind(p, args);
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Makes an archived version READY again. */
  public void restore(String name, int version) {
    change(
        AuditAction.VERSION_RESTORED,
        name,
        version,
        null,
        (c, who, now) -> {
          requireVersion(c, name, version);
          shared.dao.setStatus(c, name, version, ModelStatus.READY);
          return audit(c, name, AuditAction.VERSION_RESTORED, version, null, null, who, now);
        });
  }

  // ---------------------------------------------------------------- aliases
  //
  // The five alias mutations differ only in where they move the alias; everything else (the
  // alias rule, the access policy, the model lock, the READY check, the audit entry, the cache
  // invalidation and the event) is done once, by moveAlias.

  /**
   * Points {@code alias} at {@code version}. Alias names are 1 to 255 letters, digits, {@code _} or
   * {@code -}; {@code latest} and version-like names ({@code 3}, {@code v3}) are reserved.
   *
   * @throws RegistryException if the version does not exist or is archived
   */
  public void setAlias(String name, String alias, int version) {
    moveAlias(AuditAction.ALIAS_SET, name, alias, version, (c, current) -> AliasTarget.of(version));
  }

  /**
   * Moves {@code alias} from {@code expectedVersion} to {@code newVersion} atomically.
   *
   * @return false, changing nothing, if the alias does not point at {@code expectedVersion}
   */
  public boolean compareAndSetAlias(
      String name, String alias, int expectedVersion, int newVersion) {
    return moveAlias(
            AuditAction.ALIAS_SET,
            name,
            alias,
            newVersion,
            (c, current) ->
                current != null && current == expectedVersion ? AliasTarget.of(newVersion) : null)
        != null;
  }

  /**
   * Points {@code alias} at {@code version} only if the alias does not exist yet, atomically.
   *
   * @return false, changing nothing, if the alias already points at a version
   */
  public boolean setAliasIfAbsent(String name, String alias, int version) {
    return moveAlias(
            AuditAction.ALIAS_SET,
            name,
            alias,
            version,
            (c, current) -> current == null ? AliasTarget.of(version) : null)
        != null;
  }

  /** Removes an alias; returns false if it did not exist. */
  public boolean deleteAlias(String name, String alias) {
    return moveAlias(
            AuditAction.ALIAS_DELETED,
            name,
            alias,
            null,
            (c, current) -> current == null ? null : AliasTarget.REMOVED)
        != null;
  }

  /**
   * Moves {@code alias} back to the version it pointed at before its last change, as recorded in
   * the audit trail. Repeated rollbacks walk further back (a rollback undoes one change, it is not
   * itself undone by the next rollback).
   *
   * @return the version the alias points at now
   * @throws RegistryException if the alias has no earlier version, or that version is archived or
   *     deleted
   */
  public ModelVersion rollback(String name, String alias) {
    AliasTarget moved =
        moveAlias(
            AuditAction.ALIAS_ROLLED_BACK,
            name,
            alias,
            null,
            (c, current) -> {
              Integer before = previousValue(shared.dao.auditLog(c, name, 0), alias);
              if (before == null) {
                throw new RegistryException(
                    name,
                    null,
                    "Alias '"
                        + alias
                        + "' of '"
                        + name
                        + "' has no earlier version to roll back to");
              }
              return AliasTarget.of(before);
            });
    Integer version = Objects.requireNonNull(moved, "a rollback moves the alias").version();
    return getVersion(name, Objects.requireNonNull(version, "a rollback targets a version"))
        .orElseThrow();
  }

  /** Where an alias mutation moves the alias: to a version, or away ({@link #REMOVED}). */
  private record AliasTarget(@Nullable Integer version) {
    static final AliasTarget REMOVED = new AliasTarget(null);

    static AliasTarget of(int version) {
      return new AliasTarget(version);
    }
  }

  /** Decides, inside the transaction, where an alias moves; null changes nothing. */
  @FunctionalInterface
  private interface AliasMove {
    @Nullable AliasTarget target(Connection c, @Nullable Integer current) throws SQLException;
  }

  /**
   * The one path of every alias mutation. Before the transaction: the alias rule, then the {@link
   * AccessPolicy} for {@code action} with {@code requested} as the operation's version. In the
   * transaction: the model is locked ({@code requested}, if given, must be READY, checked before
   * the alias is read, so a refused target fails even when the move would not happen), the alias's
   * current value is read and {@code move} decides; a target version chosen by {@code move} must be
   * READY too. Then the alias is written, the model touched and one audit entry written (its
   * version is the target, or for a removal the version the alias left; its previous version is the
   * alias's value before). After the commit the watcher invalidates the model's cached answers and
   * announces the change. When {@code move} returns null nothing is written, invalidated or
   * announced.
   *
   * @return where the alias went, or null if nothing changed
   */
  private @Nullable AliasTarget moveAlias(
      AuditAction action, String name, String alias, @Nullable Integer requested, AliasMove move) {
    checkAlias(alias);
    @Nullable AliasTarget[] moved = new AliasTarget[1];
    change(
        action,
        name,
        requested,
        alias,
        (c, who, now) -> {
          moved[0] = null; // a retried transaction starts over
          if (requested != null) {
            requireReady(c, name, requested);
          } else {
            requireModel(c, name);
          }
          Integer current = shared.dao.alias(c, name, alias);
          AliasTarget target = move.target(c, current);
          if (target == null) {
            return -1L;
          }
          Integer version = target.version();
          if (version != null && !version.equals(requested)) {
            requireReady(c, name, version);
          }
          shared.dao.putAlias(c, name, alias, version);
          shared.dao.touch(c, name, now);
          moved[0] = target;
          return audit(
              c, name, action, version != null ? version : current, alias, current, who, now);
        });
    return moved[0];
  }

  /**
   * The value an alias had before its last change that has not been rolled back: replay the trail
   * keeping a stack of earlier values; a set or delete pushes the value it replaced, a rollback
   * pops one.
   */
  static @Nullable Integer previousValue(List<AuditEntry> trail, String alias) {
    Deque<Optional<Integer>> earlier = new ArrayDeque<>();
    for (AuditEntry e : trail) {
      if (e.action() == AuditAction.MODEL_DELETED) {
        earlier.clear(); // a model re-created under the same name starts a new history
      } else if (alias.equals(e.alias())) {
        switch (e.action()) {
          case ALIAS_SET, ALIAS_DELETED -> earlier.push(Optional.ofNullable(e.previousVersion()));
          case ALIAS_ROLLED_BACK -> earlier.poll();
          default -> {}
        }
      }
    }
    Optional<Integer> top = earlier.peek();
    return top == null ? null : top.orElse(null);
  }

  /** Alias to version number for a model. */
  public Map<String, Integer> aliases(String name) {
    return findModel(name).orElseThrow(() -> new ModelNotFoundException(name, null)).aliases();
  }

  /**
   * Resolves a reference to a version: an alias ({@code champion}), {@code latest} (the highest
   * READY version) or a version number ({@code 3} or {@code v3}). Answers come from a cache with
   * read-your-writes: once a change made through this registry (or one of its views) has returned,
   * every {@code resolve} that starts afterwards answers the new state, whatever resolves were
   * running while it was made. Changes by other registry instances and processes are seen once this
   * registry's watcher has picked them up (within the poll interval, before their events reach
   * listeners) or once {@link #refresh()} has returned.
   */
  public Optional<ModelVersion> resolve(String name, String reference) {
    checkOpen();
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(reference, "reference");
    return shared.resolved.get(name, reference, () -> load(name, reference));
  }

  private Optional<ModelVersion> load(String name, String reference) {
    return Optional.ofNullable(
        StoreAccess.read(
            shared.store,
            c -> {
              int version;
              if (reference.equalsIgnoreCase(LATEST)) {
                version = shared.dao.latestReady(c, name);
              } else if (VERSION_REF.matcher(reference).matches()) {
                version = Integer.parseInt(reference.replaceFirst("^[vV]", ""));
              } else {
                Integer v = shared.dao.alias(c, name, reference);
                version = v == null ? 0 : v;
              }
              return version == 0 ? null : shared.dao.version(c, name, version);
            }));
  }

  // ---------------------------------------------------------------- evaluations

  /**
   * Keeps the metrics a version scored on a data set. Evaluation records describe a version, they
   * do not change it: no audit entry is written and no event is sent. The {@link AccessPolicy} is
   * still asked first, for {@link AuditAction#EVALUATION_RECORDED}: records are evidence that gates
   * and people read, so attaching one is a change the host may restrict.
   *
   * @param runId the tracking run that logged the same metrics, or null
   * @param datasetDigest SHA-256 of the data set, 64 lowercase hex characters
   * @throws ModelNotFoundException if the version does not exist
   */
  public EvaluationRecord recordEvaluation(
      String name,
      int version,
      @Nullable String runId,
      String datasetName,
      String datasetDigest,
      Map<String, Double> metrics) {
    checkOpen();
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(datasetName, "datasetName");
    Objects.requireNonNull(datasetDigest, "datasetDigest");
    if (!datasetDigest.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException(
          "datasetDigest must be a SHA-256 (64 lowercase hex"
              + " characters), was '"
              + datasetDigest
              + "'");
    }
    Map<String, Double> copy = Map.copyOf(metrics);
    copy.forEach(
        (k, v) -> {
          checkTag(k, null);
          if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(
                "Metric '" + k + "' is " + v + "; only finite values can be recorded");
          }
        });
    policy(AuditAction.EVALUATION_RECORDED, name, version, null);
    long now = shared.clock.millis();
    long id =
        StoreAccess.write(
            shared.store,
            c -> {
              requireVersion(c, name, version);
              return shared.dao.insertEvaluation(
                  c, name, version, runId, datasetName, datasetDigest, copy, now);
            });
    return new EvaluationRecord(
        id,
        name,
        version,
        runId,
        datasetName,
        datasetDigest,
        copy,
        java.time.Instant.ofEpochMilli(now));
  }

  /** The evaluation records of a version, oldest first. */
  public List<EvaluationRecord> evaluations(String name, int version) {
    checkOpen();
    return StoreAccess.read(shared.store, c -> shared.dao.evaluations(c, name, version));
  }

  // ---------------------------------------------------------------- loading and lineage

  /**
   * Loads a Tribuo model version. The artifact's SHA-256 is checked against the registry before any
   * byte is parsed. A protobuf file is then checked whole before Tribuo sees it: every class named
   * anywhere in it (model, domains, outputs, provenance) must be in an allowed package, and unknown
   * fields, unknown payload types, malformed provenance and excessive nesting are refused (see
   * {@code docs/registry.md}). Java-serialized models are refused unless the builder allowed them,
   * and then read through an allowlist filter with size and depth limits.
   *
   * @throws ModelIntegrityException if the file is missing, truncated or changed
   * @throws UnsafeModelException if the format, a class or the file's structure is not allowed, or
   *     the file is empty or not a well-formed model
   * @throws RegistryException if the model's output type is not {@code outputType}, with a one-line
   *     message such as {@code "loan v1 is a Label model, not Regressor"} (the model's provenance
   *     is logged at DEBUG, not put in the message)
   */
  public <T extends Output<T>> Model<T> loadTribuo(ModelVersion version, Class<T> outputType) {
    checkOpen();
    return shared.loader.load(version, shared.store.artifacts(), outputType);
  }

  /** Opens a version's artifact; reading it verifies the digest (any format). */
  public InputStream openArtifact(ModelVersion version) {
    checkOpen();
    return shared.store.artifacts().open(version.digest());
  }

  /** The run that produced the version, its params and its datasets. */
  public ModelLineage lineage(ModelVersion version) {
    checkOpen();
    RunInfo run = version.runId().flatMap(shared.tracker::findRun).orElse(null);
    return new ModelLineage(version, run);
  }

  // ---------------------------------------------------------------- audit and events

  /** The audit trail of a model, oldest first (kept after the model is deleted). */
  public List<AuditEntry> auditLog(String name) {
    checkOpen();
    return StoreAccess.read(shared.store, c -> shared.dao.auditLog(c, name, 0));
  }

  /** Adds a listener; close the returned subscription to remove it (closing twice is harmless). */
  public Subscription addListener(RegistryListener listener) {
    return shared.watcher.addListener(listener);
  }

  /** The PostgreSQL backend listening for pushed changes, -1 when none (for tests). */
  int listenerBackendPid() {
    return shared.watcher.listenerBackendPid();
  }

  /** Changes written here that a later poll must not announce again (for tests). */
  int changesAwaitingPoll() {
    return shared.watcher.changesAwaitingPoll();
  }

  /**
   * Looks for changes by other processes now instead of waiting for the watcher (also works with
   * polling disabled).
   */
  public void refresh() {
    checkOpen();
    shared.watcher.poll();
  }

  /** The store, to share with a {@link Tracker} or other services of the workspace. */
  public Store store() {
    return shared.store;
  }

  /** Stops the watcher and releases the store if the registry opened it. Bounded. */
  @Override
  public void close() {
    if (!shared.closed.compareAndSet(false, true)) {
      return;
    }
    shared.watcher.close();
    shared.tracker.close();
    if (shared.ownsStore) {
      shared.store.close();
    }
  }

  // ---------------------------------------------------------------- change plumbing

  @FunctionalInterface
  private interface Change {
    /** Returns the audit sequence of the change, or -1 when nothing changed. */
    long apply(Connection c, String actor, long now) throws SQLException;
  }

  /** Audit entries written by the transaction running on this thread, announced after commit. */
  private static final ThreadLocal<List<AuditEntry>> WRITTEN =
      ThreadLocal.withInitial(ArrayList::new);

  private long change(
      AuditAction action,
      String name,
      @Nullable Integer version,
      @Nullable String alias,
      Change change) {
    checkOpen();
    Objects.requireNonNull(name, "name");
    policy(action, name, version, alias);
    return commit(name, change);
  }

  private void policy(
      AuditAction action, String name, @Nullable Integer version, @Nullable String alias) {
    shared.policy.check(new RegistryOperation(action, name, version, alias, currentActor()));
  }

  /**
   * Runs the change in one transaction; the watcher then invalidates the cache and announces the
   * audit entries it wrote (see {@link ChangeWatcher#commit} for the ordering).
   */
  private long commit(String name, Change change) {
    String who = currentActor();
    List<AuditEntry> written = WRITTEN.get();
    try {
      return shared.watcher.commit(
          name,
          () -> {
            long seq =
                StoreAccess.write(
                    shared.store,
                    c -> {
                      written.clear(); // a retried transaction starts over
                      return change.apply(c, who, shared.clock.millis());
                    });
            return new ChangeWatcher.Committed(seq, written);
          });
    } finally {
      written.clear();
    }
  }

  private long audit(
      Connection c,
      String name,
      AuditAction action,
      @Nullable Integer version,
      @Nullable String alias,
      @Nullable Integer previous,
      String who,
      long now)
      throws SQLException {
    long seq = shared.dao.audit(c, name, action, version, alias, previous, who, comment, now);
    WRITTEN
        .get()
        .add(
            new AuditEntry(
                seq,
                name,
                action,
                version,
                alias,
                previous,
                who,
                comment,
                java.time.Instant.ofEpochMilli(now)));
    return seq;
  }

  private String currentActor() {
    String who = actor.get();
    if (who == null || who.isBlank()) {
      throw new IllegalStateException("The actor supplier returned no name");
    }
    return who;
  }

  private void requireModel(Connection c, String name) throws SQLException {
    if (!shared.dao.lockModel(c, name)) {
      throw new ModelNotFoundException(name, null);
    }
  }

  private ModelVersion requireVersion(Connection c, String name, int version) throws SQLException {
    requireModel(c, name);
    ModelVersion v = shared.dao.version(c, name, version);
    if (v == null) {
      throw new ModelNotFoundException(name, version);
    }
    return v;
  }

  private void requireReady(Connection c, String name, int version) throws SQLException {
    if (requireVersion(c, name, version).status() != ModelStatus.READY) {
      throw new RegistryException(
          name,
          version,
          "Version "
              + version
              + " of '"
              + name
              + "' is archived; restore it before pointing an alias at it");
    }
  }

  private void checkOpen() {
    if (shared.closed.get()) {
      throw new IllegalStateException("The registry is closed");
    }
  }

  private static String checkName(String name, String what) {
    io.github.mlops4j.StoredText.check(Objects.requireNonNull(name, what), what);
    if (name.isBlank() || name.length() > MAX_NAME) {
      throw new IllegalArgumentException(
          what
              + " must be 1 to "
              + MAX_NAME
              + " characters and not blank, was "
              + ModelNames.quote(name));
    }
    for (int i = 0; i < name.length(); i++) {
      if (Character.isISOControl(name.charAt(i))) {
        throw new IllegalArgumentException(what + " has a control character at position " + i);
      }
    }
    return name;
  }

  /**
   * Checks a model or version tag as every tag-setting method here does (key 1 to 250 characters,
   * value at most 5000, storable text), so a caller can check several before writing any.
   *
   * @throws IllegalArgumentException if the tag breaks a rule
   */
  public static void checkTag(String key, @Nullable String value) {
    io.github.mlops4j.StoredText.check(Objects.requireNonNull(key, "tag key"), "tag key");
    if (key.isEmpty() || key.length() > MAX_TAG_KEY) {
      throw new IllegalArgumentException("Tag key must be 1 to " + MAX_TAG_KEY + " characters");
    }
    if (value != null && value.length() > MAX_TAG_VALUE) {
      throw new IllegalArgumentException(
          "Tag '"
              + key
              + "' value is "
              + value.length()
              + " characters, over the limit of "
              + MAX_TAG_VALUE
              + "; it was rejected");
    }
    io.github.mlops4j.StoredText.check(value == null ? "" : value, "tag '" + key + "' value");
  }

  private static void checkAlias(String alias) {
    Objects.requireNonNull(alias, "alias");
    if (!ALIAS.matcher(alias).matches()) {
      throw new IllegalArgumentException(
          "Alias '" + alias + "' must be 1 to 255 letters, digits, '_' or '-'");
    }
    if (alias.equalsIgnoreCase(LATEST) || VERSION_REF.matcher(alias).matches()) {
      throw new IllegalArgumentException(
          "Alias '"
              + alias
              + "' is reserved: 'latest' and"
              + " version numbers such as '3' or 'v3' resolve to versions themselves");
    }
  }

  /** Configures a {@link ModelRegistry}; setters check their arguments at once. */
  public static final class Builder extends StoreOptions<Builder> {
    private Supplier<String> actor = () -> System.getProperty("user.name", "unknown");
    private AccessPolicy accessPolicy = AccessPolicy.ALLOW_ALL;
    private Duration pollInterval = Duration.ofSeconds(1);
    private boolean pushNotifications = true;
    private long cacheSize = 10_000;
    private List<String> allowedClassPrefixes = List.of("org.tribuo.");
    private @Nullable String javaSerialFilter;
    private final List<ModelFormatLoader> modelLoaders = new java.util.ArrayList<>();

    private Builder() {}

    @Override
    protected Builder self() {
      return this;
    }

    /** Who makes changes, asked at each change (default: the {@code user.name} property). */
    public Builder actor(Supplier<String> actor) {
      this.actor = Objects.requireNonNull(actor, "actor");
      return this;
    }

    public Builder accessPolicy(AccessPolicy policy) {
      this.accessPolicy = Objects.requireNonNull(policy, "accessPolicy");
      return this;
    }

    /**
     * How often to look for changes made by other processes (default 1 s); {@link Duration#ZERO}
     * turns the watcher off, push included ({@link ModelRegistry#refresh()} still works). On
     * PostgreSQL with {@link #pushNotifications} on, this is only the fallback bound.
     */
    public Builder pollInterval(Duration interval) {
      Objects.requireNonNull(interval, "pollInterval");
      Checks.notNegative(interval, "pollInterval");
      this.pollInterval = interval;
      return this;
    }

    /**
     * Whether, on PostgreSQL, to hear other processes' changes as they commit (default on). Every
     * registry transaction that writes audit entries sends a {@code NOTIFY}; with this on, a daemon
     * thread {@code LISTEN}s and looks for changes as soon as one arrives, so an alias moved
     * elsewhere reaches this registry's listeners within milliseconds instead of within the {@link
     * #pollInterval poll interval}. The timed poll keeps running as the fallback, and changes are
     * still read from the audit trail, so none is announced twice or lost, also across a lost
     * connection (the listener reconnects with backoff and catches up).
     *
     * <p>The listener holds <b>one connection of the {@code DataSource} for as long as the registry
     * is open</b>: size the host's pool for it (at least one more than the registry's other work
     * needs). It needs pgjdbc ({@code org.postgresql:postgresql}) connections, through a pool or
     * not; with another driver it logs once and the registry polls. Ignored on SQLite, and when the
     * poll interval is {@link Duration#ZERO} (no background watching at all).
     */
    public Builder pushNotifications(boolean enabled) {
      this.pushNotifications = enabled;
      return this;
    }

    /** Entries of the resolve cache (default 10,000). */
    public Builder cacheSize(long size) {
      Checks.atLeast(size, 1, "cacheSize");
      this.cacheSize = size;
      return this;
    }

    /**
     * Packages whose classes a model file may name (default {@code org.tribuo.}). Every class named
     * in a protobuf model file (the model, its domains and outputs, provenance classes) is checked
     * before Tribuo loads it; OLCUT's provenance package is always allowed. Add the package of your
     * own trainers or data sources if their names appear in your models' provenance.
     */
    public Builder allowedModelPackages(String... prefixes) {
      if (prefixes.length == 0) {
        throw new IllegalArgumentException("At least one allowed model package is needed");
      }
      this.allowedClassPrefixes = List.of(prefixes);
      return this;
    }

    /**
     * Allows loading Java-serialized Tribuo models through an {@link java.io.ObjectInputFilter}
     * with this pattern (for example {@link ModelRegistry#TRIBUO_SERIAL_FILTER}). Off by default:
     * only protobuf models load. Only allow it for files from trusted sources.
     */
    public Builder allowJavaSerialization(String filterPattern) {
      Objects.requireNonNull(filterPattern, "filterPattern");
      java.io.ObjectInputFilter.Config.createFilter(filterPattern); // fails early on bad syntax
      this.javaSerialFilter = filterPattern;
      return this;
    }

    /**
     * Loads versions of {@code loader}'s format with it, instead of a loader of that format found
     * through {@link java.util.ServiceLoader} (use it to configure one, e.g. the threads of an ONNX
     * session). See {@link ModelFormatLoader}.
     */
    public Builder modelLoader(ModelFormatLoader loader) {
      Objects.requireNonNull(loader, "loader");
      String format = Objects.requireNonNull(loader.format(), "loader.format()");
      if (format.equals(ModelArtifact.TRIBUO_PROTOBUF)
          || format.equals(ModelArtifact.TRIBUO_JAVA_SERIALIZED)) {
        throw new IllegalArgumentException("Tribuo's own formats cannot be replaced: " + format);
      }
      modelLoaders.removeIf(l -> l.format().equals(format));
      modelLoaders.add(loader);
      return this;
    }

    public ModelRegistry build() {
      StoreSource.Opened opened = StoreAccess.openStore(this);
      try {
        return new ModelRegistry(new Shared(this, opened.store(), opened.owned()), actor, null);
      } catch (RuntimeException e) {
        opened.closeIfOwned();
        throw e;
      }
    }
  }
}
