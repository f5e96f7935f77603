package io.github.mlops4j.tracking;

import io.github.mlops4j.tracking.Filter.Field;
import io.github.mlops4j.tracking.Filter.Kind;
import io.github.mlops4j.tracking.Filter.NoValue;
import io.github.mlops4j.tracking.Filter.NumberValue;
import io.github.mlops4j.tracking.Filter.Op;
import io.github.mlops4j.tracking.Filter.StringList;
import io.github.mlops4j.tracking.Filter.StringValue;
import io.github.mlops4j.tracking.Filter.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import org.jspecify.annotations.Nullable;

/**
 * Parses run-search filters: MLflow's {@code search_runs} grammar plus {@code OR}, {@code NOT} and
 * parentheses. A hand-written recursive-descent parser that works on the characters directly, so
 * every error carries the exact offset.
 *
 * <pre>
 * filter     = [ or ] EOF                      (empty or blank: match all)
 * or         = and { OR and }
 * and        = unary { AND unary }
 * unary      = NOT unary | "(" or ")" | comparison
 * comparison = field op value
 * field      = name "." key | name             (a bare name is a run attribute)
 * name       = word | quoted
 * key        = word { "." word } | quoted      (so tags.mlflow.parentRunId works unquoted)
 * quoted     = "`" ... "`" | '"' ... '"'        (a doubled quote stands for itself)
 * op         = "=" | "!=" | ">" | ">=" | "<" | "<=" | LIKE | ILIKE | IN | NOT IN
 *            | IS NULL | IS NOT NULL
 * value      = number | string | "(" string { "," string } ")"
 * string     = "'" ... "'" | '"' ... '"'        (a doubled quote stands for itself)
 * </pre>
 *
 * Keywords and field-type prefixes are case-insensitive; keys are case-sensitive except attribute
 * and dataset names. Type rules follow MLflow: metrics, {@code start_time} and {@code end_time}
 * take numbers and numeric comparators; everything else takes quoted strings.
 *
 * <p>Untrusted text is safe to parse: the work is linear in its length, and the limits of {@link
 * RunQuery} ({@link RunQuery#MAX_FILTER_LENGTH length}, {@link RunQuery#MAX_FILTER_DEPTH nesting},
 * {@link RunQuery#MAX_FILTER_COMPARISONS comparisons}, {@link RunQuery#MAX_FILTER_LIST_VALUES list
 * values}) bound the recursion, the tree and the SQL it compiles to; going over one is an {@link
 * InvalidFilterException} at the first character over, like any other error. Text holding a NUL
 * character or an unpaired surrogate is refused the same way. Messages quote at most a short
 * excerpt of the text.
 */
final class FilterParser {
  private static final String OPERATORS =
      "=, !=, >, >=, <, <=, LIKE, ILIKE, IN, NOT IN, IS NULL, IS NOT NULL";
  private static final String FIELD_EXAMPLES =
      "such as metrics.accuracy, params.lr, tags.`mlflow.user`, datasets.name or start_time";

  private final String src;
  private int pos;

  /** Parentheses and NOTs open at {@code pos}. */
  private int depth;

  private int comparisons;
  private int listValues;

  private FilterParser(String src) {
    this.src = src;
  }

  /**
   * Parses a filter; an empty or blank one gives {@link Filter#MATCH_ALL}.
   *
   * @throws InvalidFilterException if the filter is malformed, names an unknown attribute or type,
   *     or compares a field with an operator or value of the wrong type
   */
  static Filter parse(String filter) {
    FilterParser p = new FilterParser(Objects.requireNonNull(filter, "filter"));
    p.checkText("filter");
    p.skipWhitespace();
    if (p.atEnd()) {
      return Filter.MATCH_ALL;
    }
    Filter result = p.parseOr();
    p.skipWhitespace();
    if (!p.atEnd()) {
      if (p.peek() == ')') {
        throw p.error(p.pos, "Unbalanced ')' at position " + p.pos + ": there is no '(' to close");
      }
      throw p.expected("AND, OR or the end of the filter", null);
    }
    return result;
  }

