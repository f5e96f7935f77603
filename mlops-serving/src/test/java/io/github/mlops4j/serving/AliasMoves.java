package io.github.mlops4j.serving;

import io.github.mlops4j.registry.AuditEntry;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelStatus;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.registry.RegistryException;
import java.util.List;
import org.tribuo.Model;
import org.tribuo.classification.Label;

/**
 * Changes to the {@code champion} alias of a model, applied to a registry by this JVM or by {@link
 * AliasMovingChild} in another one, and what the database says after each.
 */
final class AliasMoves {
  static final String ALIAS = "champion";

  private AliasMoves() {}

  enum Kind {
    SET,
    CAS,
    IF_ABSENT,
    DELETE,
    ROLLBACK,
    REGISTER
  }

  /** One change: its kind and the version it names (for REGISTER: which of the models). */
  record Op(Kind kind, int version) {
    String encode() {
      return kind + " " + version;
    }

    static Op decode(String kind, String version) {
      return new Op(Kind.valueOf(kind), Integer.parseInt(version));
    }
  }

  /**
   * The state after a change, read from the database (not through the resolve cache).
   *
   * @param changed whether the change wrote anything
   * @param champion the version the alias points at, 0 for none
   * @param latest the highest READY version
   * @param lastSeq the model's last audit sequence number
   */
  record Outcome(boolean changed, int champion, int latest, long lastSeq) {
    String encode() {
      return "ok " + changed + " " + champion + " " + latest + " " + lastSeq;
    }

    static Outcome decode(String line) {
      String[] f = line.split(" ");
      return new Outcome(
          Boolean.parseBoolean(f[1]),
          Integer.parseInt(f[2]),
          Integer.parseInt(f[3]),
          Long.parseLong(f[4]));
    }
  }

  /** Registers one version per model and points the alias at v1. */
  static Outcome setUp(ModelRegistry registry, String model, List<Model<Label>> models) {
    for (Model<Label> m : models) {
      registry.register(model, m, null);
    }
    registry.setAlias(model, ALIAS, 1);
    return outcome(registry, model, -1);
  }

  static Outcome apply(ModelRegistry registry, String model, Op op, List<Model<Label>> models) {
    long before = lastSeq(registry, model);
    try {
      switch (op.kind()) {
        case SET -> registry.setAlias(model, ALIAS, op.version());
        case CAS -> {
          Integer current = registry.aliases(model).get(ALIAS);
          registry.compareAndSetAlias(model, ALIAS, current == null ? 1 : current, op.version());
        }
        case IF_ABSENT -> registry.setAliasIfAbsent(model, ALIAS, op.version());
        case DELETE -> registry.deleteAlias(model, ALIAS);
        case ROLLBACK -> registry.rollback(model, ALIAS);
        case REGISTER -> registry.register(model, models.get(op.version() % models.size()), null);
      }
    } catch (RegistryException e) {
      // no such version, or no earlier version to roll back to: nothing changed
    }
    return outcome(registry, model, before);
  }

  private static Outcome outcome(ModelRegistry registry, String model, long before) {
    Integer champion = registry.aliases(model).get(ALIAS);
    int latest =
        registry.versions(model).stream()
            .filter(v -> v.status() == ModelStatus.READY)
            .mapToInt(ModelVersion::version)
            .max()
            .orElse(0);
    long after = lastSeq(registry, model);
    return new Outcome(after != before, champion == null ? 0 : champion, latest, after);
  }

  private static long lastSeq(ModelRegistry registry, String model) {
    List<AuditEntry> trail = registry.auditLog(model);
    return trail.isEmpty() ? 0 : trail.get(trail.size() - 1).sequence();
  }
}
