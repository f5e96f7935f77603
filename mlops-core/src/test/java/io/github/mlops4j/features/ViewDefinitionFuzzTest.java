package io.github.mlops4j.features;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.mlops4j.store.StoreException;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the reading of stored feature view definitions: any text is a definition or a {@link
 * StoreException} with a short message; never another exception, an {@code Error} or a hang. A
 * definition read must write back to text that reads as the same definition, and must be a view the
 * builder accepts, unchanged by applying itself again.
 *
 * <p>Seed corpus: {@code
 * src/test/resources/io/github/mlops4j/features/ViewDefinitionFuzzTestInputs/fromJson/}; {@code
 * JAZZER_FUZZ=1} fuzzes for {@code maxDuration}, see {@code docs/security.md}.
 */
class ViewDefinitionFuzzTest {
  @FuzzTest(maxDuration = "60s")
  @DictionaryEntries({
    "\"schemaVersion\":1",
    "\"name\":",
    "\"description\":",
    "\"entities\":",
    "\"features\":",
    "\"retired\":",
    "\"ttl\":",
    "\"id\":",
    "\"type\":",
    "\"STRING\"",
    "\"LONG\"",
    "\"DOUBLE\"",
    "\"BOOLEAN\"",
    "\"TIMESTAMP\"",
    "\"PT1H\"",
    "\"P2D\"",
    "\"PT0S\"",
    "\"PT-1S\"",
    "{\"id\":1,\"name\":\"a\",\"type\":\"LONG\"}",
    "{\"name\":\"k\",\"type\":\"STRING\"}",
    "[]",
    "{}",
    "null",
    "2147483647",
    "-1",
    "1.5",
    "\"\\u0000\"",
    "\"\\ud800\""
  })
  void fromJson(byte[] input) {
    String json = new String(input, StandardCharsets.UTF_8);
    ViewDefinition def;
    try {
      def = ViewDefinition.fromJson(json);
    } catch (StoreException e) {
      assertThat(e.getMessage().length()).isLessThan(1_000);
      return;
    }
    String written = def.toJson();
    ViewDefinition back = ViewDefinition.fromJson(written);
    assertThat(back.sameAs(def)).as(written).isTrue();
    assertThat(back.toJson()).isEqualTo(written);
    FeatureView view = def.toView();
    assertThat(def.evolve(view)).isSameAs(def);
    assertThat(def.nextId()).isEqualTo(def.features.size() + def.retired.size() + 1);
    for (int i = 0; i < def.features.size(); i++) {
      assertThat(def.slotById[def.features.get(i).id()]).isEqualTo(i);
      assertThat(def.slotByName.get(def.features.get(i).name())).isEqualTo(i);
    }
  }
}
