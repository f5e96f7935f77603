package io.github.mlops4j.serving;

/**
 * The call's deadline passed before its prediction could start or before it finished; no
 * prediction is returned for it.
 */
public class DeadlineExceededException extends ServingException {
  private static final long serialVersionUID = 1L;

  public DeadlineExceededException(String message) {
    super(message);
  }
}
