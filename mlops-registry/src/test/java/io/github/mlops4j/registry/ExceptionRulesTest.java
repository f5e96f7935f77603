package io.github.mlops4j.registry;

import io.github.mlops4j.testing.ExceptionRules;
import org.junit.jupiter.api.Test;

/**
 * Every public exception of the module extends {@link RegistryException}; leaf exceptions are
 * final.
 */
class ExceptionRulesTest {

  @Test
  void exceptionsExtendTheModuleBaseAndLeavesAreFinal() {
    ExceptionRules.check(RegistryException.class);
  }
}
