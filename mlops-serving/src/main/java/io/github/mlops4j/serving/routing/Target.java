package io.github.mlops4j.serving.routing;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a route serves: a registry alias (followed, so it hot-swaps when the alias moves) or a
 * pinned version number (never swaps).
 *
 * @param alias the alias, or null for a pinned version
 * @param version the pinned version, or 0 for an alias
 * @since 0.1.0
 */
public record Target(@Nullable String alias, int version) {
  public Target {
    if (alias == null ? version < 1 : version != 0) {
      throw new IllegalArgumentException(
          "A target is an alias or a version >= 1, was alias=" + alias + ", version=" + version);
    }
    if (alias != null && alias.isBlank()) {
      throw new IllegalArgumentException("Alias must not be blank");
    }
  }

  /** Follows {@code alias} (also {@code latest}). */
  public static Target alias(String alias) {
    return new Target(Objects.requireNonNull(alias, "alias"), 0);
  }

  /** Pins {@code version}. */
  public static Target version(int version) {
    return new Target(null, version);
  }

  /** True if this target follows an alias. */
  public boolean followsAlias() {
    return alias != null;
  }

  /** The registry reference: the alias, or the version number as text. */
  public String reference() {
    return alias != null ? alias : Integer.toString(version);
  }

  @Override
  public String toString() {
    return alias != null ? "alias " + alias : "v" + version;
  }
}
