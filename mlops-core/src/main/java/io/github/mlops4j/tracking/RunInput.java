package io.github.mlops4j.tracking;

import io.github.mlops4j.data.DatasetVersion;
import java.util.Objects;

/**
 * A dataset version a run used, and in what role.
 *
 * @param dataset the dataset version
 * @param context the role, such as {@code train}, {@code eval} or {@code test}; empty when not
 *     given
 * @since 0.1.0
 */
public record RunInput(DatasetVersion dataset, String context) {
  public RunInput {
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(context, "context");
  }
}
