package io.github.mlops4j.testing.leaky.internal;

/** A fixture of {@code ApiSignaturesTest}: an internal type. */
public interface Hidden {}
