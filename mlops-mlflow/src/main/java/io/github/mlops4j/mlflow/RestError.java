package io.github.mlops4j.mlflow;

/**
 * A refusal in MLflow's error format: an MLflow error code, its HTTP status and a bounded message.
 * Thrown inside the handler only, and turned into a response there.
 */
final class RestError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** MLflow's error codes used here, with the HTTP status MLflow's server gives each. */
  enum Code {
    INVALID_PARAMETER_VALUE(400),
    BAD_REQUEST(400),
    RESOURCE_ALREADY_EXISTS(400),
    RESOURCE_DOES_NOT_EXIST(404),
    ENDPOINT_NOT_FOUND(404),
    INVALID_STATE(500),
    INTERNAL_ERROR(500),
    TEMPORARILY_UNAVAILABLE(503),
    PERMISSION_DENIED(403),
    UNAUTHENTICATED(401);

    final int status;

    Code(int status) {
      this.status = status;
    }
  }

  private final Code code;

  RestError(Code code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  Code code() {
    return code;
  }

  /** A user value cut for a message: at most 100 characters, then an ellipsis and the length. */
  static String cut(String value) {
    if (value.length() <= 100) {
      return value;
    }
    return value.substring(0, 100) + "... (" + value.length() + " characters)";
  }

  static RestError invalid(String message) {
    return new RestError(Code.INVALID_PARAMETER_VALUE, message);
  }

  static RestError notFound(String message) {
    return new RestError(Code.RESOURCE_DOES_NOT_EXIST, message);
  }
}
