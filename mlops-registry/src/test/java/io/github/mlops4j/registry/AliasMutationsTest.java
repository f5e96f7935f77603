package io.github.mlops4j.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every alias mutation (set, set-if-absent, compare-and-set, delete, rollback) gives the same
 * guarantees: the access policy is asked first and a veto changes nothing; a change writes one
 * audit entry with actor and comment, sends one event, and is seen by every resolve that starts
 * after it returns (listeners included); a mutation that changes nothing writes, sends and
 * invalidates nothing.
 */
class AliasMutationsTest {
  @org.junit.jupiter.api.io.TempDir Path temp;
  private final List<RegistryOperation> asked = new CopyOnWriteArrayList<>();
  private final List<RegistryEvent> events = new CopyOnWriteArrayList<>();
  private final List<Integer> seenByListener = new CopyOnWriteArrayList<>();
  private volatile boolean deny;
  private ModelRegistry registry;

  /** A mutation, and what it must write when the alias starts at v2 (after v1) and v3 exists. */
  record Mutation(
      String label,
      AuditAction action,
      String alias,
      @Nullable Integer asks,
      Consumer<ModelRegistry> run,
      int audited,
      @Nullable Integer previous,
      @Nullable Integer after) {
    @Override
    public String toString() {
      return label;
    }
  }

  static Stream<Arguments> mutations() {
    return Stream.of(
            new Mutation(
                "setAlias",
                AuditAction.ALIAS_SET,
                "champion",
                3,
                r -> r.setAlias("m", "champion", 3),
                3,
                2,
                3),
            new Mutation(
                "compareAndSetAlias",
                AuditAction.ALIAS_SET,
                "champion",
                3,
                r -> assertThat(r.compareAndSetAlias("m", "champion", 2, 3)).isTrue(),
                3,
                2,
                3),
            new Mutation(
                "setAliasIfAbsent",
                AuditAction.ALIAS_SET,
                "challenger",
                3,
                r -> assertThat(r.setAliasIfAbsent("m", "challenger", 3)).isTrue(),
                3,
                null,
                3),
            new Mutation(
                "deleteAlias",
                AuditAction.ALIAS_DELETED,
                "champion",
                null,
                r -> assertThat(r.deleteAlias("m", "champion")).isTrue(),
                2,
                2,
                null),
            new Mutation(
                "rollback",
                AuditAction.ALIAS_ROLLED_BACK,
                "champion",
                null,
                r -> assertThat(r.rollback("m", "champion").version()).isEqualTo(1),
                1,
                2,
                1))
        .map(Arguments::of);
  }

  @BeforeEach
  void open() throws Exception {
    registry =
        ModelRegistry.builder()
            .workspace(temp.resolve("ws"))
            .actor(() -> "alice")
            .pollInterval(Duration.ZERO)
            .accessPolicy(
                op -> {
                  asked.add(op);
                  if (deny) {
                    throw new AccessDeniedException(op, "not today");
                  }
                })
            .build();
    for (int i = 1; i <= 3; i++) {
      Path file = Files.writeString(temp.resolve("m" + i + ".bin"), "model " + i);
      registry.register("m", ModelArtifact.file(file, "bin"), null);
    }
    registry.setAlias("m", "champion", 1);
    registry.setAlias("m", "champion", 2);
    registry.addListener(events::add);
    registry.addListener(
        e ->
            seenByListener.add(
                resolved(registry, "champion") + 10 * resolved(registry, "challenger")));
    asked.clear();
  }

  @AfterEach
  void close() {
    registry.close();
  }

