package io.github.mlops4j;

import io.github.mlops4j.testing.ExceptionRules;
import org.junit.jupiter.api.Test;

/**
 * Every public exception of the core module extends {@link MlopsException}; the package bases stay
 * open, leaf exceptions are final.
 */
class ExceptionRulesTest {

  @Test
  void exceptionsExtendMlopsExceptionAndLeavesAreFinal() {
    ExceptionRules.check(MlopsException.class);
  }
}
