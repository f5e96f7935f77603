package io.github.mlops4j.testing.leaky.internal;

/** A fixture of {@code ApiSignaturesTest}: internal types may mention each other. */
public final class Inside {
  public Hidden hidden() {
    return null;
  }
}
