package io.github.mlops4j.serving;

import io.github.mlops4j.serving.internal.Texts;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A request does not match the model's signature, or cannot be used by it. {@link #problems()}
 * lists every problem found (not only the first), each with the field name and the reason.
 *
 * <p>Everything a caller controls is reported this way and never counts against a version (in
 * metrics it is outcome {@code invalid}; a canary is never rolled back for it): the map itself, its
 * keys and values, the routing key, and values outside the model's training range for which the
 * model gives no usable output (see {@link Reason#OUT_OF_RANGE}).
 *
 * <p>The message is bounded whatever the request: it names at most {@value #MESSAGE_PROBLEMS}
 * problems (then how many more there are), and copies at most about 100 characters of any field
 * name or value, with its length. {@link #problems()} holds them all.
 *
 * @since 0.1.0
 */
public final class InvalidInputException extends ServingException {
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
    DUPLICATE,
    /**
     * A field name that is not a text: {@code null}, or (through a raw map) an object of another
     * type. Refused under every validation policy.
     */
    INVALID_NAME,
    /**
     * The request could not be read: its map or one of its values threw while it was read (for
     * example a {@code Number} whose {@code doubleValue()} throws, or a map changed while it was
     * read).
     */
    UNREADABLE,
    /**
     * A finite value outside the range the model saw in training (its Tribuo feature domain), for
     * which the model gave no usable output (no label, a NaN or infinite value, no cluster), or
     * failed. The same value is a prediction as long as the model can answer it; only the failure
     * is blamed on the input. A model that fails on input inside its training range is broken and
     * fails with a plain {@link ServingException} (outcome {@code error}).
     */
    OUT_OF_RANGE,
    /**
     * A finite value of a whole-number feature ({@code FeatureSpec.Type.INTEGER}, e.g. an int32 or
     * int64 ONNX input) that is not a whole number, or whose magnitude is above 2<sup>53</sup> (the
     * largest range of whole numbers a double holds exactly). Refused under every validation
     * policy, like {@link #WRONG_TYPE}: the value is not rounded.
     */
    NOT_INTEGER
  }

  /** The most problems named in the message. */
  public static final int MESSAGE_PROBLEMS = 10;

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

    /** {@code field: detail}, each cut to a bounded length. */
    @Override
    public String toString() {
      return Texts.abbreviate(field) + ": " + Texts.abbreviate(detail, 3 * Texts.MAX);
    }
  }

  private final String model;
  private final int version;
  private final List<Problem> problems;

  public InvalidInputException(String model, int version, List<Problem> problems) {
    this(model, version, problems, null);
  }

  /**
   * @param advice what to do, ending the message (at most a few hundred characters are kept); null
   *     for the hints of the problems' reasons ({@link #hints(List)})
   */
  public InvalidInputException(
      String model, int version, List<Problem> problems, @Nullable String advice) {
    super(message(model, version, problems, advice));
    this.model = model;
    this.version = version;
    this.problems = List.copyOf(problems);
  }

  private static String message(
      String model, int version, List<Problem> problems, @Nullable String advice) {
    StringBuilder b =
        new StringBuilder("Invalid input for '")
            .append(Texts.abbreviate(model))
            .append("' v")
            .append(version)
            .append(" (")
            .append(problems.size())
            .append(" problem")
            .append(problems.size() == 1 ? "" : "s")
            .append("): ");
    int shown = Math.min(problems.size(), MESSAGE_PROBLEMS);
    for (int i = 0; i < shown; i++) {
      b.append(i == 0 ? "" : "; ").append(problems.get(i));
    }
    if (problems.size() > shown) {
      b.append("; ... and ").append(problems.size() - shown).append(" more");
    }
    b.append(". ")
        .append(advice == null ? hints(problems) : Texts.abbreviate(advice, 6 * Texts.MAX));
    return b.toString();
  }

  /**
   * What helps, once per kind of problem in {@code problems}, in a fixed order: each reason gets
   * only the hint that fixes it ({@code ValidationPolicy.fill(...)} only for values it fills,
   * {@code ignoreFields(...)} only for unknown fields).
   */
  static String hints(List<Problem> problems) {
    java.util.EnumSet<Reason> reasons = java.util.EnumSet.noneOf(Reason.class);
    for (Problem p : problems) {
      reasons.add(p.reason());
    }
    List<String> out = new java.util.ArrayList<>();
    if (reasons.contains(Reason.MISSING)
        || reasons.contains(Reason.NULL)
        || reasons.contains(Reason.NAN)
        || reasons.contains(Reason.INFINITE)) {
      out.add(
          "send every feature of the signature with a finite value, or serve with"
              + " ValidationPolicy.fill(value) to fill missing, null and non-finite values");
    }
    if (reasons.contains(Reason.UNKNOWN)) {
      out.add(
          "name request fields that are not model inputs (ids, keys) in the builder's"
              + " ignoreFields(...)");
    }
    if (reasons.contains(Reason.WRONG_TYPE)) {
      out.add(
          "send a number (or boolean) for a real feature, a category for a categorical one,"
              + " 0 or 1 for a one-hot feature");
    }
    if (reasons.contains(Reason.NOT_INTEGER)) {
      out.add(
          "send a whole number of magnitude at most 2^53 for an integer feature (it is not rounded)");
    }
    if (reasons.contains(Reason.UNKNOWN_CATEGORY)) {
      out.add(
          "send a category seen in training, or serve with ValidationPolicy.fill(value) to"
              + " predict with no category");
    }
    if (reasons.contains(Reason.DUPLICATE)) {
      out.add(
          "give each feature once: a categorical one by its name or by its one-hot features,"
              + " with at most one hot");
    }
    if (reasons.contains(Reason.INVALID_NAME)) {
      out.add("use text field names");
    }
    if (reasons.contains(Reason.UNREADABLE)) {
      out.add("send a map (and values) that can be read");
    }
    if (reasons.contains(Reason.OUT_OF_RANGE)) {
      out.add("send values inside the range the model was trained on, or clip them first");
    }
    if (out.isEmpty()) {
      return "Send the features of the model's signature";
    }
    String all = String.join("; ", out);
    return Character.toUpperCase(all.charAt(0)) + all.substring(1);
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
