package io.github.mlops4j.governance.internal;

import io.github.mlops4j.governance.DataAccessDeniedException;
import io.github.mlops4j.governance.DataAccessPolicy;
import io.github.mlops4j.governance.DataAction;
import io.github.mlops4j.governance.DataOperation;
import io.github.mlops4j.governance.ReadAudit;
import io.github.mlops4j.governance.ReadAuditEntry;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The access policy, actor and read audit of a tracker or feature store. A service keeps none
 * ({@code null}) when the policy allows everything and there is no read audit, so an unguarded call
 * costs one null check.
 */
public final class Guard {
  private final DataAccessPolicy policy;
  private final Supplier<String> actor;
  private final @Nullable ReadAudit audit;

  private Guard(DataAccessPolicy policy, Supplier<String> actor, @Nullable ReadAudit audit) {
    this.policy = policy;
    this.actor = actor;
    this.audit = audit;
  }

  /** The guard of a service, or null when there is nothing to check or record. */
  public static @Nullable Guard of(
      DataAccessPolicy policy, Supplier<String> actor, @Nullable ReadAudit audit) {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(actor, "actor");
    return policy == DataAccessPolicy.ALLOW_ALL && audit == null
        ? null
        : new Guard(policy, actor, audit);
  }

  /** Asks the policy about a write. */
  public void write(DataAction action, List<String> subjects, int entityCount) {
    policy.check(new DataOperation(action, actor(), subjects, entityCount));
  }

  /** Asks the policy about a write of one subject. */
  public void write(DataAction action, String subject) {
    write(action, List.of(subject), 0);
  }

  /** Asks the policy about a read, runs it if allowed, and records it in the read audit. */
  public <T extends @Nullable Object> T read(
      DataAction action, List<String> subjects, int entityCount, Supplier<T> read) {
    DataOperation op = new DataOperation(action, actor(), subjects, entityCount);
    ReadAudit a = audit;
    try {
      policy.check(op);
    } catch (DataAccessDeniedException e) {
      if (a != null) {
        a.record(op, ReadAuditEntry.Outcome.DENIED);
      }
      throw e;
    }
    if (a == null) {
      return read.get();
    }
    T result;
    try {
      result = read.get();
    } catch (RuntimeException | Error e) {
      a.record(op, ReadAuditEntry.Outcome.FAILED);
      throw e;
    }
    a.record(op, ReadAuditEntry.Outcome.SUCCEEDED);
    return result;
  }

  /** A read of one subject. */
  public <T extends @Nullable Object> T read(DataAction action, String subject, Supplier<T> read) {
    return read(action, List.of(subject), 0, read);
  }

  private String actor() {
    String who = actor.get();
    if (who == null || who.isBlank()) {
      throw new IllegalStateException("The actor supplier returned no name");
    }
    return who;
  }

  /**
   * The distinct view names of {@code "view:feature"} references, in first-seen order (null
   * elements are skipped: the call refuses them after the check).
   */
  public static List<String> views(List<String> features) {
    Set<String> views = new LinkedHashSet<>();
    for (String f : features) {
      if (f != null) {
        int colon = f.indexOf(':');
        views.add(colon < 0 ? f : f.substring(0, colon));
      }
    }
    return new ArrayList<>(views);
  }
}
