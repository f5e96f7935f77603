package io.github.mlops4j.registry;

/** An enum whose static initializer must never run while a hostile model file is checked. */
enum EvilEnum {
  A;

  static {
    System.setProperty("mlops4j.test.EvilEnum.initialized", "true");
  }
}
