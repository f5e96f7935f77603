package io.github.mlops4j.monitoring;

import io.github.mlops4j.testing.ExceptionRules;
import org.junit.jupiter.api.Test;

/**
 * Every public exception of the module extends {@link MonitoringException}; leaf exceptions are
 * final.
 */
class ExceptionRulesTest {

  @Test
  void exceptionsExtendTheModuleBaseAndLeavesAreFinal() {
    ExceptionRules.check(MonitoringException.class);
  }
}
