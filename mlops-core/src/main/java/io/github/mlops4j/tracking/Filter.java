package io.github.mlops4j.tracking;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed run-search filter: MLflow's {@code search_runs} language plus {@code OR}, {@code NOT}
 * and parentheses. {@link FilterParser#parse(String)} builds one; {@code toString()} prints it back
 * in canonical form, and parsing that text gives an equal filter.
 *
 * <p>Every node checks itself on construction, so a {@code Filter} always prints to text the parser
 * accepts: {@link And} and {@link Or} have at least two children, {@link #MATCH_ALL} only stands
 * alone, and a {@link Comparison} only pairs a field with an operator and a value of the right type
 * (a {@link IllegalArgumentException} otherwise).
 */
sealed interface Filter
    permits Filter.MatchAll, Filter.And, Filter.Or, Filter.Not, Filter.Comparison {

  /** The filter of an empty or blank filter string: every run matches. */
  Filter MATCH_ALL = new MatchAll();

  /** Matches every run; prints as the empty string. Use {@link #MATCH_ALL}. */
  record MatchAll() implements Filter {
    @Override
    public String toString() {
      return "";
    }
  }

  /** All of the children match. */
  record And(List<Filter> children) implements Filter {
    public And {
      children = checkChildren(children, "And");
    }

    @Override
    public String toString() {
      return FilterPrinter.print(this);
    }
  }

  /** At least one of the children matches. */
  record Or(List<Filter> children) implements Filter {
    public Or {
      children = checkChildren(children, "Or");
    }

    @Override
    public String toString() {
      return FilterPrinter.print(this);
    }
  }

  /** The child does not match. Unlike {@code !=}, {@code NOT} also matches runs lacking the key. */
  record Not(Filter child) implements Filter {
    public Not {
      Objects.requireNonNull(child, "child");
      if (child instanceof MatchAll) {
        throw new IllegalArgumentException("NOT cannot wrap the match-all filter");
      }
    }

    @Override
    public String toString() {
      return FilterPrinter.print(this);
    }
  }

  /** {@code field op value}, e.g. {@code metrics.auc > 0.8}. */
  record Comparison(Field field, Op op, Value value) implements Filter {
    public Comparison {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(op, "op");
      Objects.requireNonNull(value, "value");
      if (!field.allows(op)) {
        throw new IllegalArgumentException(
            "Operator "
                + op.symbol()
                + " cannot be used with "
                + field
                + "; use one of "
                + field.allowedOps());
      }
      if (!op.accepts(field, value)) {
        throw new IllegalArgumentException(
            field + " " + op.symbol() + " needs " + op.expectedValue(field) + ", not " + value);
      }
    }

    @Override
    public String toString() {
      return FilterPrinter.print(this);
    }
  }

  private static List<Filter> checkChildren(List<Filter> children, String name) {
    List<Filter> copy = List.copyOf(children);
    if (copy.size() < 2) {
      throw new IllegalArgumentException(name + " needs at least two children, got " + copy);
    }
    for (Filter child : copy) {
      if (child instanceof MatchAll) {
        throw new IllegalArgumentException(name + " cannot contain the match-all filter");
      }
    }
    return copy;
  }

  /** What a field refers to; the first prefix of each is the canonical one. */
  @SuppressWarnings("ImmutableEnumChecker") // prefixes is a List.of, unmodifiable
  enum Kind {
    METRIC("metrics", "metric"),
    PARAM("params", "param", "parameter", "parameters"),
    TAG("tags", "tag"),
    ATTRIBUTE("attributes", "attribute", "attr", "run"),
    DATASET("datasets", "dataset");

    private final List<String> prefixes;

    Kind(String... prefixes) {
      this.prefixes = List.of(prefixes);
    }

    /** The canonical prefix, e.g. {@code metrics}. */
    String prefix() {
      return prefixes.get(0);
    }

    /** The kind a prefix such as {@code params} or {@code Parameter} names (case-insensitive). */
    static Optional<Kind> ofPrefix(String prefix) {
      String lower = prefix.toLowerCase(Locale.ROOT);
      for (Kind kind : values()) {
        if (kind.prefixes.contains(lower)) {
          return Optional.of(kind);
        }
      }
      return Optional.empty();
    }
  }

  /**
   * A metric, param, tag, run attribute or dataset field. Attribute and dataset keys are
   * canonicalized ({@code created} becomes {@code start_time}, {@code Run Name} becomes {@code
   * run_name}); other keys are kept exactly, case included.
   */
  record Field(Kind kind, String key) {
    /** Run attributes compared as numbers (milliseconds since the epoch). */
    static final Set<String> NUMERIC_ATTRIBUTES = Set.of("start_time", "end_time");

    /**
     * Run attributes compared as strings. {@code artifact_uri} is {@link RunInfo#artifactUri()},
     * derived from the experiment and run ids.
     */
    static final Set<String> STRING_ATTRIBUTES =
        Set.of(
            "run_id",
            "run_name",
            "status",
            "user_id",
            "lifecycle_stage",
            "parent_run_id",
            "experiment_id",
            "artifact_uri");

    /** The fields of a dataset input. */
    static final Set<String> DATASET_FIELDS = Set.of("name", "digest", "context");

    /** MLflow's aliases, after lower-casing and replacing spaces with underscores. */
    private static final Map<String, String> ATTRIBUTE_ALIASES = Map.of("created", "start_time");

    public Field {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(key, "key");
      if (key.isEmpty()) {
        throw new IllegalArgumentException("A field key cannot be empty");
      }
      if (kind == Kind.ATTRIBUTE) {
        String name = key;
        key =
            canonicalAttribute(key)
                .orElseThrow(
                    () -> new IllegalArgumentException("Unknown attribute '" + name + "'"));
      } else if (kind == Kind.DATASET) {
        String name = key;
        key =
            canonicalDatasetField(key)
                .orElseThrow(
                    () -> new IllegalArgumentException("Unknown dataset field '" + name + "'"));
      }
    }

    static Field metric(String key) {
      return new Field(Kind.METRIC, key);
    }

    static Field param(String key) {
      return new Field(Kind.PARAM, key);
    }

    static Field tag(String key) {
      return new Field(Kind.TAG, key);
    }

    static Field attribute(String key) {
      return new Field(Kind.ATTRIBUTE, key);
    }

    static Field dataset(String key) {
      return new Field(Kind.DATASET, key);
    }

    /**
     * The canonical name of a run attribute, ignoring case and treating spaces as underscores:
     * {@code created} and {@code Created} are {@code start_time}; {@code run name} and {@code Run
     * Name} are {@code run_name}.
     */
    static Optional<String> canonicalAttribute(String name) {
      String normal = name.trim().toLowerCase(Locale.ROOT).replace(' ', '_');
      normal = ATTRIBUTE_ALIASES.getOrDefault(normal, normal);
      if (NUMERIC_ATTRIBUTES.contains(normal) || STRING_ATTRIBUTES.contains(normal)) {
        return Optional.of(normal);
      }
      return Optional.empty();
    }

    static Optional<String> canonicalDatasetField(String name) {
      String normal = name.trim().toLowerCase(Locale.ROOT);
      return DATASET_FIELDS.contains(normal) ? Optional.of(normal) : Optional.empty();
    }

    /** Compared as a number: metrics, {@code start_time} and {@code end_time}. */
    boolean numeric() {
      return kind == Kind.METRIC || (kind == Kind.ATTRIBUTE && NUMERIC_ATTRIBUTES.contains(key));
    }

    boolean allows(Op op) {
      return allowedOps().contains(op);
    }

    /** MLflow's comparators for this field, plus IN / NOT IN for params and tags. */
    Set<Op> allowedOps() {
      if (numeric()) {
        return Op.NUMERIC;
      }
      if (kind == Kind.PARAM || kind == Kind.TAG) {
        return Op.KEYED_STRING;
      }
      return Op.STRING;
    }

    /** Canonical text, e.g. {@code metrics.`f1 score`} or {@code attributes.start_time}. */
    @Override
    public String toString() {
      return kind.prefix() + "." + (isBareKey(key) ? key : quote(key));
    }

    /**
     * Whether a key can be written without quotes: word characters (letters, digits, {@code _}) in
     * segments joined by single dots, as in {@code tags.mlflow.parentRunId}.
     */
    static boolean isBareKey(String key) {
      if (key.isEmpty() || key.startsWith(".") || key.endsWith(".") || key.contains("..")) {
        return false;
      }
      for (int i = 0; i < key.length(); i++) {
        char c = key.charAt(i);
        if (c != '.' && !isWordChar(c)) {
          return false;
        }
      }
      return true;
    }

    /** A character of an unquoted name: a letter, a digit or {@code _}. */
    static boolean isWordChar(char c) {
      return Character.isLetterOrDigit(c) || c == '_';
    }

    private static String quote(String key) {
      return "`" + key.replace("`", "``") + "`";
    }
  }

  /** Comparison operators. */
  enum Op {
    EQ("="),
    NE("!="),
    GT(">"),
    GE(">="),
    LT("<"),
    LE("<="),
    LIKE("LIKE"),
    ILIKE("ILIKE"),
    IN("IN"),
    NOT_IN("NOT IN"),
    /** Params and tags only (as in MLflow 3): the run does not have the key. */
    IS_NULL("IS NULL"),
    /** Params and tags only (as in MLflow 3): the run has the key. */
    IS_NOT_NULL("IS NOT NULL");

    static final Set<Op> NUMERIC = Set.of(EQ, NE, GT, GE, LT, LE);
    static final Set<Op> STRING = Set.of(EQ, NE, LIKE, ILIKE, IN, NOT_IN);
    static final Set<Op> KEYED_STRING =
        Set.of(EQ, NE, LIKE, ILIKE, IN, NOT_IN, IS_NULL, IS_NOT_NULL);

    private final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }

    /** How the operator is written in a filter, e.g. {@code >=} or {@code NOT IN}. */
    String symbol() {
      return symbol;
    }

    boolean takesList() {
      return this == IN || this == NOT_IN;
    }

    boolean takesNoValue() {
      return this == IS_NULL || this == IS_NOT_NULL;
    }

    boolean accepts(Field field, Value value) {
      if (takesNoValue()) {
        return value instanceof NoValue;
      }
      if (takesList()) {
        return value instanceof StringList;
      }
      return field.numeric() ? value instanceof NumberValue : value instanceof StringValue;
    }

    String expectedValue(Field field) {
      if (takesNoValue()) {
        return "no value";
      }
      if (takesList()) {
        return "a parenthesized list of quoted strings";
      }
      return field.numeric() ? "a number" : "a quoted string";
    }
  }

  /** The right-hand side of a comparison. */
  sealed interface Value permits NumberValue, StringValue, StringList, NoValue {}

  /**
   * A number as written in the filter: {@code text} is the literal (kept so that it prints back
   * unchanged and so that integers such as timestamps keep every digit), {@code value} its double.
   */
  record NumberValue(double value, String text) implements Value {
    static final Pattern SYNTAX = Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?");

    public NumberValue {
      Objects.requireNonNull(text, "text");
      if (!SYNTAX.matcher(text).matches()) {
        throw new IllegalArgumentException("Not a number literal: '" + text + "'");
      }
      if (Double.compare(Double.parseDouble(text), value) != 0) {
        throw new IllegalArgumentException(text + " is not the double " + value);
      }
    }

    /** A number with its shortest round-trip text; NaN and infinities have no literal. */
    static NumberValue of(double value) {
      if (!Double.isFinite(value)) {
        throw new IllegalArgumentException("A filter number must be finite, was " + value);
      }
      return new NumberValue(value, Double.toString(value));
    }

    static NumberValue of(long value) {
      return new NumberValue(value, Long.toString(value));
    }

    /**
     * The exact integer when the literal is one that fits a long (timestamps), else empty. Linear
     * in the literal's length whatever its digits and exponent ({@code 1e99999999999}, a million
     * zeros): only a literal of at most 19 significant digits reaches {@code BigDecimal}.
     */
    Optional<Long> exactLong() {
      Matcher m = SYNTAX.matcher(text);
      if (!m.matches()) {
        throw new IllegalStateException("not a number literal: " + text);
      }
      String mantissa = m.group(1);
      int dot = mantissa.indexOf('.');
      String integer = dot < 0 ? mantissa : mantissa.substring(0, dot);
      String fraction = dot < 0 ? "" : mantissa.substring(dot + 1);
      String digits = integer + fraction;
      int first = 0;
      while (first < digits.length() && digits.charAt(first) == '0') {
        first++;
      }
      int end = digits.length();
      while (end > first && digits.charAt(end - 1) == '0') {
        end--;
      }
      if (first == end) {
        return Optional.of(0L);
      }
      // value = digits[first, end) * 10^power
      String exponent = m.group(3) == null ? "0" : m.group(3).substring(1);
      long power;
      try {
        power =
            Math.addExact(
                Math.subtractExact(Long.parseLong(exponent), fraction.length()),
                digits.length() - end);
      } catch (NumberFormatException | ArithmeticException e) {
        return Optional.empty(); // an exponent beyond a long: far outside a long's range
      }
      int significant = end - first;
      if (power < 0 || significant + power > 19) {
        return Optional.empty();
      }
      String sign = text.startsWith("-") ? "-" : "";
      try {
        return Optional.of(
            new java.math.BigDecimal(sign + digits.substring(first, end))
                .scaleByPowerOfTen((int) power)
                .longValueExact());
      } catch (ArithmeticException e) {
        return Optional.empty();
      }
    }

    @Override
    public String toString() {
      return text;
    }
  }

  /** A string; prints single-quoted with embedded single quotes doubled. */
  record StringValue(String value) implements Value {
    public StringValue {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
      return FilterPrinter.quote(value);
    }
  }

  /** The non-empty list of strings of an {@code IN} / {@code NOT IN}. */
  record StringList(List<String> values) implements Value {
    public StringList {
      values = List.copyOf(values);
      if (values.isEmpty()) {
        throw new IllegalArgumentException("An IN list needs at least one value");
      }
    }

    static StringList of(String... values) {
      return new StringList(List.of(values));
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder("(");
      for (int i = 0; i < values.size(); i++) {
        sb.append(i == 0 ? "" : ", ").append(FilterPrinter.quote(values.get(i)));
      }
      return sb.append(')').toString();
    }
  }

  /** The missing right-hand side of {@code IS NULL} / {@code IS NOT NULL}. */
  record NoValue() implements Value {
    static final NoValue INSTANCE = new NoValue();

    @Override
    public String toString() {
      return "";
    }
  }

  /** Shorthand for {@code new Comparison(field, op, value)}. */
  static Comparison compare(Field field, Op op, Value value) {
    return new Comparison(field, op, value);
  }

  static Filter and(Filter... children) {
    return new And(List.of(children));
  }

  static Filter or(Filter... children) {
    return new Or(List.of(children));
  }

  static Filter not(Filter child) {
    return new Not(child);
  }
}
