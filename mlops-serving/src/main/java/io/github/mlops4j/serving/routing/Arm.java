package io.github.mlops4j.serving.routing;

import io.github.mlops4j.internal.Checks;
import java.util.Objects;

/**
 * One arm of a weighted A/B split.
 *
 * @param name the route name reported in every prediction it answers
 * @param target what it serves
 * @param weight its share, relative to the other arms' weights (> 0)
 * @since 0.1.0
 */
public record Arm(String name, Target target, double weight) {
  public Arm {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(target, "target");
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.\\-]{0,63}")) {
      throw new IllegalArgumentException(
          "Bad arm name '" + name + "': use 1 to 64 letters, digits, '_', '.' or '-'");
    }
    if (Routing.PRIMARY.equals(name)
        || Routing.CANARY.equals(name)
        || Routing.SHADOW.equals(name)) {
      throw new IllegalArgumentException("Arm name '" + name + "' is reserved");
    }
    Checks.positiveFinite(weight, "Weight of arm '" + name + "'");
  }

  /** An arm named {@code name} serving {@code target} with {@code weight}. */
  public static Arm of(String name, Target target, double weight) {
    return new Arm(name, target, weight);
  }
}
