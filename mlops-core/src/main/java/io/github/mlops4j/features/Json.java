package io.github.mlops4j.features;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.jspecify.annotations.Nullable;

/**
 * JSON for stored view definitions, through Jackson's untyped model: objects become {@code Map}s in
 * field order, arrays {@code List}s, integers {@code Long}s (beyond a long, {@code BigInteger}s).
 *
 * <p>Reading is strict and bounded, since a definition row may have been damaged or written by
 * someone else: a key twice in one object, content after the value, nesting deeper than {@value
 * #MAX_DEPTH}, a name longer than {@value #MAX_NAME_LENGTH}, a number longer than {@value
 * #MAX_NUMBER_LENGTH} characters or a document longer than {@value #MAX_LENGTH} characters are
 * malformed.
 */
final class Json {
  /** Deepest nesting of arrays and objects; a view definition nests 3 deep. */
  static final int MAX_DEPTH = 8;

  /** Longest object key; a view definition's longest is 13 characters. */
  static final int MAX_NAME_LENGTH = 64;

  /** Longest number literal. */
  static final int MAX_NUMBER_LENGTH = 100;

  /** Longest document, and so longest string, in characters. */
  static final int MAX_LENGTH = 8 * 1024 * 1024;

  private static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(MAX_DEPTH)
                          .maxNameLength(MAX_NAME_LENGTH)
                          .maxNumberLength(MAX_NUMBER_LENGTH)
                          .maxStringLength(MAX_LENGTH)
                          .maxDocumentLength(MAX_LENGTH)
                          .build())
                  .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .build())
          .enable(DeserializationFeature.USE_LONG_FOR_INTS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private Json() {}

  static String write(@Nullable Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Parses one JSON value; JSON {@code null} gives null.
   *
   * @throws IllegalArgumentException if the text is not one well-formed JSON value within the
   *     limits above
   */
  static @Nullable Object parse(String text) {
    if (text.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "Malformed JSON: the document is "
              + text.length()
              + " characters long, longer than "
              + MAX_LENGTH);
    }
    try {
      return MAPPER.readValue(text, Object.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Malformed JSON: " + e.getOriginalMessage(), e);
    }
  }
}
