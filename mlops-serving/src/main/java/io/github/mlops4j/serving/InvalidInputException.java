package io.github.mlops4j.serving;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A request does not match the model's signature. {@link #problems()} lists every problem found
 * (not only the first), each with the field name and the reason.
 */
public class InvalidInputException extends ServingException {
  private static final long serialVersionUID = 1L;

  /** Why a field was refused. */
  public enum Reason {
    /** A feature of the signature is absent from the request. */
    MISSING,
    /** The request has a field the model does not know (Tribuo would silently ignore it). */
    UNKNOWN,
    /** The value has the wrong type, for example a String for a real-valued feature. */
    WRONG_TYPE,
    /** The value is null. */
    NULL,
    /** The value is NaN. */
    NAN,
    /** The value is positive or negative infinity. */
    INFINITE,
    /** A categorical value the model never saw in training. */
    UNKNOWN_CATEGORY,
    /** The same feature was given twice, e.g. as {@code colour} and {@code colour@red}. */
    DUPLICATE
  }

  /**
   * One problem with one field.
   *
   * @param field the request field or signature feature
   * @param reason what is wrong
   * @param detail a readable explanation with the offending value
   */
  public record Problem(String field, Reason reason, String detail) {
    public Problem {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }

    @Override
    public String toString() {
      return field + ": " + detail;
    }
  }

  private final String model;
  private final int version;
  private final List<Problem> problems;

  public InvalidInputException(String model, int version, List<Problem> problems) {
    super(message(model, version, problems));
    this.model = model;
    this.version = version;
    this.problems = List.copyOf(problems);
  }

  private static String message(String model, int version, List<Problem> problems) {
    return "Invalid input for '" + model + "' v" + version + " (" + problems.size() + " problem"
        + (problems.size() == 1 ? "" : "s") + "): "
        + problems.stream().map(Problem::toString).collect(Collectors.joining("; "))
        + ". Send the features of the model's signature, or serve with ValidationPolicy.fill(...)";
  }

  /** The model whose signature refused the request. */
  public String model() {
    return model;
  }

  /** The version whose signature refused the request. */
  public int version() {
    return version;
  }

  /** Every problem found, in request then signature order. */
  public List<Problem> problems() {
    return problems;
  }
}