  /**
   * Parses an order-by key: a field, then optionally {@code ASC} or {@code DESC} (default ASC),
   * separated by whitespace. As in MLflow, whitespace before the field or after the last word is
   * refused: {@code "params.p "} is most likely a key cut or joined by mistake.
   *
   * @throws InvalidFilterException if the key is malformed, starts or ends with whitespace, or
   *     names a field that cannot be sorted
   */
  static OrderBy parseOrderBy(String orderBy) {
    FilterParser p = new FilterParser(Objects.requireNonNull(orderBy, "orderBy"));
    p.checkText("order-by key");
    if (!orderBy.isEmpty() && Character.isWhitespace(orderBy.charAt(0))) {
      throw p.error(0, "Whitespace before the order-by key at position 0; remove it");
    }
    int last = orderBy.length() - 1;
    if (last > 0 && Character.isWhitespace(orderBy.charAt(last))) {
      int from = last;
      while (from > 0 && Character.isWhitespace(orderBy.charAt(from - 1))) {
        from--;
      }
      throw p.error(from, "Whitespace after the order-by key at position " + from + "; remove it");
    }
    int fieldStart = p.pos;
    Field field = p.parseField();
    if (field.kind() == Kind.DATASET) {
      throw p.error(
          fieldStart,
          "Cannot order by "
              + clip(field.toString())
              + " at position "
              + fieldStart
              + ": a run can have many dataset inputs");
    }
    boolean ascending = true;
    if (p.keyword("DESC")) {
      ascending = false;
    } else if (!p.keyword("ASC")) {
      p.skipWhitespace();
      if (!p.atEnd()) {
        throw p.expected("ASC, DESC or the end of the order-by key", null);
      }
    }
    p.skipWhitespace();
    if (!p.atEnd()) {
      throw p.expected("the end of the order-by key", null);
    }
    return new OrderBy(field, ascending);
  }

  // ---------------------------------------------------------------- boolean structure

  private Filter parseOr() {
    List<Filter> children = new ArrayList<>();
    children.add(parseAnd());
    while (keyword("OR")) {
      children.add(parseAnd());
    }
    return children.size() == 1 ? children.get(0) : new Filter.Or(children);
  }

  private Filter parseAnd() {
    List<Filter> children = new ArrayList<>();
    children.add(parseUnary());
    while (keyword("AND")) {
      children.add(parseUnary());
    }
    return children.size() == 1 ? children.get(0) : new Filter.And(children);
  }

  private Filter parseUnary() {
    skipWhitespace();
    int start = pos;
    if (keyword("NOT")) {
      enter(start);
      Filter inner = new Filter.Not(parseUnary());
      depth--;
      return inner;
    }
    if (peek() == '(') {
      enter(start);
      int open = pos++;
      Filter inner = parseOr();
      skipWhitespace();
      if (peek() != ')') {
        throw error(
            pos,
            "Unbalanced '(' at position "
                + open
                + ": expected ')' at position "
                + pos
                + " but found "
                + found());
      }
      pos++;
      depth--;
      return inner;
    }
    return parseComparison();
  }

  /** One more level of nesting opens at {@code at}: a NOT or a '('. */
  private void enter(int at) {
    if (++depth > RunQuery.MAX_FILTER_DEPTH) {
      throw error(
          at,
          "Parentheses and NOT nest more than "
              + RunQuery.MAX_FILTER_DEPTH
              + " deep at position "
              + at
              + "; simplify the filter");
    }
  }