  private static int resolved(ModelRegistry r, String alias) {
    return r.resolve("m", alias).map(ModelVersion::version).orElse(0);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mutations")
  void aVetoedMutation_changesNothing(Mutation m) {
    int before = resolved(registry, m.alias());
    int trail = registry.auditLog("m").size();
    deny = true;

    assertThatThrownBy(() -> m.run().accept(registry)).isInstanceOf(AccessDeniedException.class);

    assertThat(asked)
        .singleElement()
        .satisfies(
            op -> {
              assertThat(op.action()).isEqualTo(m.action());
              assertThat(op.alias()).isEqualTo(m.alias());
              assertThat(op.version()).isEqualTo(m.asks());
              assertThat(op.actor()).isEqualTo("alice");
            });
    assertThat(registry.auditLog("m")).hasSize(trail);
    assertThat(events).isEmpty();
    assertThat(resolved(registry, m.alias())).isEqualTo(before);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mutations")
  void aMutation_isAuditedAnnouncedOnceAndReadAtOnce(Mutation m) {
    resolved(registry, m.alias()); // cache the state before
    int trail = registry.auditLog("m").size();

    m.run().accept(registry.withComment("because"));

    List<AuditEntry> log = registry.auditLog("m");
    assertThat(log).hasSize(trail + 1);
    AuditEntry entry = log.get(log.size() - 1);
    assertThat(entry.action()).isEqualTo(m.action());
    assertThat(entry.alias()).isEqualTo(m.alias());
    assertThat(entry.version()).isEqualTo(m.audited());
    assertThat(entry.previousVersion()).isEqualTo(m.previous());
    assertThat(entry.actor()).isEqualTo("alice");
    assertThat(entry.comment()).isEqualTo("because");
    assertThat(events)
        .singleElement()
        .isInstanceOfSatisfying(
            RegistryEvent.AliasChanged.class, e -> assertThat(e.entry()).isEqualTo(entry));
    int after = m.after() == null ? 0 : m.after();
    assertThat(resolved(registry, m.alias())).isEqualTo(after);
    int champion = m.alias().equals("champion") ? after : 2;
    int challenger = m.alias().equals("challenger") ? after : 0;
    assertThat(seenByListener).containsExactly(champion + 10 * challenger);
    registry.refresh();
    assertThat(events).hasSize(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mutations")
  void aMutationOfAMissingModel_isRefusedAsNotFound(Mutation m) {
    Consumer<ModelRegistry> onMissing =
        r -> {
          switch (m.label()) {
            case "setAlias" -> r.setAlias("nope", m.alias(), 3);
            case "compareAndSetAlias" -> r.compareAndSetAlias("nope", m.alias(), 2, 3);
            case "setAliasIfAbsent" -> r.setAliasIfAbsent("nope", m.alias(), 3);
            case "deleteAlias" -> r.deleteAlias("nope", m.alias());
            default -> r.rollback("nope", m.alias());
          }
        };
    assertThatThrownBy(() -> onMissing.accept(registry)).isInstanceOf(ModelNotFoundException.class);
    assertThat(events).isEmpty();
  }

  @Test
  void mutationsThatChangeNothing_writeSendAndInvalidateNothing() {
    assertThat(resolved(registry, "champion")).isEqualTo(2);
    int trail = registry.auditLog("m").size();

    assertThat(registry.compareAndSetAlias("m", "champion", 1, 3)).isFalse();
    assertThat(registry.setAliasIfAbsent("m", "champion", 3)).isFalse();
    assertThat(registry.deleteAlias("m", "challenger")).isFalse();

    assertThat(registry.auditLog("m")).hasSize(trail);
    assertThat(events).isEmpty();
    assertThat(registry.aliases("m")).containsExactly(java.util.Map.entry("champion", 2));
    assertThat(resolved(registry, "champion")).isEqualTo(2);
  }

  @Test
  void anArchivedTarget_isRefusedByEveryMutationThatPointsTheAlias_evenOneThatWouldNotMove() {
    registry.archive("m", 3);
    registry.archive("m", 1); // where a rollback of champion (1, then 2) would go
    events.clear();
    int trail = registry.auditLog("m").size();

    assertThatThrownBy(() -> registry.setAlias("m", "champion", 3))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("archived");
    assertThatThrownBy(() -> registry.compareAndSetAlias("m", "champion", 1, 3)) // not at 1
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("archived");
    assertThatThrownBy(() -> registry.setAliasIfAbsent("m", "champion", 3)) // not absent
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("archived");
    assertThatThrownBy(() -> registry.rollback("m", "champion"))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("archived");

    assertThat(registry.auditLog("m")).hasSize(trail);
    assertThat(events).isEmpty();
    assertThat(resolved(registry, "champion")).isEqualTo(2);
  }
}
