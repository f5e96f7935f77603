package io.github.mlops4j.registry;

import io.github.mlops4j.StoredText;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The rule for the name of a new registered model, and the case-insensitive key that keeps two
 * models from having names that differ only by case.
 *
 * <p>A model name is 1 to {@value #MAX_LENGTH} characters of well-formed Unicode text that does not
 * start or end with whitespace and holds none of: {@code /}, {@code \}, control characters,
 * invisible format characters (zero-width spaces and joiners, bidirectional overrides, byte order
 * marks), line or paragraph separators, or whitespace other than the plain space U+0020. Letters of
 * any script, digits, the space and punctuation such as {@code - _ . :} are allowed.
 *
 * <p>The key of a name is its NFKC normalization, case-folded ({@link Locale#ROOT} upper case, then
 * lower case) and normalized again: {@code "Loan-Default"} and {@code "loan-default"} have the same
 * key, and so do a composed and a decomposed {@code "é"}. The database holds the key in a unique
 * column, so two models whose keys are equal cannot both exist.
 */
final class ModelNames {
  /** Longest model name, in chars. */
  static final int MAX_LENGTH = 500;

  private ModelNames() {}

  /**
   * Returns {@code name} if it may name a new model.
   *
   * @throws IllegalArgumentException naming the rule broken and quoting at most 100 characters of
   *     the name (control and invisible characters escaped)
   * @throws NullPointerException if {@code name} is null
   */
  static String check(String name) {
    Objects.requireNonNull(name, "model name");
    StoredText.check(name, "model name");
    if (name.isEmpty() || name.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "A model name must be 1 to "
              + MAX_LENGTH
              + " characters; "
              + quote(name)
              + " is "
              + name.length());
    }
    if (isSpace(name.codePointAt(0)) || isSpace(name.codePointBefore(name.length()))) {
      throw new IllegalArgumentException(
          "Model name "
              + quote(name)
              + " starts or ends with"
              + " whitespace; remove it (a name is compared exactly, so ' churn' and 'churn' would"
              + " be two models)");
    }
    for (int i = 0; i < name.length(); ) {
      int cp = name.codePointAt(i);
      String problem = problem(cp);
      if (problem != null) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "Model name %s has %s (U+%04X) at index %d; model names may not hold '/', '\\',"
                    + " control or invisible characters, or whitespace other than the space",
                quote(name),
                problem,
                cp,
                i));
      }
      i += Character.charCount(cp);
    }
    return name;
  }

  /** The case-insensitive key of a (valid or legacy) name; see the class comment. */
  static String key(String name) {
    String n = Normalizer.normalize(name, Normalizer.Form.NFKC);
    String folded = n.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    return Normalizer.normalize(folded, Normalizer.Form.NFKC);
  }

  private static boolean isSpace(int cp) {
    return Character.isWhitespace(cp) || Character.isSpaceChar(cp);
  }

  private static @Nullable String problem(int cp) {
    if (cp == '/') {
      return "a '/'";
    }
    if (cp == '\\') {
      return "a '\\'";
    }
    switch (Character.getType(cp)) {
      case Character.CONTROL:
        return "a control character";
      case Character.FORMAT:
        return "an invisible format character";
      case Character.LINE_SEPARATOR:
      case Character.PARAGRAPH_SEPARATOR:
        return "a line or paragraph separator";
      default:
        break;
    }
    if (cp != ' ' && isSpace(cp)) {
      return "whitespace other than the space";
    }
    return null;
  }

  /** The name quoted for a message: at most 100 chars, control and invisible chars escaped. */
  static String quote(String name) {
    StringBuilder b = new StringBuilder("'");
    int n = Math.min(name.length(), 100);
    for (int i = 0; i < n; i++) {
      char c = name.charAt(i);
      int type = Character.getType(c);
      if (type == Character.CONTROL
          || type == Character.FORMAT
          || Character.isSurrogate(c)
          || type == Character.LINE_SEPARATOR
          || type == Character.PARAGRAPH_SEPARATOR
          || (c != ' ' && isSpace(c))) {
        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    b.append('\'');
    if (name.length() > 100) {
      b.append("… (").append(name.length()).append(" characters)");
    }
    return b.toString();
  }
}
