package io.github.mlops4j.testing.leaky;

import io.github.mlops4j.testing.leaky.internal.Hidden;
import java.util.List;
import java.util.function.Supplier;

/** A fixture of {@code ApiSignaturesTest}: leaks through every kind of signature. */
public class Leaky implements Supplier<Hidden> {
  public Hidden field;
  protected List<? extends Hidden> wildcard;
  Hidden packagePrivateField;
  private Hidden privateField;

  public Leaky(Hidden hidden) {}

  Leaky() {}

  @Override
  public Hidden get() {
    return field;
  }

  public <T extends Hidden> void bound(T t) {}

  public void array(PackagePrivate[] values) {}

  public void thrown() throws Failure {}

  void notApi(Hidden hidden) {}

  private void alsoNotApi(Hidden hidden) {}

  /** Nested: visible as well. */
  public static final class Nested<T extends Hidden> {}

  static final class NotVisible {
    public Hidden ignored() {
      return null;
    }
  }

  public static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;
  }
}

final class PackagePrivate {
  public Hidden ignored() {
    return null;
  }
}
