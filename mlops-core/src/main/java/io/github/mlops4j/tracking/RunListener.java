package io.github.mlops4j.tracking;

/**
 * Receives the lifecycle of runs started, resumed or ended through one {@link Tracker}: register it
 * with {@link Tracker#addListener}. Called on the thread that made the change, after the change is
 * stored, so keep it short (an integration hands the event to its own thread). An exception it
 * throws is logged and affects neither the run nor the other listeners.
 *
 * <p>Only changes made through the tracker it is registered with are announced: runs that another
 * process or tracker starts or ends, and runs ended as {@link RunStatus#KILLED} by a shutdown hook
 * or by a later open, are not.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface RunListener {
  /** Called once per event, after it is stored. */
  void onEvent(RunEvent event);
}