  /**
   * Refuses text over the length limit, and text no key or value can match: a NUL character
   * (PostgreSQL cannot store one) or an unpaired surrogate (not Unicode; a driver would send it as
   * {@code ?}).
   */
  private void checkText(String what) {
    if (src.length() > RunQuery.MAX_FILTER_LENGTH) {
      throw error(
          RunQuery.MAX_FILTER_LENGTH,
          "The "
              + what
              + " is "
              + src.length()
              + " characters long; at most "
              + RunQuery.MAX_FILTER_LENGTH
              + " are allowed");
    }
    for (int i = 0; i < src.length(); i++) {
      char c = src.charAt(i);
      if (c == '\0') {
        throw error(i, "NUL character at position " + i + "; the " + what + " cannot hold one");
      }
      if (Character.isSurrogate(c)) {
        boolean paired =
            Character.isHighSurrogate(c)
                && i + 1 < src.length()
                && Character.isLowSurrogate(src.charAt(i + 1));
        if (!paired) {
          throw error(
              i,
              String.format(
                  java.util.Locale.ROOT,
                  "Unpaired surrogate U+%04X at position %d; the %s must be valid Unicode",
                  (int) c,
                  i,
                  what));
        }
        i++;
      }
    }
  }

  // ---------------------------------------------------------------- comparisons

  private Filter parseComparison() {
    skipWhitespace();
    if (++comparisons > RunQuery.MAX_FILTER_COMPARISONS) {
      throw error(
          pos,
          "More than "
              + RunQuery.MAX_FILTER_COMPARISONS
              + " comparisons in the filter, at position "
              + pos
              + "; use IN lists or split the search");
    }
    Field field = parseField();
    skipWhitespace();
    int opStart = pos;
    Op op = parseOp();
    if (!field.allows(op)) {
      throw error(
          opStart,
          "Operator "
              + op.symbol()
              + " at position "
              + opStart
              + " cannot be used with "
              + describe(field)
              + "; use one of "
              + symbols(field.allowedOps()));
    }
    skipWhitespace();
    int valueStart = pos;
    Value value;
    if (op.takesNoValue()) {
      value = NoValue.INSTANCE;
    } else if (op.takesList()) {
      value = parseList(op);
    } else {
      value = parseScalar(field);
      if (field.numeric() && !(value instanceof NumberValue)) {
        throw error(
            valueStart,
            "Expected a number at position "
                + valueStart
                + " because "
                + describe(field)
                + " is numeric, but found the string "
                + clip(value.toString()));
      }
      if (!field.numeric() && !(value instanceof StringValue)) {
        throw error(
            valueStart,
            "Expected a quoted string at position "
                + valueStart
                + " because "
                + describe(field)
                + " holds strings, but found the number "
                + clip(value.toString())
                + "; write it as '"
                + clip(value.toString())
                + "'");
      }
    }
    return new Filter.Comparison(field, op, value);
  }

  /** A field; on return {@code pos} is just after it. */
  private Field parseField() {
    skipWhitespace();
    int start = pos;
    String first = readName();
    if (first == null) {
      throw expected("a field " + FIELD_EXAMPLES, null);
    }
    if (peek() != '.') {
      return attribute(first, start);
    }
    Optional<Kind> kind = Kind.ofPrefix(first);
    if (kind.isEmpty()) {
      throw error(
          start,
          "Unknown field type '"
              + clip(first)
              + "' at position "
              + start
              + "; expected metrics, params, tags, attributes or datasets");
    }
    pos++; // the dot
    int keyStart = pos;
    String key = readKey();
    if (key == null) {
      String hint = peek() == '\'' ? " (quote keys with ` or \", not ')" : "";
      throw expected("a key after '" + clip(src.substring(start, keyStart)) + "'" + hint, null);
    }
    if (key.isEmpty()) {
      throw error(keyStart, "Empty key at position " + keyStart);
    }
    switch (kind.get()) {
      case ATTRIBUTE:
        return attribute(key, keyStart);
      case DATASET:
        if (Field.canonicalDatasetField(key).isEmpty()) {
          throw error(
              keyStart,
              "Unknown dataset field '"
                  + clip(key)
                  + "' at position "
                  + keyStart
                  + "; expected name, digest or context");
        }
        return new Field(Kind.DATASET, key);
      default:
        return new Field(kind.get(), key);
    }
  }

