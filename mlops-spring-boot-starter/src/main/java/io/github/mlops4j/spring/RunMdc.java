package io.github.mlops4j.spring;

import io.github.mlops4j.tracking.RunEvent;
import io.github.mlops4j.tracking.RunListener;
import org.slf4j.MDC;

/**
 * Puts the id of a run started through the tracker in SLF4J's MDC ({@value #KEY}) of the thread
 * that started it, and removes it when that thread ends the run ({@code mlops.observations.mdc}). A
 * child run started on the same thread replaces its parent's id until it ends; a run ended on
 * another thread leaves the MDC of the starting thread as it is.
 */
final class RunMdc implements RunListener {
  static final String KEY = "mlops.run.id";

  @Override
  public void onEvent(RunEvent event) {
    if (event instanceof RunEvent.Started s) {
      MDC.put(KEY, s.runId());
    } else if (event instanceof RunEvent.Ended e && e.runId().equals(MDC.get(KEY))) {
      MDC.remove(KEY);
    }
  }
}
