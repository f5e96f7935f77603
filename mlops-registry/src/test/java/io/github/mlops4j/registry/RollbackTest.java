package io.github.mlops4j.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The rollback target computed from an audit trail, without a database. */
class RollbackTest {
  private final List<AuditEntry> trail = new ArrayList<>();

  private void add(
      AuditAction action,
      @Nullable String alias,
      @Nullable Integer version,
      @Nullable Integer previous) {
    trail.add(
        new AuditEntry(
            trail.size() + 1, "m", action, version, alias, previous, "a", null, Instant.EPOCH));
  }

  @Test
  void setsPushAndRollbacksPop() {
    add(AuditAction.ALIAS_SET, "champion", 1, null);
    add(AuditAction.ALIAS_SET, "challenger", 5, null);
    add(AuditAction.ALIAS_SET, "champion", 2, 1);
    add(AuditAction.ALIAS_SET, "champion", 3, 2);
    assertThat(ModelRegistry.previousValue(trail, "champion")).isEqualTo(2);
    add(AuditAction.ALIAS_ROLLED_BACK, "champion", 2, 3);
    assertThat(ModelRegistry.previousValue(trail, "champion")).isEqualTo(1);
    add(AuditAction.ALIAS_SET, "champion", 4, 2);
    assertThat(ModelRegistry.previousValue(trail, "champion")).isEqualTo(2);
    assertThat(ModelRegistry.previousValue(trail, "challenger")).isNull();
  }

  @Test
  void deleteCanBeRolledBack_andModelDeletionForgetsHistory() {
    add(AuditAction.ALIAS_SET, "champion", 1, null);
    add(AuditAction.ALIAS_DELETED, "champion", 1, 1);
    assertThat(ModelRegistry.previousValue(trail, "champion")).isEqualTo(1);
    add(AuditAction.MODEL_DELETED, null, null, null);
    assertThat(ModelRegistry.previousValue(trail, "champion")).isNull();
  }
}