  private Field attribute(String name, int at) {
    if (Field.canonicalAttribute(name).isEmpty()) {
      TreeSet<String> valid = new TreeSet<>(Field.STRING_ATTRIBUTES);
      valid.addAll(Field.NUMERIC_ATTRIBUTES);
      throw error(
          at,
          "Unknown attribute '"
              + clip(name)
              + "' at position "
              + at
              + "; expected one of "
              + valid
              + " (other fields need a prefix: metrics., params., tags. or datasets.)");
    }
    return Field.attribute(name);
  }

  /** A prefix or bare attribute: a word, or a quoted name; null if neither starts here. */
  private @Nullable String readName() {
    char c = peek();
    if (c == '`' || c == '"') {
      return readQuoted("quoted name");
    }
    if (Character.isLetter(c) || c == '_') {
      int start = pos;
      while (Field.isWordChar(peek())) {
        pos++;
      }
      return src.substring(start, pos);
    }
    return null;
  }

  /** A key after the prefix dot: dotted words, or a quoted name; null if neither starts here. */
  private @Nullable String readKey() {
    char c = peek();
    if (c == '`' || c == '"') {
      return readQuoted("quoted key");
    }
    if (!Field.isWordChar(c)) {
      return null;
    }
    int start = pos;
    while (true) {
      while (Field.isWordChar(peek())) {
        pos++;
      }
      if (peek() == '.' && Field.isWordChar(peekAt(pos + 1))) {
        pos++;
      } else {
        return src.substring(start, pos);
      }
    }
  }

  private Op parseOp() {
    int start = pos;
    if (src.startsWith(">=", pos)) {
      pos += 2;
      return Op.GE;
    }
    if (src.startsWith("<=", pos)) {
      pos += 2;
      return Op.LE;
    }
    if (src.startsWith("!=", pos)) {
      pos += 2;
      return Op.NE;
    }
    if (src.startsWith("==", pos) || src.startsWith("<>", pos)) {
      throw expected("a comparison operator", "use one of " + OPERATORS);
    }
    switch (peek()) {
      case '>':
        pos++;
        return Op.GT;
      case '<':
        pos++;
        return Op.LT;
      case '=':
        pos++;
        return Op.EQ;
      default:
        break;
    }
    if (keyword("LIKE")) {
      return Op.LIKE;
    }
    if (keyword("ILIKE")) {
      return Op.ILIKE;
    }
    if (keyword("IN")) {
      return Op.IN;
    }
    if (keyword("NOT")) {
      if (keyword("IN")) {
        return Op.NOT_IN;
      }
      skipWhitespace();
      throw expected("IN after NOT (NOT IN is the only negated operator)", null);
    }
    if (keyword("IS")) {
      boolean not = keyword("NOT");
      if (!keyword("NULL")) {
        skipWhitespace();
        throw expected("NULL after IS" + (not ? " NOT" : ""), null);
      }
      return not ? Op.IS_NOT_NULL : Op.IS_NULL;
    }
    pos = start;
    throw expected("a comparison operator", "use one of " + OPERATORS);
  }

  // ---------------------------------------------------------------- values

  private Value parseScalar(Field field) {
    char c = peek();
    if (c == '\'' || c == '"') {
      return new StringValue(readQuoted("string"));
    }
    Matcher m = NumberValue.SYNTAX.matcher(src).region(pos, src.length());
    if (m.lookingAt()) {
      int start = pos;
      String text = m.group();
      pos = m.end();
      if (Field.isWordChar(peek()) || peek() == '.') {
        throw error(start, "Malformed number at position " + start);
      }
      return new NumberValue(Double.parseDouble(text), text);
    }
    String what = field.numeric() ? "a number" : "a quoted string";
    if (c == '`') {
      throw expected(what, "backticks quote keys, not values; use ' or \"");
    }
    if (c == '(') {
      throw expected(what, "a parenthesized list is only allowed after IN or NOT IN");
    }
    if (Character.isLetter(c) || c == '_') {
      throw expected(what, field.numeric() ? null : "quote strings with ' or \"");
    }
    throw expected(what, null);
  }

