package io.github.mlops4j.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.testing.ApiRules;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Every public type says in its Javadoc since which release it exists. */
class SinceTagTest {
  @Test
  void everyPublicTypeHasSince() {
    assertThat(ApiRules.sinceOnPublicTypes(ConsoleHandler.class, Path.of("src/main/java")))
        .hasSizeGreaterThanOrEqualTo(3);
  }
}
