package io.github.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.testing.ExceptionRules;
import org.junit.jupiter.api.Test;

/**
 * Every public exception of the module extends {@link ServingException}; leaf exceptions are final.
 */
class ExceptionRulesTest {

  @Test
  void exceptionsExtendTheModuleBaseAndLeavesAreFinal() {
    ExceptionRules.check(ServingException.class);
  }

  @Test
  void hotPathRefusalsCarryNoStackTrace() {
    OverloadedException overloaded = new OverloadedException("'m' is serving 4 calls");
    DeadlineExceededException late = new DeadlineExceededException("deadline passed");
    assertThat(overloaded.getStackTrace()).isEmpty();
    assertThat(late.getStackTrace()).isEmpty();
    assertThat(overloaded).hasMessage("'m' is serving 4 calls");
    assertThat(late).hasMessage("deadline passed").isInstanceOf(ServingException.class);
  }
}