  private Value parseList(Op op) {
    if (peek() != '(') {
      throw expected("'(' to start the list of values after " + op.symbol(), null);
    }
    pos++;
    List<String> values = new ArrayList<>();
    while (true) {
      skipWhitespace();
      char c = peek();
      if (c != '\'' && c != '"') {
        throw expected("a quoted string in the " + op.symbol() + " list", null);
      }
      if (++listValues > RunQuery.MAX_FILTER_LIST_VALUES) {
        throw error(
            pos,
            "More than "
                + RunQuery.MAX_FILTER_LIST_VALUES
                + " values in IN lists, at position "
                + pos
                + "; split the search");
      }
      values.add(readQuoted("string"));
      skipWhitespace();
      if (peek() == ',') {
        pos++;
      } else if (peek() == ')') {
        pos++;
        return new StringList(values);
      } else {
        throw expected("',' or ')' in the " + op.symbol() + " list", null);
      }
    }
  }

  /**
   * Reads text between the quote character at {@code pos} and its match; a doubled quote inside
   * stands for one quote character.
   */
  private String readQuoted(String what) {
    int start = pos;
    char quote = src.charAt(pos++);
    StringBuilder sb = new StringBuilder();
    while (pos < src.length()) {
      char c = src.charAt(pos++);
      if (c == quote) {
        if (peek() == quote) {
          sb.append(quote);
          pos++;
        } else {
          return sb.toString();
        }
      } else {
        sb.append(c);
      }
    }
    throw error(
        start, "Unterminated " + what + " starting at position " + start + ": no closing " + quote);
  }

  // ---------------------------------------------------------------- scanning helpers

  private boolean atEnd() {
    return pos >= src.length();
  }

  private char peek() {
    return peekAt(pos);
  }

  private char peekAt(int i) {
    return i < src.length() ? src.charAt(i) : '\0';
  }

  private void skipWhitespace() {
    while (!atEnd() && Character.isWhitespace(src.charAt(pos))) {
      pos++;
    }
  }

  /**
   * Consumes the keyword (case-insensitive, as a whole word) after optional whitespace; leaves
   * {@code pos} unchanged if it is not there.
   */
  private boolean keyword(String word) {
    int save = pos;
    skipWhitespace();
    if (src.regionMatches(true, pos, word, 0, word.length())) {
      char after = peekAt(pos + word.length());
      if (!Field.isWordChar(after) && after != '.') {
        pos += word.length();
        return true;
      }
    }
    pos = save;
    return false;
  }

  private InvalidFilterException error(int at, String problem) {
    return new InvalidFilterException(src, at, problem);
  }

  /** "Expected X at position N but found Y[; hint]" for the current position. */
  private InvalidFilterException expected(String what, @Nullable String hint) {
    return error(
        pos,
        "Expected "
            + what
            + " at position "
            + pos
            + " but found "
            + found()
            + (hint == null ? "" : "; " + hint));
  }

  /** The text at the current position, for messages: a word, one symbol, or the end. */
  private String found() {
    if (atEnd()) {
      return "the end of the filter";
    }
    int end = pos;
    if (Field.isWordChar(src.charAt(end))) {
      while (end < src.length()
          && end - pos < 30
          && (Field.isWordChar(src.charAt(end)) || src.charAt(end) == '.')) {
        end++;
      }
    } else {
      end++;
    }
    return "'" + src.substring(pos, end) + "'";
  }

  private static String describe(Field field) {
    String text = clip(field.toString());
    switch (field.kind()) {
      case METRIC:
        return "metric " + text;
      case PARAM:
        return "param " + text;
      case TAG:
        return "tag " + text;
      case DATASET:
        return "dataset field " + text;
      default:
        return "attribute " + text;
    }
  }

  /** User text for a message: as is up to 100 characters, else its start and its length. */
  static String clip(String text) {
    return InvalidFilterException.clip(text);
  }

  private static String symbols(Set<Op> ops) {
    StringBuilder sb = new StringBuilder();
    for (Op op : Op.values()) {
      if (ops.contains(op)) {
        sb.append(sb.length() == 0 ? "" : ", ").append(op.symbol());
      }
    }
    return sb.toString();
  }
}
