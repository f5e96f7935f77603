package io.github.mlops4j.features;

import java.util.Objects;

/**
 * A named, typed column: an entity key, a feature or a request field.
 *
 * @param name a name of letters, digits and underscores, starting with a letter or underscore, at
 *     most 128 characters
 * @param type its type
 * @since 0.1.0
 */
public record Field(String name, ValueType type) {
  public Field {
    Names.check(name, "field name");
    Objects.requireNonNull(type, "type");
  }
}
