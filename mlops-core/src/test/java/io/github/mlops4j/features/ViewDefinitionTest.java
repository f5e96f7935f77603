package io.github.mlops4j.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.mlops4j.store.StoreException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A stored view definition is read back exactly, and anything else (a damaged or hostile row of
 * {@code feature_view_versions}) is a {@link StoreException} with a short message, read in memory
 * bounded by its length: never another exception, an {@code Error} or a huge allocation.
 */
class ViewDefinitionTest {
  private static final String VALID =
      "{\"schemaVersion\":1,\"name\":\"v\",\"description\":\"d\","
          + "\"entities\":[{\"name\":\"id\",\"type\":\"STRING\"}],"
          + "\"features\":[{\"id\":1,\"name\":\"a\",\"type\":\"DOUBLE\"},"
          + "{\"id\":3,\"name\":\"b\",\"type\":\"LONG\"}],"
          + "\"retired\":[{\"id\":2,\"name\":\"c\",\"type\":\"STRING\"}],\"ttl\":\"PT1H\"}";

  @Test
  void readsWhatItWrites() {
    ViewDefinition def = ViewDefinition.fromJson(VALID);
    assertThat(def.toJson()).isEqualTo(VALID);
    assertThat(def.nextId()).isEqualTo(4);
    assertThat(def.toView().ttl()).isEqualTo(Duration.ofHours(1));
  }

  /** Jackson kept the last of duplicate keys, so a row could say two things at once. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "\"name\":\"v\"                       | \"name\":\"v\",\"name\":\"w\"",
        "{\"id\":1,\"name\":\"a\"             | {\"id\":1,\"id\":7,\"name\":\"a\"",
        "{\"name\":\"id\",\"type\":\"STRING\" | {\"name\":\"id\",\"type\":\"STRING\",\"type\":\"LONG\"",
        "\"ttl\":\"PT1H\"                     | \"ttl\":\"PT1H\",\"ttl\":\"PT2H\"",
      })
  void duplicateKeysAreRefused(String original, String duplicated) {
    assertThat(VALID).contains(original);
    assertRefused(VALID.replace(original, duplicated), "Duplicate field");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      value = {
        // not an object
        "null                          | not a JSON object",
        "[]                            | not a JSON object",
        "~\"x\"~                       | not a JSON object",
        "~~                            | No content",
        // malformed or trailing content
        "{                             | Malformed JSON",
        "~{\"schemaVersion\":1} {}~    | Malformed JSON",
        // versions
        "~{\"schemaVersion\":0}~       | schema version 0",
        "~{\"schemaVersion\":-1}~      | schema version -1",
        "~{\"schemaVersion\":1.5}~     | 'schemaVersion' must be an integer",
        "~{\"schemaVersion\":\"1\"}~   | 'schemaVersion' must be an integer",
        "~{\"schemaVersion\":99999999999999999999999}~ | out of range of long",
      })
  void malformedDocumentsAreRefused(String json, String message) {
    assertRefused(json == null ? "" : json, message);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      value = {
        // feature ids: an array is sized by the largest, an id indexes it
        "~\"id\":3~  | ~\"id\":2147483647~          | feature id 2147483647",
        "~\"id\":3~  | ~\"id\":-1~                  | feature id -1",
        "~\"id\":3~  | ~\"id\":0~                   | feature id 0",
        "~\"id\":3~  | ~\"id\":1~                   | feature id 1 is used twice",
        "~\"id\":3~  | ~\"id\":2~                   | feature id 2 is used twice",
        "~\"id\":3~  | ~\"id\":3.0~                 | 'id' must be an integer",
        "~\"id\":3~  | ~\"id\":12345678901234567890~ | out of range of long",
        // names and types, checked as FeatureView.builder checks them
        "~\"name\":\"b\"~ | ~\"name\":\"a\"~        | 'a' is used twice",
        "~\"name\":\"c\"~ | ~\"name\":\"a\"~        | 'a' is used twice",
        "~\"name\":\"b\"~ | ~\"name\":\"b c\"~      | Bad field name",
        "~\"name\":\"v\"~ | ~\"name\":\"\"~         | Bad feature view name",
        "~\"type\":\"STRING\"}]~ | ~\"type\":\"DOUBLE\"}]~ | Entity key 'id' cannot be DOUBLE",
        "~\"type\":\"LONG\"~ | ~\"type\":\"long\"~  | 'type' must be one of",
        "~\"type\":\"LONG\"~ | ~\"type\":7~         | 'type' must be a string",
        "~\"name\":\"b\"~ | ~\"name\":null~         | missing 'name'",
        // lists
        "~\"entities\":[{\"name\":\"id\",\"type\":\"STRING\"}]~ | ~\"entities\":[]~ | needs at least one entity",
        "~\"entities\":[{\"name\":\"id\",\"type\":\"STRING\"}]~ | ~\"entities\":[7]~ | must be an object",
        "~\"entities\":[{\"name\":\"id\",\"type\":\"STRING\"}]~ | ~\"entities\":{}~ | 'entities' must be an array",
        // ttl, checked as FeatureView.builder checks it
        "PT1H | PT-1S                 | ttl must not be negative",
        "PT1H | PT9999999999999H      | ttl must be at most 292 years",
        "PT1H | 1 hour                | 'ttl' is not a duration",
        // what evolve() writes: retired features by id, so re-applying the view is a no-op
        "~\"retired\":[{\"id\":2,\"name\":\"c\",\"type\":\"STRING\"}]~ | ~\"retired\":[{\"id\":4,\"name\":\"e\",\"type\":\"LONG\"},{\"id\":2,\"name\":\"c\",\"type\":\"STRING\"}]~ | not in ascending id order",
        // keys this version does not write
        "~\"ttl\":~ | ~\"extra\":1,\"ttl\":~ | unknown key 'extra'",
        "~{\"id\":1,~ | ~{\"id\":1,\"x\":[],~ | unknown key 'x'",
      })
  void inconsistentDefinitionsAreRefused(String original, String replacement, String message) {
    assertThat(VALID).contains(original);
    assertRefused(
        VALID.replaceFirst(
            java.util.regex.Pattern.quote(original),
            java.util.regex.Matcher.quoteReplacement(replacement)),
        message);
  }

  @Test
  void deepNestingIsRefusedWithoutRecursingIntoIt() {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    assertRefused(
        VALID.replace("\"description\":\"d\"", "\"description\":" + deep), "nesting depth");
  }

  @Test
  void hugeValuesAreRefusedBeforeTheyAreRead() {
    String longName = "x".repeat(ViewDefinition.MAX_JSON_LENGTH);
    assertRefused(
        VALID.replace("\"d\"", "\"" + longName + "\""),
        "longer than " + ViewDefinition.MAX_JSON_LENGTH);
    String longNumber = "1".repeat(5_000);
    assertRefused(VALID.replace("\"id\":3", "\"id\":" + longNumber), "Number value length");
  }

  private static void assertRefused(String json, String message) {
    Throwable t = catchThrowable(() -> ViewDefinition.fromJson(json));
    assertThat(t)
        .as(json.length() > 300 ? json.substring(0, 300) : json)
        .isExactlyInstanceOf(StoreException.class);
    assertThat(t.getMessage()).contains(message).hasSizeLessThan(600);
  }
}
