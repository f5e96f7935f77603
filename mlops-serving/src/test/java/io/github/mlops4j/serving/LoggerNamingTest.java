package io.github.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.testing.LoggerRules;
import org.junit.jupiter.api.Test;

/** Every SLF4J logger of the module is declared alike: {@code private static final Logger LOG}. */
class LoggerNamingTest {

  @Test
  void loggersAreDeclaredAlike() {
    assertThat(LoggerRules.check(InferenceService.class)).contains("ServiceCore");
  }
}
