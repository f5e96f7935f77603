package io.github.mlops4j.registry;

/**
 * A class on the test class path whose static initializer must never run while a hostile model file
 * is checked: it records that it ran in a system property, read without loading the class.
 */
final class EvilStaticInit {
  static final String RAN = "mlops4j.test.EvilStaticInit.initialized";

  static {
    System.setProperty("mlops4j.test.EvilStaticInit.initialized", "true");
  }

  private EvilStaticInit() {}
}
