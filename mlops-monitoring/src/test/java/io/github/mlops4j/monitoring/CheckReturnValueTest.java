package io.github.mlops4j.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.testing.ApiRules;
import org.junit.jupiter.api.Test;

/** Methods that return a new view or value, leaving the receiver as it was, are not ignorable. */
class CheckReturnValueTest {

  @Test
  void withMethodsMustHaveTheirResultUsed() {
    assertThat(ApiRules.checkReturnValueOnWithers(Monitor.class))
        .contains("DriftMethod.withThreshold");
  }
}
